"""Statistics of recorded activity: rates, PSTH, ISI, CV, Fano factor, correlation, synchrony, spectra.

numpy only. Every function takes a *source* and works in ms (times) and Hz (rates, frequencies).

Spike sources (anything :func:`as_spike_trains` understands):

* an :class:`~pymonn.EventRecorder` (``rec['fired.t']``, ``rec['fired.i']``) or a
  :class:`~pymonn.Recorder` of the boolean ``fired`` vector,
* a :class:`~pymonn.NeuronGroup` that carries one of those recorders,
* a :class:`SpikeTrains` object,
* plain arrays: a ``(t, i)`` tuple, a ``(spikes, 2)`` array of (t, i) rows (``rec['fired']``),
  a ``(steps, neurons)`` boolean array (needs ``dt``), or a list with one array of spike times
  per neuron (Neo ``SpikeTrain`` objects are accepted and read in ms).

Plain arrays carry no clock, so give ``t_stop`` (and ``dt`` for a boolean array). A recorder
takes them from its network: ``t_start = 0`` and ``t_stop = net.t`` (the time of the last step).

Signal sources (membrane potential and other continuous variables): a Recorder, a group that
carries a recorder of the variable, or a ``(steps, neurons)`` array with ``dt``.

Binning convention
    Step ``k`` covers the interval ``((k-1) dt, k dt]`` and its spikes carry the time ``k dt``
    (as recorders stamp them). Bins are therefore right-closed, ``(t0 + j b, t0 + (j+1) b]``, and
    only whole bins between ``t_start`` and ``t_stop`` are used, so that every bin has the same
    width and no rate is biased by a partial bin.

Examples
--------
>>> from pymonn import analysis as A
>>> rates = A.firing_rates(net.exc)                      # Hz per neuron
>>> t, r = A.population_rate(net.exc, bin_ms=5, width_ms=10)
>>> A.cv_isi(net.exc)                                   # per-neuron CV of the ISIs
>>> f, p = A.power_spectrum(net.exc, bin_ms=1)          # spectrum of population activity
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ConfigurationError

__all__ = [
    "SpikeTrains", "as_spike_trains", "as_signal", "spike_counts", "firing_rates", "mean_rate",
    "population_rate", "psth", "smooth", "isi", "cv_isi", "fano_factor", "fano_factor_trials",
    "correlation_matrix", "mean_pairwise_correlation", "synchrony_chi", "spike_synchrony",
    "power_spectrum", "membrane_stats",
]

_TOL = 1e-7  # in bin widths: spike times on a bin edge up to this rounding belong to the lower bin


# ---------------------------------------------------------------------------------------------
# spike trains
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpikeTrains:
    """Spikes of ``n`` neurons as (time, index) pairs observed during ``(t_start, t_stop]``.

    Attributes
    ----------
    t : ndarray of float64
        Spike times in ms.
    i : ndarray of int64
        Neuron index of each spike, ``0 <= i < n``.
    n : int
        Number of neurons (silent ones included).
    t_start, t_stop : float
        Observation window in ms.
    dt : float or None
        Sampling step in ms of the recording (None for continuous times).
    """

    t: np.ndarray
    i: np.ndarray
    n: int
    t_start: float
    t_stop: float
    dt: float | None = None

    @property
    def duration(self) -> float:
        """Length of the observation window in ms."""
        return self.t_stop - self.t_start

    def __len__(self) -> int:
        return int(self.t.size)

    def trains(self) -> list[np.ndarray]:
        """One sorted array of spike times (ms) per neuron."""
        order = np.lexsort((self.t, self.i))
        t, i = self.t[order], self.i[order]
        bounds = np.searchsorted(i, np.arange(self.n + 1))
        return [t[bounds[k]:bounds[k + 1]] for k in range(self.n)]

    def counts(self) -> np.ndarray:
        """Number of spikes of each neuron in the window."""
        return np.bincount(self.i, minlength=self.n)[: self.n]

    def restrict(self, t_start: float | None = None, t_stop: float | None = None,
                 neurons: Any = None) -> SpikeTrains:
        """A sub-window ``(t_start, t_stop]`` and/or a subset of neurons (renumbered 0..k-1)."""
        t0 = self.t_start if t_start is None else float(t_start)
        t1 = self.t_stop if t_stop is None else float(t_stop)
        keep = _in_window(self.t, t0, t1, self.dt)
        t, i, n = self.t[keep], self.i[keep], self.n
        if neurons is not None:
            idx = np.arange(self.n)[neurons] if not _is_index_array(neurons) else np.asarray(neurons, dtype=np.int64)
            remap = np.full(self.n, -1, dtype=np.int64)
            remap[idx] = np.arange(idx.size)
            new = remap[i]
            sel = new >= 0
            t, i, n = t[sel], new[sel], int(idx.size)
        return SpikeTrains(t, i, n, t0, t1, self.dt)


def _is_index_array(x: Any) -> bool:
    a = np.asarray(x)
    return a.ndim == 1 and a.dtype.kind in "iu"


def _in_window(t: np.ndarray, t0: float, t1: float, dt: float | None) -> np.ndarray:
    tol = _TOL * (dt if dt else 1.0)
    return (t > t0 + tol) & (t <= t1 + tol)


def _find_recorder(group: Any, variable: str, events: bool | None):
    from .recording import EventRecorder

    for key in sorted(getattr(group, "behaviours", {})):
        b = group.behaviours[key]
        if not getattr(b, "is_recorder", False):
            continue
        is_event = isinstance(b, EventRecorder)
        if events is not None and is_event != events:
            continue
        if b.recorded(variable):
            return b
    return None


def as_spike_trains(source: Any, *, n: int | None = None, t_start: float | None = None,
                    t_stop: float | None = None, dt: float | None = None,
                    variable: str = "fired") -> SpikeTrains:
    """Normalise any spike source (see the module docstring) into :class:`SpikeTrains`.

    Parameters
    ----------
    source
        Recorder, EventRecorder, NeuronGroup, SpikeTrains, ``(t, i)`` tuple, ``(spikes, 2)``
        array, ``(steps, neurons)`` boolean array or list of per-neuron spike-time arrays.
    n : int, optional
        Number of neurons (default: the group's size, or ``max(i) + 1`` for arrays).
    t_start, t_stop : float, optional
        Observation window in ms; required ``t_stop`` for plain arrays of times.
    dt : float, optional
        Step in ms; required for a boolean (steps, neurons) array.
    variable : str
        The recorded boolean variable (default ``'fired'``).
    """
    from .recording import EventRecorder, Recorder

    if isinstance(source, SpikeTrains):
        st = source
        if t_start is not None or t_stop is not None:
            st = st.restrict(t_start, t_stop)
        return st
    if hasattr(source, "behaviours") and hasattr(source, "size") and not isinstance(source, Recorder):
        rec = _find_recorder(source, variable, True) or _find_recorder(source, variable, False)
        if rec is None:
            raise ConfigurationError(
                f"{source.describe()} has no EventRecorder or Recorder of {variable!r}; add "
                f"EventRecorder('{variable}') to it or pass the spikes as arrays"
            )
        source = rec
    if isinstance(source, EventRecorder):
        net = source.network
        if net is None:
            raise ConfigurationError("the EventRecorder is not attached to a network")
        t = np.asarray(source[f"{variable}.t"], dtype=np.float64)
        i = np.asarray(source[f"{variable}.i"], dtype=np.int64)
        size = source.parent.size if hasattr(source.parent, "size") else (int(i.max()) + 1 if i.size else 0)
        step = net.dt * source.every
        return _finish(t, i, n if n is not None else size, 0.0 if t_start is None else t_start,
                       net.t if t_stop is None else t_stop, dt or step)
    if isinstance(source, Recorder):
        net = source.network
        if net is None:
            raise ConfigurationError("the Recorder is not attached to a network")
        raster = np.asarray(source[variable])
        times = np.asarray(source.t, dtype=np.float64)
        raster = raster.reshape(raster.shape[0], -1)
        rows, cols = np.nonzero(raster)
        step = net.dt * source.every
        t0 = (times[0] - step) if times.size else 0.0
        t1 = times[-1] if times.size else 0.0
        return _finish(times[rows], cols.astype(np.int64), n if n is not None else raster.shape[1],
                       t0 if t_start is None else t_start, t1 if t_stop is None else t_stop, dt or step)
    if isinstance(source, tuple) and len(source) == 2:
        t = np.asarray(source[0], dtype=np.float64).ravel()
        i = np.asarray(source[1]).ravel().astype(np.int64)
        if t.shape != i.shape:
            raise ConfigurationError(f"spike times and indices differ in length: {t.size} vs {i.size}")
        return _finish_arrays(t, i, n, t_start, t_stop, dt)
    if isinstance(source, list) and (not source or np.ndim(source[0]) <= 1 and not np.isscalar(source[0])):
        trains = [_train_ms(s) for s in source]
        t = np.concatenate(trains) if trains else np.empty(0)
        i = np.concatenate([np.full(len(s), k, dtype=np.int64) for k, s in enumerate(trains)]) if trains \
            else np.empty(0, np.int64)
        if t_start is None and source and hasattr(source[0], "t_start"):
            t_start = float(_train_ms(source[0].t_start)[0])
        if t_stop is None and source and hasattr(source[0], "t_stop"):
            t_stop = float(_train_ms(source[0].t_stop)[0])
        return _finish_arrays(t, i, len(source) if n is None else n, t_start, t_stop, dt)
    arr = np.asarray(source)
    if arr.dtype == bool and arr.ndim == 2:
        if dt is None:
            raise ConfigurationError("a boolean (steps, neurons) spike array needs dt (ms)")
        rows, cols = np.nonzero(arr)
        return _finish((rows + 1) * float(dt), cols.astype(np.int64), arr.shape[1] if n is None else n,
                       0.0 if t_start is None else t_start,
                       arr.shape[0] * float(dt) if t_stop is None else t_stop, dt)
    if arr.ndim == 2 and arr.shape[1] == 2:
        return _finish_arrays(arr[:, 0].astype(np.float64), arr[:, 1].astype(np.int64), n, t_start, t_stop, dt)
    raise ConfigurationError(
        f"cannot read spikes from {type(source).__name__}: expected an EventRecorder, a Recorder of "
        "'fired', a NeuronGroup with one of those, SpikeTrains, a (t, i) tuple, a (spikes, 2) array, "
        "a boolean (steps, neurons) array or a list of spike-time arrays"
    )


def _train_ms(x: Any) -> np.ndarray:
    if hasattr(x, "rescale"):  # a quantities / Neo object: read it in ms
        x = x.rescale("ms").magnitude
    return np.asarray(x, dtype=np.float64).ravel()


def _finish_arrays(t, i, n, t_start, t_stop, dt) -> SpikeTrains:
    if t_stop is None:
        raise ConfigurationError(
            "spikes given as plain arrays need t_stop (ms): the end of the observation window"
        )
    if n is None:
        n = int(i.max()) + 1 if i.size else 0
    return _finish(t, i, n, 0.0 if t_start is None else t_start, t_stop, dt)


def _finish(t, i, n, t_start, t_stop, dt) -> SpikeTrains:
    t_start, t_stop = float(t_start), float(t_stop)
    if not t_stop >= t_start:
        raise ConfigurationError(f"t_stop ({t_stop} ms) must not be before t_start ({t_start} ms)")
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ConfigurationError(f"neuron indices must lie in [0, {n}), got {i.min()}..{i.max()}")
    keep = _in_window(t, t_start, t_stop, dt)
    if not keep.all():
        t, i = t[keep], i[keep]
    return SpikeTrains(t, i, int(n), t_start, t_stop, None if dt is None else float(dt))


def _check_positive(name: str, value: Any, who: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ConfigurationError(f"{who}: {name} must be a positive number of ms, got {value!r}")
    return float(value)


def _bins(st: SpikeTrains, bin_ms: float, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Whole bins of ``bin_ms`` from t_start: (edges, bin index of each spike or -1)."""
    bin_ms = _check_positive("bin_ms", bin_ms, who)
    nbins = int(np.floor(st.duration / bin_ms + _TOL))
    edges = st.t_start + bin_ms * np.arange(nbins + 1)
    idx = np.ceil((st.t - st.t_start) / bin_ms - _TOL).astype(np.int64) - 1
    idx[(idx < 0) | (idx >= nbins)] = -1
    return edges, idx


def spike_counts(source: Any, bin_ms: float, **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Spike counts per neuron and bin.

    Returns
    -------
    edges : ndarray, shape (bins + 1,)
        Bin edges in ms (bins are right-closed, see the module docstring).
    counts : ndarray of int64, shape (neurons, bins)
    """
    st = as_spike_trains(source, **kw)
    edges, idx = _bins(st, bin_ms, "spike_counts")
    nbins = edges.size - 1
    ok = idx >= 0
    flat = np.bincount(st.i[ok] * nbins + idx[ok], minlength=st.n * nbins)
    return edges, flat.reshape(st.n, nbins)


def firing_rates(source: Any, **kw: Any) -> np.ndarray:
    """Mean firing rate of each neuron in Hz over the observation window."""
    st = as_spike_trains(source, **kw)
    if st.duration <= 0:
        raise ConfigurationError("firing_rates: the observation window is empty (t_stop == t_start)")
    return st.counts() / (st.duration * 1e-3)


def mean_rate(source: Any, **kw: Any) -> float:
    """Population-averaged firing rate in Hz (spikes per neuron per second)."""
    st = as_spike_trains(source, **kw)
    if st.duration <= 0 or st.n == 0:
        raise ConfigurationError("mean_rate: the observation window or the population is empty")
    return len(st) / (st.n * st.duration * 1e-3)


# ---------------------------------------------------------------------------------------------
# smoothing, population rate, PSTH
# ---------------------------------------------------------------------------------------------
_KERNELS = ("gaussian", "box", "exponential")


def smooth(x: np.ndarray, bin_ms: float, width_ms: float, kernel: str = "gaussian") -> np.ndarray:
    """Smooth a binned signal along its last axis with a normalised kernel.

    Parameters
    ----------
    x : ndarray
        Signal sampled every ``bin_ms``; the last axis is time.
    bin_ms : float
        Sample spacing in ms.
    width_ms : float
        Kernel width: the standard deviation (``'gaussian'``, truncated at 4 sigma), the full
        width (``'box'``) or the time constant (``'exponential'``, causal, truncated at 8 tau).
    kernel : {'gaussian', 'box', 'exponential'}

    Notes
    -----
    The symmetric kernels are edge-corrected: each output is divided by the kernel mass that
    fell inside the signal, so a constant rate stays constant up to the edges. The causal
    exponential is corrected the same way at the start.
    """
    if kernel not in _KERNELS:
        raise ConfigurationError(f"smooth: kernel must be one of {_KERNELS}, got {kernel!r}")
    bin_ms = _check_positive("bin_ms", bin_ms, "smooth")
    width_ms = _check_positive("width_ms", width_ms, "smooth")
    x = np.asarray(x, dtype=np.float64)
    w = width_ms / bin_ms
    if kernel == "gaussian":
        half = max(1, int(np.ceil(4 * w)))
        lags = np.arange(-half, half + 1)
        k = np.exp(-0.5 * (lags / w) ** 2)
    elif kernel == "box":
        half = max(0, int(round(w)) // 2)
        k = np.ones(2 * half + 1)
    else:
        length = max(1, int(np.ceil(8 * w)))
        k = np.concatenate([np.zeros(length - 1), np.exp(-np.arange(length) / w)])
        half = length - 1
    k = k / k.sum()
    n = x.shape[-1]
    flat = x.reshape(-1, n)
    ones = np.convolve(np.ones(n), k, mode="full")[half: half + n]
    out = np.empty_like(flat)
    for row in range(flat.shape[0]):  # rows are signals (neurons), not time steps
        out[row] = np.convolve(flat[row], k, mode="full")[half: half + n] / ones
    return out.reshape(x.shape)


def population_rate(source: Any, bin_ms: float | None = None, *, width_ms: float | None = None,
                    kernel: str = "gaussian", neurons: Any = None, **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Instantaneous population rate in Hz (spikes per neuron per second) in bins of ``bin_ms``.

    Parameters
    ----------
    source
        A spike source.
    bin_ms : float, optional
        Bin width in ms (default: the recording's dt, else 1 ms).
    width_ms, kernel
        Optional smoothing (see :func:`smooth`).
    neurons : index, optional
        Restrict to these neurons.

    Returns
    -------
    t : ndarray
        Bin centres in ms.
    rate : ndarray
        Rate in Hz.
    """
    st = as_spike_trains(source, **kw)
    if neurons is not None:
        st = st.restrict(neurons=neurons)
    if bin_ms is None:
        bin_ms = st.dt or 1.0
    edges, idx = _bins(st, bin_ms, "population_rate")
    counts = np.bincount(idx[idx >= 0], minlength=edges.size - 1).astype(np.float64)
    rate = counts / (max(st.n, 1) * bin_ms * 1e-3)
    if width_ms is not None:
        rate = smooth(rate, bin_ms, width_ms, kernel)
    return 0.5 * (edges[:-1] + edges[1:]), rate


def psth(source: Any, bin_ms: float = 5.0, *, triggers: Any = None, window: tuple[float, float] | None = None,
         width_ms: float | None = None, kernel: str = "gaussian", neurons: Any = None,
         **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Peri-stimulus time histogram in Hz per neuron.

    Without ``triggers`` it is the population rate of the whole recording. With ``triggers``
    (event times in ms) the spikes are aligned to each trigger and pooled over a ``window``
    ``(before, after)`` in ms around it; the rate is divided by the number of neurons and of
    triggers, so it is the mean rate of one neuron after one stimulus.

    Returns
    -------
    t : ndarray
        Bin centres in ms (relative to the trigger when triggers are given).
    rate : ndarray
        Rate in Hz, optionally smoothed with ``width_ms`` / ``kernel``.
    """
    if triggers is None:
        return population_rate(source, bin_ms, width_ms=width_ms, kernel=kernel, neurons=neurons, **kw)
    st = as_spike_trains(source, **kw)
    if neurons is not None:
        st = st.restrict(neurons=neurons)
    bin_ms = _check_positive("bin_ms", bin_ms, "psth")
    trig = np.asarray(triggers, dtype=np.float64).ravel()
    if trig.size == 0:
        raise ConfigurationError("psth: triggers is empty")
    before, after = window if window is not None else (0.0, float(np.min(np.diff(np.sort(trig))))
                                                         if trig.size > 1 else st.t_stop - trig[0])
    if before < 0 or after <= 0:
        raise ConfigurationError(f"psth: window must be (before >= 0, after > 0) ms, got {(before, after)}")
    nb_before = int(np.floor(before / bin_ms + _TOL))
    nb_after = int(np.floor(after / bin_ms + _TOL))
    nbins = nb_before + nb_after
    counts = np.zeros(nbins, dtype=np.float64)
    t_sorted = np.sort(st.t)
    for tau in trig:  # loop over triggers (few), not spikes
        lo, hi = np.searchsorted(t_sorted, [tau - nb_before * bin_ms - bin_ms, tau + nb_after * bin_ms + bin_ms])
        rel = t_sorted[lo:hi] - tau
        idx = np.ceil(rel / bin_ms - _TOL).astype(np.int64) - 1 + nb_before
        idx = idx[(idx >= 0) & (idx < nbins)]
        counts += np.bincount(idx, minlength=nbins)
    rate = counts / (max(st.n, 1) * trig.size * bin_ms * 1e-3)
    if width_ms is not None:
        rate = smooth(rate, bin_ms, width_ms, kernel)
    edges = bin_ms * (np.arange(nbins + 1) - nb_before)
    return 0.5 * (edges[:-1] + edges[1:]), rate


# ---------------------------------------------------------------------------------------------
# interval statistics
# ---------------------------------------------------------------------------------------------
def isi(source: Any, *, pooled: bool = False, **kw: Any) -> list[np.ndarray] | np.ndarray:
    """Inter-spike intervals in ms: one array per neuron, or all of them in one array (``pooled``)."""
    st = as_spike_trains(source, **kw)
    out = [np.diff(s) for s in st.trains()]
    if pooled:
        return np.concatenate(out) if out else np.empty(0)
    return out


def cv_isi(source: Any, *, min_intervals: int = 2, **kw: Any) -> np.ndarray:
    """Coefficient of variation of the ISIs of each neuron: ``std(ISI) / mean(ISI)``.

    The standard deviation is the population one (ddof=0), as in Elephant's ``cv``. A Poisson
    process gives 1, a perfectly regular train 0. Neurons with fewer than ``min_intervals``
    intervals get NaN.
    """
    if min_intervals < 1:
        raise ConfigurationError(f"cv_isi: min_intervals must be >= 1, got {min_intervals}")
    intervals = isi(source, **kw)
    out = np.full(len(intervals), np.nan)
    for k, d in enumerate(intervals):  # per neuron: each is a vectorised reduction
        if d.size >= min_intervals and d.mean() > 0:
            out[k] = d.std() / d.mean()
    return out


def fano_factor(source: Any, window_ms: float = 100.0, **kw: Any) -> np.ndarray:
    """Fano factor of each neuron's spike counts in consecutive windows: ``var / mean`` (ddof=0).

    A Poisson process gives 1. Neurons with no spike get NaN.
    """
    _, counts = spike_counts(source, window_ms, **kw)
    if counts.shape[1] < 2:
        raise ConfigurationError(
            f"fano_factor: the recording holds {counts.shape[1]} window(s) of {window_ms} ms; need at least 2"
        )
    mean = counts.mean(axis=1)
    var = counts.var(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, var / np.where(mean > 0, mean, 1), np.nan)


def fano_factor_trials(source: Any, **kw: Any) -> float:
    """Fano factor across trains (trials): variance / mean of the spike counts of the trains.

    This is Elephant's ``fanofactor`` definition (ddof=0): each neuron (or each trial given as
    one train) contributes its count over the whole window.
    """
    counts = as_spike_trains(source, **kw).counts().astype(np.float64)
    if counts.size == 0 or counts.mean() == 0:
        return float("nan")
    return float(counts.var() / counts.mean())


# ---------------------------------------------------------------------------------------------
# correlation and synchrony
# ---------------------------------------------------------------------------------------------
def correlation_matrix(source: Any, bin_ms: float = 5.0, **kw: Any) -> np.ndarray:
    """Pearson correlation coefficients between the binned spike counts of every pair.

    Returns an (n, n) array; rows and columns of neurons whose count never varies are NaN.
    """
    _, counts = spike_counts(source, bin_ms, **kw)
    x = counts.astype(np.float64)
    x -= x.mean(axis=1, keepdims=True)
    norm = np.sqrt((x * x).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (x @ x.T) / np.outer(norm, norm)
    c[norm == 0, :] = np.nan
    c[:, norm == 0] = np.nan
    return c


def mean_pairwise_correlation(source: Any, bin_ms: float = 5.0, **kw: Any) -> float:
    """Mean of the off-diagonal finite entries of :func:`correlation_matrix`."""
    c = correlation_matrix(source, bin_ms, **kw)
    off = c[~np.eye(c.shape[0], dtype=bool)]
    off = off[np.isfinite(off)]
    return float(off.mean()) if off.size else float("nan")


def synchrony_chi(source: Any, variable: str = "v", **kw: Any) -> float:
    """Golomb's synchrony measure chi of a set of traces.

    ``chi**2 = var_t(mean_i x_i(t)) / mean_i var_t(x_i(t))`` (Golomb & Rinzel 1993; Golomb 2007,
    Scholarpedia 2(1):1347). chi is 1 for identical traces and about ``1/sqrt(N)`` for N
    independent ones.

    Parameters
    ----------
    source
        A signal source (Recorder, group with a recorder of ``variable``, or a (steps, neurons)
        array).
    """
    _, x = as_signal(source, variable, **kw)
    x = x.reshape(x.shape[0], -1)
    var_each = x.var(axis=0)
    denom = var_each.mean()
    if denom == 0:
        return float("nan")
    return float(np.sqrt(x.mean(axis=1).var() / denom))


def spike_synchrony(source: Any, bin_ms: float = 1.0, width_ms: float | None = 5.0, kernel: str = "gaussian",
                    **kw: Any) -> float:
    """Golomb's chi of the spike trains, each binned at ``bin_ms`` and smoothed with ``width_ms``."""
    _, counts = spike_counts(source, bin_ms, **kw)
    x = counts.astype(np.float64)
    if width_ms is not None:
        x = smooth(x, bin_ms, width_ms, kernel)
    return synchrony_chi(x.T, dt=bin_ms)


def power_spectrum(source: Any, dt: float | None = None, *, bin_ms: float | None = None,
                   segment_ms: float | None = None, detrend: bool = True,
                   **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """One-sided power spectral density of population activity (or of any sampled signal).

    Parameters
    ----------
    source
        A spike source (its population rate in Hz, binned at ``bin_ms``, is analysed), or a
        numeric numpy array: a signal sampled every ``dt`` ms (a 2-D one is averaged over its
        columns first). Give spike (t, i) pairs as a tuple or :class:`SpikeTrains` here.
    dt : float, optional
        Sample spacing in ms of a signal given as an array.
    bin_ms : float, optional
        Bin width for spike sources (default: the recording's dt, else 1 ms).
    segment_ms : float, optional
        Welch's method: average Hann-windowed periodograms of segments of this length
        (half-overlapping); None gives a single plain periodogram.
    detrend : bool
        Subtract the mean first.

    Returns
    -------
    f : ndarray
        Frequencies in Hz.
    psd : ndarray
        Power per Hz in the signal's unit squared. With ``segment_ms=None`` and ``detrend``,
        ``psd.sum() * (f[1] - f[0])`` equals the signal's variance (Parseval).
    """
    x, step = _activity(source, dt, bin_ms, kw)
    if detrend:
        x = x - x.mean()
    fs = 1000.0 / step
    if segment_ms is None:
        n = x.size
        spec = np.abs(np.fft.rfft(x)) ** 2 / (fs * n)
        if n > 1:
            spec[1:] *= 2
            if n % 2 == 0:
                spec[-1] /= 2
        return np.fft.rfftfreq(n, d=1.0 / fs), spec
    seg = int(round(_check_positive("segment_ms", segment_ms, "power_spectrum") / step))
    if seg < 2 or seg > x.size:
        raise ConfigurationError(
            f"power_spectrum: segment_ms={segment_ms} gives {seg} samples; need 2..{x.size}"
        )
    hop = max(1, seg // 2)
    starts = np.arange(0, x.size - seg + 1, hop)
    win = np.hanning(seg)
    frames = np.stack([x[s:s + seg] for s in starts])
    if detrend:
        frames = frames - frames.mean(axis=1, keepdims=True)
    spec = np.abs(np.fft.rfft(frames * win, axis=1)) ** 2 / (fs * (win ** 2).sum())
    spec = spec.mean(axis=0)
    spec[1:] *= 2
    if seg % 2 == 0:
        spec[-1] /= 2
    return np.fft.rfftfreq(seg, d=1.0 / fs), spec


def _activity(source: Any, dt: float | None, bin_ms: float | None, kw: dict) -> tuple[np.ndarray, float]:
    """A 1-D signal and its spacing in ms: a numeric array is the signal, anything else spikes."""
    if isinstance(source, np.ndarray) and source.dtype != bool:
        if dt is None:
            raise ConfigurationError("power_spectrum: a signal given as an array needs dt (ms)")
        x = np.asarray(source, dtype=np.float64)
        if x.ndim == 2:
            x = x.mean(axis=1)
        return x.ravel(), _check_positive("dt", dt, "power_spectrum")
    st = as_spike_trains(source, dt=dt, **kw)
    step = bin_ms or st.dt or 1.0
    _, rate = population_rate(st, step)
    return rate, float(step)


# ---------------------------------------------------------------------------------------------
# continuous signals
# ---------------------------------------------------------------------------------------------
def as_signal(source: Any, variable: str = "v", *, dt: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read a recorded signal as ``(t, x)``: times in ms and a (samples, ...) float64 array.

    ``source`` is a Recorder, a group carrying a recorder of ``variable``, or an array of
    samples taken every ``dt`` ms (times ``dt, 2 dt, ...``).
    """
    from .recording import EventRecorder, Recorder

    if hasattr(source, "behaviours") and hasattr(source, "size") and not isinstance(source, Recorder):
        rec = _find_recorder(source, variable, False)
        if rec is None:
            raise ConfigurationError(f"{source.describe()} has no Recorder of {variable!r}; add Recorder(['{variable}'])")
        source = rec
    if isinstance(source, EventRecorder):
        raise ConfigurationError("as_signal needs a Recorder of a continuous variable, not an EventRecorder")
    if isinstance(source, Recorder):
        return np.asarray(source.t, dtype=np.float64), np.asarray(source[variable], dtype=np.float64)
    if dt is None:
        raise ConfigurationError("a signal given as an array needs dt (ms)")
    x = np.asarray(source, dtype=np.float64)
    return (np.arange(x.shape[0]) + 1) * _check_positive("dt", dt, "as_signal"), x


def membrane_stats(source: Any, variable: str = "v", *, t_start: float | None = None,
                   t_stop: float | None = None, dt: float | None = None) -> dict[str, Any]:
    """Statistics of a membrane potential (or any recorded variable) over time.

    Returns
    -------
    dict
        Per neuron (arrays): ``'mean'``, ``'std'``, ``'min'``, ``'max'``, ``'median'``; for the
        population: ``'population_mean'`` and ``'population_std'`` (over every sample of every
        neuron), ``'mean_trace'`` (average over neurons per sample) and ``'t'`` (ms).
    """
    t, x = as_signal(source, variable, dt=dt)
    keep = np.ones(t.size, dtype=bool)
    if t_start is not None:
        keep &= t > t_start
    if t_stop is not None:
        keep &= t <= t_stop
    t, x = t[keep], x[keep].reshape(int(keep.sum()), -1)
    if x.shape[0] == 0:
        raise ConfigurationError("membrane_stats: no samples in the window")
    return {
        "mean": x.mean(axis=0), "std": x.std(axis=0), "min": x.min(axis=0), "max": x.max(axis=0),
        "median": np.median(x, axis=0), "population_mean": float(x.mean()), "population_std": float(x.std()),
        "mean_trace": x.mean(axis=1), "t": t,
    }
