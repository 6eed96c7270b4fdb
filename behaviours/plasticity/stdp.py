"""Pair-based spike-timing-dependent plasticity with traces: additive (Song et al. 2000) and
multiplicative (van Rossum et al. 2000) weight dependence."""

from __future__ import annotations

import numpy as np
from numba import njit

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError
from pymonn.synapse_group import SynapseGroup

from .._precision import clean_nonfinite, needs_cleaning
from ..connectivity import expand_rows
from ..synapses._base import read_number
from ._common import SIZES, PlasticSynapses, decay_traces, decay_traces_numpy, fired_indices

__all__ = ["STDP"]

# parameter vector layout (network dtype): decay of x, decay of y, A+ w_max, A- w_max, A-, w_min, w_max
_AX, _AY, _APW, _AMW, _AM, _WMIN, _WMAX = range(7)
#: flags: bit 0 multiplicative depression, bit 1 nearest-spike traces
MULT, NEAREST = 1, 2


@njit(cache=True, fastmath=False, inline="always")
def _depress(wk, yj, p, mult):
    if mult:
        wk = wk - p[_AM] * yj * wk
    else:
        wk = wk - p[_AMW] * yj
    return min(max(wk, p[_WMIN]), p[_WMAX])


@njit(cache=True, fastmath=False, inline="always")
def _potentiate(wk, xi, p):
    wk = wk + p[_APW] * xi
    return min(max(wk, p[_WMIN]), p[_WMAX])


@njit(cache=True, fastmath=False)
def stdp_sparse(pre_fired, post_fired, scratch, indptr, indices, w, post_ptr, post_syn, post_src, x, y, p, flags):
    """One STDP step on CSR synapses (compiled): decay traces, depress on pre, potentiate on post."""
    if (pre_fired.shape[0] != x.shape[0] or post_fired.shape[0] != y.shape[0] or indptr.shape[0] != x.shape[0] + 1
            or post_ptr.shape[0] != y.shape[0] + 1 or w.shape[0] != indices.shape[0]):
        raise ValueError(SIZES)
    mult = (flags & MULT) != 0
    nearest = (flags & NEAREST) != 0
    decay_traces(x, p[_AX])
    decay_traces(y, p[_AY])
    n_pre = fired_indices(pre_fired, scratch)
    for q in range(n_pre):
        i = scratch[q]
        for k in range(indptr[i], indptr[i + 1]):
            w[k] = _depress(w[k], y[indices[k]], p, mult)
        x[i] = 1.0 if nearest else x[i] + 1.0
    n_post = fired_indices(post_fired, scratch)
    for q in range(n_post):
        j = scratch[q]
        for r in range(post_ptr[j], post_ptr[j + 1]):
            k = post_syn[r]
            w[k] = _potentiate(w[k], x[post_src[r]], p)
        y[j] = 1.0 if nearest else y[j] + 1.0


@njit(cache=True, fastmath=False)
def stdp_dense(pre_fired, post_fired, scratch, W, mask, x, y, p, flags):
    """One STDP step on a dense (n_dst, n_src) matrix (compiled); ``mask`` (or an empty one) marks synapses."""
    mult = (flags & MULT) != 0
    nearest = (flags & NEAREST) != 0
    masked = mask.shape[0] > 0
    nd, ns = W.shape
    if (pre_fired.shape[0] != ns or post_fired.shape[0] != nd or x.shape[0] != ns or y.shape[0] != nd
            or (masked and (mask.shape[0] != nd or mask.shape[1] != ns))):
        raise ValueError(SIZES)
    decay_traces(x, p[_AX])
    decay_traces(y, p[_AY])
    n_pre = fired_indices(pre_fired, scratch)
    for q in range(n_pre):
        i = scratch[q]
        for j in range(nd):
            if masked and not mask[j, i]:
                continue
            W[j, i] = _depress(W[j, i], y[j], p, mult)
        x[i] = 1.0 if nearest else x[i] + 1.0
    n_post = fired_indices(post_fired, scratch)
    for q in range(n_post):
        j = scratch[q]
        for i in range(ns):
            if masked and not mask[j, i]:
                continue
            W[j, i] = _potentiate(W[j, i], x[i], p)
        y[j] = 1.0 if nearest else y[j] + 1.0


def _bump(trace, idx, nearest):
    if nearest:
        trace[idx] = 1.0
    else:
        trace[idx] += 1.0


def _depress_numpy(wk, yj, p, mult):
    new = wk - p[_AM] * yj * wk if mult else wk - p[_AMW] * yj
    return np.minimum(np.maximum(new, p[_WMIN]), p[_WMAX])


def _potentiate_numpy(wk, xi, p):
    return np.minimum(np.maximum(wk + p[_APW] * xi, p[_WMIN]), p[_WMAX])


def stdp_sparse_numpy(pre_fired, post_fired, scratch, indptr, indices, w, post_ptr, post_syn, post_src, x, y, p, flags):
    """Numpy twin of :func:`stdp_sparse` (each synapse changes at most once per phase, so a
    vectorised update equals the loop)."""
    mult, nearest = bool(flags & MULT), bool(flags & NEAREST)
    decay_traces_numpy(x, p[_AX])
    decay_traces_numpy(y, p[_AY])
    pre = np.flatnonzero(pre_fired)
    ks = expand_rows(indptr, pre)
    w[ks] = _depress_numpy(w[ks], y[indices[ks]], p, mult)
    _bump(x, pre, nearest)
    post = np.flatnonzero(post_fired)
    rs = expand_rows(post_ptr, post)
    k = post_syn[rs]
    w[k] = _potentiate_numpy(w[k], x[post_src[rs]], p)
    _bump(y, post, nearest)


def stdp_dense_numpy(pre_fired, post_fired, scratch, W, mask, x, y, p, flags):
    """Numpy twin of :func:`stdp_dense`."""
    mult, nearest = bool(flags & MULT), bool(flags & NEAREST)
    decay_traces_numpy(x, p[_AX])
    decay_traces_numpy(y, p[_AY])
    pre = np.flatnonzero(pre_fired)
    cols = W[:, pre]
    new = _depress_numpy(cols, y[:, None], p, mult)
    W[:, pre] = np.where(mask[:, pre], new, cols) if mask.shape[0] else new
    _bump(x, pre, nearest)
    post = np.flatnonzero(post_fired)
    rows = W[post, :]
    new = _potentiate_numpy(rows, x[None, :], p)
    W[post, :] = np.where(mask[post, :], new, rows) if mask.shape[0] else new
    _bump(y, post, nearest)


KERNELS = {("numba", True): stdp_sparse, ("numba", False): stdp_dense,
           ("numpy", True): stdp_sparse_numpy, ("numpy", False): stdp_dense_numpy}


class STDP(Behaviour):
    r"""Pair-based STDP with exponential traces, additive or multiplicative weight dependence.

    A presynaptic trace ``x`` (one per source neuron) and a postsynaptic trace ``y`` (one per
    destination neuron) decay with ``tau_plus`` and ``tau_minus`` and jump by 1 at each spike of
    their neuron (to 1 with ``nearest=True``: nearest-spike interaction). With
    ``dt_s = t_post - t_pre``:

    .. math::

        \text{post spike: } w \leftarrow w + A_+ w_{max}\, x
            \quad(\Delta w = A_+ w_{max} e^{-dt_s/\tau_+},\ dt_s \ge 0)

        \text{pre spike: } w \leftarrow w - A_- f(w)\, y
            \quad(\Delta w = -A_- f(w) e^{dt_s/\tau_-},\ dt_s < 0)

    ``f(w) = w_max`` for ``weight_dependence='additive'`` (Song, Miller & Abbott 2000: every pair
    changes w by the same amount, and hard bounds ``[w_min, w_max]`` make the weights bimodal)
    and ``f(w) = w`` for ``'multiplicative'`` (van Rossum, Bi & Turrigiano 2000: potentiation is
    constant, depression proportional to the weight, giving a unimodal weight distribution; their
    constants are ``c_p = A_+ w_max`` and ``c_d = A_-``). These are the "two kinds of STDP" of the
    Neurapse seed. The result is clipped to ``[w_min, w_max]``; initial weights outside the bounds
    are refused.

    Timing: the rule runs after the neuron models (default key 40) and sees the spikes of the
    current step of both groups, so spike times are exact on the step grid. Within a step,
    depression (pre spikes) is applied before potentiation (post spikes); a pre and a post spike in
    the same step count as ``dt_s = 0`` (potentiation by ``A_+ w_max``). Spike times are those at the
    somata: axonal delays of the transmission are not added.

    Parameters
    ----------
    tau_plus, tau_minus : float, ms
        Trace time constants (default 20 ms each, Song et al. 2000).
    A_plus, A_minus : float
        Amplitudes as fractions of ``w_max`` (defaults 0.005 and 0.00525: Song et al.'s
        ``A_+ = 0.005`` and ``A_-/A_+ = 1.05``).
    w_min, w_max : float
        Weight bounds in weight units (defaults 0 and 1).
    weight_dependence : {'additive', 'multiplicative'}
    nearest : bool
        Nearest-spike instead of all-to-all pairing (default False).
    backend : {'numba', 'numpy'}
    mode, p, indegree, ..., weight
        Connectivity, when no earlier behaviour of the group built it (see
        :mod:`pymonn.behaviours.synapses._base`). Works on dense and sparse groups.

    Variables written on the synapse group
    --------------------------------------
    W (updated in place), pre_trace (n_src), post_trace (n_dst).

    Example
    -------
    >>> SynapseGroup(net, inputs, neuron, behaviour={
    ...     20: ConductanceSynapse(weight='uniform(0, 0.01)', E=0.0),
    ...     40: STDP(w_max=0.01, A_plus=0.01, A_minus=0.0105)})
    """

    default_key = 40

    def initialize(self, sg: SynapseGroup) -> None:
        self.syn = PlasticSynapses(self, sg)
        self.tau_plus = read_number(self, sg, "tau_plus", 20.0, positive=True, unit="ms")
        self.tau_minus = read_number(self, sg, "tau_minus", 20.0, positive=True, unit="ms")
        self.A_plus = read_number(self, sg, "A_plus", 0.005, non_negative=True)
        self.A_minus = read_number(self, sg, "A_minus", 0.00525, non_negative=True)
        dep = self.parameter("weight_dependence", "additive")
        if dep not in ("additive", "multiplicative"):
            raise ConfigurationError(
                f"STDP on {sg.describe()}: parameter 'weight_dependence' must be 'additive' or 'multiplicative', "
                f"got {dep!r}"
            )
        self.weight_dependence = dep
        nearest = self.parameter("nearest", False)
        if not isinstance(nearest, (bool, np.bool_)):
            raise ConfigurationError(f"STDP on {sg.describe()}: parameter 'nearest' must be True or False, got {nearest!r}")
        self.flags = (MULT if dep == "multiplicative" else 0) | (NEAREST if nearest else 0)
        self._clean = needs_cleaning(sg.dtype, self.parameter("check_finite", None))
        sg.pre_trace = sg.src.vector()
        sg.post_trace = sg.dst.vector()
        self._scratch = np.zeros(max(sg.src.size, sg.dst.size), dtype=np.int64)
        self._kernel = KERNELS[(self.syn.backend, self.syn.sparse)]
        self._dt = None

    def _params(self, sg: SynapseGroup) -> np.ndarray:
        dt, s = sg.dt, self.syn
        values = [np.exp(-dt / self.tau_plus), np.exp(-dt / self.tau_minus), self.A_plus * s.w_max,
                  self.A_minus * s.w_max, self.A_minus, s.w_min, s.w_max]
        self._dt = dt
        return np.array(values, dtype=sg.dtype)

    def iteration(self, sg: SynapseGroup) -> None:
        if sg.W is not self.syn.W or (sg._dt or sg.network._dt) != self._dt:
            self.syn.bind(sg)
            self._p = self._params(sg)
            self._src, self._dst = sg.src, sg.dst
        self._kernel(self._src.fired, self._dst.fired, self._scratch, *self.syn.conn, sg.pre_trace, sg.post_trace,
                     self._p, self.flags)
        if self._clean:
            clean_nonfinite(sg, self, [(sg.pre_trace, 0.0), (sg.post_trace, 0.0), (sg.W, self.syn.w_min)])

