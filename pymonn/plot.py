"""Plots of recordings: raster, rate, traces, weights, ISI/CV histograms and a one-call summary.

matplotlib is imported inside each function, never when ``pymonn`` or this module is imported
(extra ``[plot]``). Every function draws on ``ax`` (a new figure's axes when None), returns what
it drew (artists), and never calls ``plt.show()``; sources are those of :mod:`pymonn.analysis`.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from pymonn import plot
>>> fig, (a, b) = plt.subplots(2, 1, sharex=True)
>>> plot.raster(net, ax=a)                 # every group with a spike recorder, one colour each
>>> plot.rate(net.exc, ax=b, bin_ms=5, width_ms=10)
>>> fig.savefig('run.png')
>>> plot.summary(net).savefig('summary.png')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import analysis as A
from .errors import ConfigurationError

__all__ = ["raster", "rate", "traces", "weight_matrix", "weight_histogram", "isi_histogram", "cv_histogram",
           "spectrum", "summary", "sweep"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError("plotting needs matplotlib: pip install 'pymonn[plot]'") from exc
    return plt


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


def _label(obj: Any, default: str) -> str:
    tags = getattr(obj, "tags", None)
    if tags:
        return str(tags[0])
    parent = getattr(obj, "parent", None)
    if parent is not None and getattr(parent, "tags", None):
        return str(parent.tags[0])
    return default


def _spike_sources(source: Any) -> list[tuple[str, Any]]:
    """(label, spike source) pairs: a network gives each group that carries a spike recorder."""
    if hasattr(source, "NeuronGroups"):
        out = []
        for g in source.NeuronGroups:
            try:
                A.as_spike_trains(g)
            except ConfigurationError:
                continue
            out.append((_label(g, "group"), g))
        if not out:
            raise ConfigurationError(f"{source.describe()}: no neuron group records spikes; add EventRecorder('fired')")
        return out
    if isinstance(source, (list, tuple)) and source and (hasattr(source[0], "behaviours") or
                                                         hasattr(source[0], "is_recorder")):
        return [(_label(s, f"population {k}"), s) for k, s in enumerate(source)]
    return [(_label(source, "spikes"), source)]


def raster(source: Any, ax: Any = None, *, colors: Any = None, marker_size: float = 2.0,
           t_start: float | None = None, t_stop: float | None = None, legend: bool = True, **kw: Any) -> list:
    """Spike raster: one dot per spike, populations stacked and coloured.

    Parameters
    ----------
    source
        A spike source, a list of them (e.g. groups), or a Network (every group that records
        spikes, in creation order, the first at the bottom).
    colors : list, optional
        One matplotlib colour per population (default: the colour cycle).
    marker_size : float
        Dot area in points^2.
    t_start, t_stop : float, optional
        Time window in ms.

    Returns
    -------
    list of PathCollection
        One scatter per population; neuron ``i`` of population ``p`` is drawn at
        ``offset_p + i``.
    """
    ax = _axes(ax)
    artists = []
    offset = 0
    ticks, names = [], []
    sources = _spike_sources(source)
    trains = []
    for _, src in sources:
        st = A.as_spike_trains(src, **kw)
        trains.append(st.restrict(t_start, t_stop) if t_start is not None or t_stop is not None else st)
    few = sum(st.n for st in trains) <= 120  # ticks for few neurons, dots for many
    for k, ((label, _), st) in enumerate(zip(sources, trains, strict=True)):
        color = colors[k % len(colors)] if colors is not None else f"C{k % 10}"
        art = ax.scatter(st.t, st.i + offset, s=marker_size * (4 if few else 1), color=color,
                         marker="|" if few else ".", linewidths=0.8 if few else 0, label=f"{label} ({st.n})",
                         rasterized=len(st) > 20000)
        artists.append(art)
        ticks.append(offset + st.n / 2)
        names.append(label)
        offset += st.n
        if k < len(sources) - 1:
            ax.axhline(offset - 0.5, color="0.8", lw=0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_ylim(-0.5, max(offset, 1) - 0.5)
    if legend and len(sources) > 1:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(sources), fontsize="small",
                  markerscale=3, frameon=False, borderaxespad=0.2)
    return artists


def rate(source: Any, ax: Any = None, *, bin_ms: float | None = None, width_ms: float | None = None,
         kernel: str = "gaussian", label: str | None = None, **kw: Any) -> list:
    """Population rate (Hz) over time; a Network gives one line per group that records spikes.

    Returns
    -------
    list of Line2D
    """
    ax = _axes(ax)
    lines = []
    for k, (name, src) in enumerate(_spike_sources(source)):
        t, r = A.population_rate(src, bin_ms, width_ms=width_ms, kernel=kernel, **kw)
        (line,) = ax.plot(t, r, color=f"C{k % 10}", lw=1.0, label=label or name)
        lines.append(line)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    if len(lines) > 1 or label:
        ax.legend(fontsize="small")
    return lines


def traces(source: Any, variable: str = "v", neurons: Any = None, ax: Any = None, *, dt: float | None = None,
           unit: str | None = None) -> list:
    """Recorded traces of ``variable`` over time, one line per neuron.

    Parameters
    ----------
    source
        A Recorder, a group carrying a recorder of ``variable``, or a (steps, neurons) array
        with ``dt``.
    neurons : index, optional
        Which neurons (default: the first five).
    unit : str, optional
        For the axis label (default mV for ``v``).

    Returns
    -------
    list of Line2D
    """
    ax = _axes(ax)
    t, x = A.as_signal(source, variable, dt=dt)
    x = x.reshape(len(t), -1)
    idx = np.arange(x.shape[1])[neurons] if neurons is not None else np.arange(min(5, x.shape[1]))
    idx = np.atleast_1d(idx)
    lines = ax.plot(t, x[:, idx], lw=0.8)
    for line, i in zip(lines, idx, strict=True):
        line.set_label(f"{variable}[{i}]")
    unit = unit if unit is not None else ("mV" if variable in ("v", "n.v") else "")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"{variable} ({unit})" if unit else variable)
    if 1 < len(lines) <= 10:
        ax.legend(fontsize="small")
    return lines


def _weights(source: Any, variable: str) -> tuple[np.ndarray, str]:
    if isinstance(source, np.ndarray):
        return source, variable
    if hasattr(source, "src") and hasattr(source, "dst"):
        if not hasattr(source, variable):
            raise ConfigurationError(f"{source.describe()} has no variable {variable!r}")
        return np.asarray(getattr(source, variable)), f"{source.tags[0]}.{variable}"
    return np.asarray(source), variable


def weight_matrix(source: Any, ax: Any = None, *, variable: str = "W", cmap: str = "viridis",
                  colorbar: bool = True, **imshow_kw: Any):
    """The weight matrix as an image: rows are target (dst) neurons, columns source neurons.

    ``source`` is a SynapseGroup (its ``variable``, default ``W``) or a 2-D array.

    Returns
    -------
    AxesImage
    """
    ax = _axes(ax)
    w, name = _weights(source, variable)
    if w.ndim != 2:
        raise ConfigurationError(f"weight_matrix needs a 2-D matrix, got shape {w.shape}")
    image = ax.imshow(np.asarray(w, dtype=np.float64), aspect="auto", interpolation="nearest", cmap=cmap,
                      origin="lower", **imshow_kw)
    ax.set_xlabel("source neuron")
    ax.set_ylabel("target neuron")
    ax.set_title(name, fontsize="medium")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=variable)
    return image


def _hist(ax, values: np.ndarray, bins: Any, color: str, label: str | None):
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    counts, edges, patches = ax.hist(values, bins=bins, color=color, edgecolor="white", linewidth=0.3, label=label)
    return patches


def weight_histogram(source: Any, ax: Any = None, *, variable: str = "W", bins: Any = 50,
                     nonzero: bool = False, color: str = "C0"):
    """Histogram of synaptic weights (``nonzero=True`` skips absent synapses stored as 0).

    Returns
    -------
    BarContainer
    """
    ax = _axes(ax)
    w, name = _weights(source, variable)
    w = np.asarray(w, dtype=np.float64).ravel()
    if nonzero:
        w = w[w != 0]
    patches = _hist(ax, w, bins, color, None)
    ax.set_xlabel(name)
    ax.set_ylabel("synapses")
    return patches


def isi_histogram(source: Any, ax: Any = None, *, bins: Any = 50, max_ms: float | None = None,
                  color: str = "C1", **kw: Any):
    """Histogram of all inter-spike intervals (ms) of a spike source.

    Returns
    -------
    BarContainer
    """
    ax = _axes(ax)
    d = A.isi(source, pooled=True, **kw)
    if max_ms is not None:
        d = d[d <= max_ms]
    patches = _hist(ax, d, bins, color, None)
    ax.set_xlabel("inter-spike interval (ms)")
    ax.set_ylabel("intervals")
    return patches


def cv_histogram(source: Any, ax: Any = None, *, bins: Any = 20, color: str = "C2", **kw: Any):
    """Histogram of the per-neuron CV of inter-spike intervals (neurons with < 2 ISIs left out).

    Returns
    -------
    BarContainer
    """
    ax = _axes(ax)
    cv = A.cv_isi(source, **kw)
    patches = _hist(ax, cv, bins, color, None)
    ax.set_xlabel("CV of ISI")
    ax.set_ylabel("neurons")
    return patches


def spectrum(source: Any, ax: Any = None, *, bin_ms: float | None = None, segment_ms: float | None = None,
             dt: float | None = None, max_hz: float | None = None, **kw: Any) -> list:
    """Power spectrum of population activity (log power over Hz).

    Returns
    -------
    list of Line2D
    """
    ax = _axes(ax)
    f, p = A.power_spectrum(source, dt, bin_ms=bin_ms, segment_ms=segment_ms, **kw)
    keep = (f > 0) & (f <= max_hz if max_hz is not None else True)
    lines = ax.semilogy(f[keep], p[keep], lw=0.8)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("power (Hz$^2$/Hz)")
    return lines


def summary(net: Any, *, bin_ms: float | None = None, width_ms: float | None = None, figsize=(12, 9)):
    """One figure of a whole run: raster, population rates, traces, weights, ISI and CV histograms.

    Panels whose data was not recorded say so instead of staying empty.

    Returns
    -------
    matplotlib.figure.Figure
        Axes in ``fig.axes`` order: raster, rate, traces, weight histogram, ISI histogram,
        CV histogram.
    """
    plt = _pyplot()
    fig = plt.figure(figsize=figsize, layout="constrained")
    grid = fig.add_gridspec(4, 3, height_ratios=[2.2, 1, 1.2, 1.2])
    ax_raster = fig.add_subplot(grid[0, :])
    ax_rate = fig.add_subplot(grid[1, :], sharex=ax_raster)
    ax_traces = fig.add_subplot(grid[2, :], sharex=ax_raster)
    ax_w, ax_isi, ax_cv = (fig.add_subplot(grid[3, k]) for k in range(3))
    fig.suptitle(f"{net.describe()}: {net.iteration} steps, {net.t:g} ms, dt = {net.dt} ms", fontsize="medium")

    def note(ax, text):
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
        ax.set_xticks([])
        ax.set_yticks([])

    try:
        sources = _spike_sources(net)
    except ConfigurationError:
        sources = []
    if sources:
        raster(net, ax=ax_raster)
        step = bin_ms or max(net.dt, 1.0)
        rate(net, ax=ax_rate, bin_ms=step, width_ms=width_ms if width_ms is not None else 2 * step)
        pooled = [A.isi(src, pooled=True) for _, src in sources]
        if sum(p.size for p in pooled):
            for k, (name, src) in enumerate(sources):
                d = pooled[k]
                if d.size:
                    ax_isi.hist(d, bins=40, color=f"C{k % 10}", alpha=0.6, label=name)
                cv = A.cv_isi(src)
                cv = cv[np.isfinite(cv)]
                if cv.size:
                    ax_cv.hist(cv, bins=20, color=f"C{k % 10}", alpha=0.6, label=name)
            ax_isi.set_xlabel("inter-spike interval (ms)")
            ax_isi.set_ylabel("intervals")
            ax_cv.set_xlabel("CV of ISI")
            ax_cv.set_ylabel("neurons")
        else:
            note(ax_isi, "no inter-spike intervals")
            note(ax_cv, "no inter-spike intervals")
    else:
        for ax in (ax_raster, ax_rate, ax_isi, ax_cv):
            note(ax, "no spikes recorded (add EventRecorder('fired'))")
    drew = False
    for g in net.NeuronGroups:
        try:
            traces(g, "v", ax=ax_traces)
        except ConfigurationError:
            continue
        ax_traces.set_title(f"{g.tags[0]}: v", fontsize="small", loc="left")
        drew = True
        break
    if not drew:
        note(ax_traces, "no membrane potential recorded (add Recorder(['v']))")
    weighted = [s for s in net.SynapseGroups if isinstance(getattr(s, "W", None), np.ndarray)]
    if weighted:
        for k, s in enumerate(weighted[:4]):
            ax_w.hist(np.asarray(s.W, dtype=np.float64).ravel(), bins=40, alpha=0.6, color=f"C{k % 10}",
                      label=s.tags[0])
        ax_w.set_xlabel("weight")
        ax_w.set_ylabel("synapses")
        if len(weighted) > 1:
            ax_w.legend(fontsize="small")
    else:
        note(ax_w, "no synapse group with W")
    return fig


def _table_column(table: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(table[name])
    except (KeyError, IndexError, ValueError, TypeError):
        columns = list(getattr(table, "columns", getattr(table, "keys", lambda: [])()))
        raise ConfigurationError(f"sweep plot: the table has no column {name!r} (columns: {columns})") from None


def _levels(values: np.ndarray) -> tuple[list, np.ndarray]:
    """The distinct values of a parameter column, sorted, and each row's index among them."""
    levels = sorted(set(values.tolist()))
    where = {v: k for k, v in enumerate(levels)}
    return levels, np.array([where[v] for v in values.tolist()], dtype=np.int64)


def _spread(v: np.ndarray, err: str | None) -> float:
    if err is None or v.size < 2:
        return 0.0
    sd = float(np.std(v, ddof=1))
    return sd / np.sqrt(v.size) if err == "sem" else sd


def _tick(v: Any) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def sweep(table: Any, x: str, y: str | None = None, value: str | None = None, ax: Any = None, *,
          err: str | None = "std", lines: bool = False, cmap: str = "viridis", colorbar: bool = True,
          **imshow_kw: Any):
    """A result of a parameter sweep over one parameter (a line with error bars) or two (a heat map).

    Rows with the same parameters (the repeats of a point) are averaged; runs that failed (the
    value is NaN or missing) are left out.

    Parameters
    ----------
    table : pandas.DataFrame or dict of arrays
        A table of :func:`pymonn.sweeps.sweep` (or any table with these columns).
    x, y : str
        Parameter columns: ``x`` along the horizontal axis; ``y`` along the vertical axis of a heat
        map, or (``lines=True``) one line per value of ``y``.
    value : str
        The column to draw (e.g. ``'rate'``).
    err : {'std', 'sem', None}
        Error bars over repeats: standard deviation (ddof = 1), standard error, or none.
    lines : bool
        With ``y``: one line per ``y`` value instead of a heat map.
    **imshow_kw
        Passed to ``imshow`` for a heat map (``norm=LogNorm()``, ``vmin=``, ...).

    Returns
    -------
    list of ErrorbarContainer, or AxesImage
        The lines, or the heat map, whose array (``image.get_array()``) is the mean of ``value`` per
        cell (rows: ``y`` values, ascending; columns: ``x`` values, ascending; NaN where no run
        succeeded).
    """
    if value is None:
        raise ConfigurationError("sweep plot: give value=, the column to draw (e.g. value='rate')")
    if err not in ("std", "sem", None):
        raise ConfigurationError(f"sweep plot: err must be 'std', 'sem' or None, got {err!r}")
    column = _table_column(table, value)
    try:
        values = column.astype(np.float64)
    except (TypeError, ValueError):
        raise ConfigurationError(f"sweep plot: the column {value!r} does not hold numbers") from None
    ax = _axes(ax)
    xs = _table_column(table, x)
    ok = np.isfinite(values)
    x_levels, x_index = _levels(xs)
    numeric_x = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x_levels)
    positions = np.asarray(x_levels, dtype=np.float64) if numeric_x else np.arange(len(x_levels), dtype=np.float64)

    def series(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean = np.full(len(x_levels), np.nan)
        spread = np.zeros(len(x_levels))
        for k in range(len(x_levels)):
            v = values[mask & ok & (x_index == k)]
            if v.size:
                mean[k], spread[k] = float(np.mean(v)), _spread(v, err)
        return mean, spread

    if y is None or lines:
        groups = [(None, np.ones(values.size, dtype=bool))]
        if y is not None:
            y_levels, y_index = _levels(_table_column(table, y))
            groups = [(f"{y} = {_tick(level)}", y_index == k) for k, level in enumerate(y_levels)]
        artists = []
        for k, (label, mask) in enumerate(groups):
            mean, spread = series(mask)
            artists.append(ax.errorbar(positions, mean, yerr=spread if err else None, marker="o", ms=4, capsize=3,
                                       color=f"C{k % 10}", label=label))
        if not numeric_x:
            ax.set_xticks(positions, [_tick(v) for v in x_levels])
        ax.set_xlabel(x)
        ax.set_ylabel(value)
        if y is not None:
            ax.legend(fontsize="small")
        return artists
    y_levels, y_index = _levels(_table_column(table, y))
    grid = np.full((len(y_levels), len(x_levels)), np.nan)
    for j in range(len(y_levels)):
        grid[j] = series(y_index == j)[0]
    image = ax.imshow(grid, origin="lower", aspect="auto", interpolation="nearest", cmap=cmap, **imshow_kw)
    ax.set_xticks(np.arange(len(x_levels)), [_tick(v) for v in x_levels])
    ax.set_yticks(np.arange(len(y_levels)), [_tick(v) for v in y_levels])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=value)
    return image
