"""Synaptic normalisation: rescale weights so that each neuron's incoming (or outgoing) sum is fixed."""

from __future__ import annotations

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError
from pymonn.synapse_group import SynapseGroup

from ..synapses._base import ensure_connectivity, is_sparse, read_number, require_synapse_group

__all__ = ["SynapticNormalization", "weight_sums"]


def weight_sums(sg: SynapseGroup, direction: str) -> np.ndarray:
    """Sum of the weights arriving at each destination (``'afferent'``) or leaving each source."""
    if is_sparse(sg):
        csr = sg.csr
        w = csr.data.astype(np.float64)
        if direction == "afferent":
            return np.bincount(csr.indices, weights=w, minlength=csr.n_dst)
        sums = np.zeros(csr.n_src)
        counts = np.diff(csr.indptr)
        nonempty = counts > 0
        if csr.nnz:
            sums[nonempty] = np.add.reduceat(w, csr.indptr[:-1][nonempty])
        return sums
    return sg.W.sum(axis=1, dtype=np.float64) if direction == "afferent" else sg.W.sum(axis=0, dtype=np.float64)


class SynapticNormalization(Behaviour):
    r"""Multiplicative synaptic normalisation (as in SORN, Lazar et al. 2009, and PymoNNto).

    Every ``every`` steps each neuron's weights are scaled by one factor so that their sum equals
    ``target``:

    .. math::

        w_{ij} \leftarrow w_{ij} \, \frac{\text{target}}{\sum_{k} w_{kj}}

    with the sum over the afferent synapses of destination ``j`` (``direction='afferent'``, the
    default: the rows of the (n_dst, n_src) matrix) or over the efferent synapses of source ``i``
    (``'efferent'``: the columns). Neurons whose sum is 0 are left unchanged (there is nothing to
    scale). Works on dense and sparse groups; weights change in place. Put it after the learning
    rule (default key 45, after STDP at 40). It does not know a learning rule's bounds: scaling
    can move a weight past the rule's ``w_max``, and the rule's next update of that synapse then
    clips it back, so choose ``target`` and ``w_max`` so that they are compatible.

    Parameters
    ----------
    target : float
        The sum each neuron's weights are scaled to (default 1, weight units).
    direction : {'afferent', 'efferent'}
    every : int
        Normalise every this many steps (default 1).
    mode, p, ..., weight
        Connectivity when no earlier behaviour of the group built it.

    Example
    -------
    >>> SynapseGroup(net, E, E, behaviour={20: DeltaSynapse(p=0.1, weight='uniform'),
    ...                                    40: STDP(), 45: SynapticNormalization(target=1.0)})
    """

    default_key = 45

    def initialize(self, sg: SynapseGroup) -> None:
        require_synapse_group(self, sg)
        ensure_connectivity(self, sg)
        self.target = read_number(self, sg, "target", 1.0, positive=True)
        self.direction = self.parameter("direction", "afferent")
        if self.direction not in ("afferent", "efferent"):
            raise ConfigurationError(
                f"SynapticNormalization on {sg.describe()}: parameter 'direction' must be 'afferent' or 'efferent', "
                f"got {self.direction!r}"
            )
        every = self.parameter("every", 1)
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ConfigurationError(
                f"SynapticNormalization on {sg.describe()}: parameter 'every' must be a positive int, got {every!r}"
            )
        self.every = int(every)
        self.normalize(sg)

    def normalize(self, sg: SynapseGroup) -> None:
        """Scale the weights now."""
        sums = weight_sums(sg, self.direction)
        factor = np.ones_like(sums)
        nz = sums != 0
        factor[nz] = self.target / sums[nz]
        factor = factor.astype(sg.dtype)
        if is_sparse(sg):
            csr = sg.csr
            if self.direction == "afferent":
                csr.data *= factor[csr.indices]
            else:
                csr.data *= np.repeat(factor, np.diff(csr.indptr))
        elif self.direction == "afferent":
            sg.W *= factor[:, None]
        else:
            sg.W *= factor[None, :]

    def iteration(self, sg: SynapseGroup) -> None:
        if sg.network._iteration % self.every == 0:
            self.normalize(sg)
