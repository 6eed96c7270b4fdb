"""Triplet spike-timing-dependent plasticity (Pfister & Gerstner 2006)."""

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

__all__ = ["TripletSTDP", "TRIPLET_PRESETS"]

#: Pfister & Gerstner (2006), Table 4, visual cortex (fitted to Sjostrom et al. 2001), full models.
TRIPLET_PRESETS = {
    "all_to_all": dict(tau_plus=16.8, tau_minus=33.7, tau_x=101.0, tau_y=125.0,
                       A2_plus=5e-10, A3_plus=6.2e-3, A2_minus=7e-3, A3_minus=2.3e-4),
    "nearest": dict(tau_plus=16.8, tau_minus=33.7, tau_x=714.0, tau_y=40.0,
                    A2_plus=8.8e-11, A3_plus=5.3e-2, A2_minus=6.6e-3, A3_minus=3.1e-3),
}

# parameter vector layout: decays of r1, r2, o1, o2; A2+, A3+, A2-, A3-; w_min, w_max
_AR1, _AR2, _AO1, _AO2, _A2P, _A3P, _A2M, _A3M, _WMIN, _WMAX = range(10)


@njit(cache=True, fastmath=False, inline="always")
def _clip(w, p):
    return min(max(w, p[_WMIN]), p[_WMAX])


@njit(cache=True, fastmath=False)
def triplet_sparse(pre_fired, post_fired, scratch, indptr, indices, w, post_ptr, post_syn, post_src,
                   r1, r2, o1, o2, p, nearest):
    """One triplet-STDP step on CSR synapses (compiled)."""
    ns, nd = r1.shape[0], o1.shape[0]
    if (pre_fired.shape[0] != ns or r2.shape[0] != ns or post_fired.shape[0] != nd or o2.shape[0] != nd
            or indptr.shape[0] != ns + 1 or post_ptr.shape[0] != nd + 1 or w.shape[0] != indices.shape[0]):
        raise ValueError(SIZES)
    decay_traces(r1, p[_AR1])
    decay_traces(r2, p[_AR2])
    decay_traces(o1, p[_AO1])
    decay_traces(o2, p[_AO2])
    n_pre = fired_indices(pre_fired, scratch)
    for q in range(n_pre):
        i = scratch[q]
        amp = p[_A2M] + p[_A3M] * r2[i]  # r2 before this spike's increment (t - epsilon)
        for k in range(indptr[i], indptr[i + 1]):
            w[k] = _clip(w[k] - o1[indices[k]] * amp, p)
        r1[i] = 1.0 if nearest else r1[i] + 1.0
        r2[i] = 1.0 if nearest else r2[i] + 1.0
    n_post = fired_indices(post_fired, scratch)
    for q in range(n_post):
        j = scratch[q]
        amp = p[_A2P] + p[_A3P] * o2[j]
        for r in range(post_ptr[j], post_ptr[j + 1]):
            k = post_syn[r]
            w[k] = _clip(w[k] + r1[post_src[r]] * amp, p)
        o1[j] = 1.0 if nearest else o1[j] + 1.0
        o2[j] = 1.0 if nearest else o2[j] + 1.0


@njit(cache=True, fastmath=False)
def triplet_dense(pre_fired, post_fired, scratch, W, mask, r1, r2, o1, o2, p, nearest):
    """One triplet-STDP step on a dense (n_dst, n_src) matrix (compiled)."""
    masked = mask.shape[0] > 0
    nd, ns = W.shape
    if (pre_fired.shape[0] != ns or r1.shape[0] != ns or r2.shape[0] != ns or post_fired.shape[0] != nd
            or o1.shape[0] != nd or o2.shape[0] != nd or (masked and (mask.shape[0] != nd or mask.shape[1] != ns))):
        raise ValueError(SIZES)
    decay_traces(r1, p[_AR1])
    decay_traces(r2, p[_AR2])
    decay_traces(o1, p[_AO1])
    decay_traces(o2, p[_AO2])
    n_pre = fired_indices(pre_fired, scratch)
    for q in range(n_pre):
        i = scratch[q]
        amp = p[_A2M] + p[_A3M] * r2[i]
        for j in range(nd):
            if masked and not mask[j, i]:
                continue
            W[j, i] = _clip(W[j, i] - o1[j] * amp, p)
        r1[i] = 1.0 if nearest else r1[i] + 1.0
        r2[i] = 1.0 if nearest else r2[i] + 1.0
    n_post = fired_indices(post_fired, scratch)
    for q in range(n_post):
        j = scratch[q]
        amp = p[_A2P] + p[_A3P] * o2[j]
        for i in range(ns):
            if masked and not mask[j, i]:
                continue
            W[j, i] = _clip(W[j, i] + r1[i] * amp, p)
        o1[j] = 1.0 if nearest else o1[j] + 1.0
        o2[j] = 1.0 if nearest else o2[j] + 1.0


def _clip_numpy(w, p):
    return np.minimum(np.maximum(w, p[_WMIN]), p[_WMAX])


def _bump(traces, idx, nearest):
    for t in traces:
        if nearest:
            t[idx] = 1.0
        else:
            t[idx] += 1.0


def _decay_all_numpy(r1, r2, o1, o2, p):
    for t, a in ((r1, _AR1), (r2, _AR2), (o1, _AO1), (o2, _AO2)):
        decay_traces_numpy(t, p[a])


def triplet_sparse_numpy(pre_fired, post_fired, scratch, indptr, indices, w, post_ptr, post_syn, post_src,
                         r1, r2, o1, o2, p, nearest):
    """Numpy twin of :func:`triplet_sparse`."""
    _decay_all_numpy(r1, r2, o1, o2, p)
    pre = np.flatnonzero(pre_fired)
    counts = np.diff(indptr)[pre]
    ks = expand_rows(indptr, pre)
    amp = np.repeat(p[_A2M] + p[_A3M] * r2[pre], counts)
    w[ks] = _clip_numpy(w[ks] - o1[indices[ks]] * amp, p)
    _bump((r1, r2), pre, nearest)
    post = np.flatnonzero(post_fired)
    rs = expand_rows(post_ptr, post)
    amp = np.repeat(p[_A2P] + p[_A3P] * o2[post], np.diff(post_ptr)[post])
    k = post_syn[rs]
    w[k] = _clip_numpy(w[k] + r1[post_src[rs]] * amp, p)
    _bump((o1, o2), post, nearest)


def triplet_dense_numpy(pre_fired, post_fired, scratch, W, mask, r1, r2, o1, o2, p, nearest):
    """Numpy twin of :func:`triplet_dense`."""
    _decay_all_numpy(r1, r2, o1, o2, p)
    pre = np.flatnonzero(pre_fired)
    cols = W[:, pre]
    new = _clip_numpy(cols - o1[:, None] * (p[_A2M] + p[_A3M] * r2[pre])[None, :], p)
    W[:, pre] = np.where(mask[:, pre], new, cols) if mask.shape[0] else new
    _bump((r1, r2), pre, nearest)
    post = np.flatnonzero(post_fired)
    rows = W[post, :]
    new = _clip_numpy(rows + r1[None, :] * (p[_A2P] + p[_A3P] * o2[post])[:, None], p)
    W[post, :] = np.where(mask[post, :], new, rows) if mask.shape[0] else new
    _bump((o1, o2), post, nearest)


KERNELS = {("numba", True): triplet_sparse, ("numba", False): triplet_dense,
           ("numpy", True): triplet_sparse_numpy, ("numpy", False): triplet_dense_numpy}


class TripletSTDP(Behaviour):
    r"""Triplet STDP (Pfister & Gerstner 2006): pair terms plus triplet terms that make
    potentiation grow with the pairing frequency.

    Presynaptic traces ``r1`` (``tau_plus``), ``r2`` (``tau_x``) and postsynaptic traces ``o1``
    (``tau_minus``), ``o2`` (``tau_y``) decay exponentially and jump by 1 at each spike of their
    neuron (all-to-all) or are set to 1 (``interaction='nearest'``). Weight updates
    (Pfister & Gerstner 2006, eqs. 3-4):

    .. math::

        \text{pre spike: } w \leftarrow w - o_1 \left[A_2^- + A_3^- r_2(t-\epsilon)\right]

        \text{post spike: } w \leftarrow w + r_1 \left[A_2^+ + A_3^+ o_2(t-\epsilon)\right]

    where ``(t - epsilon)`` means the value just before the neuron's own jump. The weights are
    additive (in weight units) and clipped to ``[w_min, w_max]``. Step ordering is that of
    :class:`STDP`: current-step spikes of both groups, depression before potentiation.

    Parameters
    ----------
    interaction : {'all_to_all', 'nearest'}
        Spike interaction and the set of default parameters (default ``'all_to_all'``).
    tau_plus, tau_minus, tau_x, tau_y : float, ms
    A2_plus, A3_plus, A2_minus, A3_minus : float, weight units
        Defaults: Pfister & Gerstner (2006), Table 4, visual cortex data (Sjostrom et al. 2001),
        full model of the chosen interaction: all-to-all tau_plus 16.8, tau_minus 33.7, tau_x 101,
        tau_y 125 ms, A2+ 5e-10, A3+ 6.2e-3, A2- 7e-3, A3- 2.3e-4; nearest-spike tau_x 714,
        tau_y 40 ms, A2+ 8.8e-11, A3+ 5.3e-2, A2- 6.6e-3, A3- 3.1e-3 (see :data:`TRIPLET_PRESETS`).
    w_min, w_max : float
        Weight bounds (defaults 0 and 1).
    backend : {'numba', 'numpy'}
    mode, p, ..., weight
        Connectivity when no earlier behaviour of the group built it.

    Variables written on the synapse group
    --------------------------------------
    W (in place); r1, r2 (n_src); o1, o2 (n_dst).

    Example
    -------
    >>> SynapseGroup(net, pre, post, behaviour={40: TripletSTDP(weight=0.5)})
    """

    default_key = 40

    def initialize(self, sg: SynapseGroup) -> None:
        self.syn = PlasticSynapses(self, sg)
        interaction = self.parameter("interaction", "all_to_all")
        if interaction not in TRIPLET_PRESETS:
            raise ConfigurationError(
                f"TripletSTDP on {sg.describe()}: parameter 'interaction' must be one of {list(TRIPLET_PRESETS)}, "
                f"got {interaction!r}"
            )
        self.interaction = interaction
        preset = TRIPLET_PRESETS[interaction]
        for name in ("tau_plus", "tau_minus", "tau_x", "tau_y"):
            setattr(self, name, read_number(self, sg, name, preset[name], positive=True, unit="ms"))
        for name in ("A2_plus", "A3_plus", "A2_minus", "A3_minus"):
            setattr(self, name, read_number(self, sg, name, preset[name], non_negative=True))
        self.nearest = interaction == "nearest"
        self._clean = needs_cleaning(sg.dtype, self.parameter("check_finite", None))
        sg.r1, sg.r2 = sg.src.vector(), sg.src.vector()
        sg.o1, sg.o2 = sg.dst.vector(), sg.dst.vector()
        self._scratch = np.zeros(max(sg.src.size, sg.dst.size), dtype=np.int64)
        self._kernel = KERNELS[(self.syn.backend, self.syn.sparse)]
        self._dt = None

    def _params(self, sg: SynapseGroup) -> np.ndarray:
        dt, s = sg.dt, self.syn
        decays = [np.exp(-dt / tau) for tau in (self.tau_plus, self.tau_x, self.tau_minus, self.tau_y)]
        values = decays + [self.A2_plus, self.A3_plus, self.A2_minus, self.A3_minus, s.w_min, s.w_max]
        self._dt = dt
        return np.array(values, dtype=sg.dtype)

    def iteration(self, sg: SynapseGroup) -> None:
        if sg.W is not self.syn.W or (sg._dt or sg.network._dt) != self._dt:
            self.syn.bind(sg)
            self._p = self._params(sg)
            self._src, self._dst = sg.src, sg.dst
        self._kernel(self._src.fired, self._dst.fired, self._scratch, *self.syn.conn, sg.r1, sg.r2, sg.o1, sg.o2,
                     self._p, self.nearest)
        if self._clean:
            traces = [(t, 0.0) for t in (sg.r1, sg.r2, sg.o1, sg.o2)]
            clean_nonfinite(sg, self, traces + [(sg.W, self.syn.w_min)])
