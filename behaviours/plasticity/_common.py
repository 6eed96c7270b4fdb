"""Shared set-up of the plasticity rules: connectivity, weight bounds, spike scans, trace decay."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError
from pymonn.synapse_group import SynapseGroup

from ..synapses._base import ensure_connectivity, is_sparse, read_backend, read_number, require_synapse_group
from ..synapses._propagation import SIZES, TINY, fired_indices, flush_numpy

__all__ = ["SIZES", "PlasticSynapses", "decay_traces", "decay_traces_numpy", "fired_indices", "flush_numpy", "TINY"]


@njit(cache=True, fastmath=False, inline="always")
def decay_traces(x, a):
    """``x *= a`` in place, flushing values below ``TINY`` to 0 (no subnormal slow-down)."""
    for i in range(x.shape[0]):
        y = x[i] * a
        x[i] = y if abs(y) >= TINY else 0.0


def decay_traces_numpy(x, a):
    """Numpy twin of :func:`decay_traces`."""
    x *= a
    flush_numpy(x)


class PlasticSynapses:
    """What a plasticity rule needs to know about its synapse group, gathered once.

    Attributes
    ----------
    sparse : bool
    conn : tuple
        Sparse: ``(indptr, indices, w, post_ptr, post_syn, post_src)``; dense: ``(W, mask)`` with
        ``mask`` an empty (0, 0) array when every entry is a synapse.
    w_min, w_max : float
        Hard bounds of the weights.
    """

    def __init__(self, behaviour: Behaviour, sg: SynapseGroup, w_max_default: float = 1.0):
        require_synapse_group(behaviour, sg)
        ensure_connectivity(behaviour, sg)
        self.sparse = is_sparse(sg)
        self.backend = read_backend(behaviour, sg)
        self.w_min = read_number(behaviour, sg, "w_min", 0.0)
        self.w_max = read_number(behaviour, sg, "w_max", w_max_default)
        if not self.w_max > self.w_min:
            raise ConfigurationError(
                f"{type(behaviour).__name__} on {sg.describe()}: parameter 'w_max' must be larger than w_min "
                f"({self.w_min}), got {self.w_max}"
            )
        W = sg.W
        if W.size:
            present = W if self.sparse or sg.mask is None else W[sg.mask]
            lo, hi = float(present.min()), float(present.max())
            if lo < self.w_min or hi > self.w_max:
                raise ConfigurationError(
                    f"{type(behaviour).__name__} on {sg.describe()}: the weights lie in [{lo:g}, {hi:g}], outside "
                    f"the bounds [w_min, w_max] = [{self.w_min:g}, {self.w_max:g}]; choose initial weights or "
                    "bounds so that the rule does not have to clip them"
                )
        self.bind(sg)

    def bind(self, sg: SynapseGroup) -> None:
        """Collect the arrays the kernels take (again after a script replaced ``sg.W``)."""
        if self.sparse:
            csr = sg.csr
            if sg.W is not csr.data:
                csr.data = np.ascontiguousarray(sg.W, dtype=sg.dtype)
                sg.W = csr.data
            self.conn: tuple[Any, ...] = (csr.indptr, csr.indices, csr.data) + csr.post_index()
        else:
            if not (sg.W.flags.f_contiguous and sg.W.dtype == sg.dtype):
                sg.W = np.asfortranarray(sg.W, dtype=sg.dtype)
            mask = sg.mask if sg.mask is not None else np.zeros((0, 0), dtype=bool)
            self.conn = (sg.W, np.asfortranarray(mask))
        self.W = sg.W
