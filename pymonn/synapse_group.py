"""``SynapseGroup``: the connection from one neuron group to another."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ConfigurationError, ConfigurationTypeError, TagNotFoundError
from .init_strings import make_array
from .network_object import NetworkObject
from .neuron_group import NeuronGroup


class SynapseGroup(NetworkObject):
    """Synapses from ``src`` to ``dst``, with behaviours that transmit, learn or record.

    Parameters
    ----------
    net : Network
    src, dst : NeuronGroup or str
        The groups, or tags that name exactly one group each.
    tag : str, optional
        Comma-separated tags; the destination's ``afferent_synapses[tag]`` and the source's
        ``efferent_synapses[tag]`` list this group (and ``'All'`` always does).
    behaviour : dict, list or Behaviour, optional

    Notes
    -----
    :meth:`matrix` returns ``(dst.size, src.size)`` arrays (``(src, dst)`` with the network
    setting ``synapse_mode='SxD'``) stored column-major, so the weights leaving one source neuron
    are contiguous and ``W[:, src.fired]`` reads only the columns of neurons that fired.
    """

    #: PymoNNto's defaults: a mask or True (all synapses may change), and a weighting factor
    enabled: Any = True
    group_weighting: float = 1

    def __init__(self, net: Any, src: Any, dst: Any, tag: str | None = None, behaviour: Any = None,
                 *, behavior: Any = None, **unexpected: Any):
        if unexpected:
            raise ConfigurationTypeError(
                f"SynapseGroup got unexpected keyword(s) {sorted(unexpected)}; expected net, src, dst, "
                "tag and behaviour (or behavior)"
            )
        from .network import Network

        if not isinstance(net, Network):
            raise ConfigurationTypeError(f"SynapseGroup needs a Network as net, got {type(net).__name__}")
        if behaviour is not None and behavior is not None:
            raise ConfigurationTypeError("SynapseGroup: give behaviour= or behavior=, not both")
        super().__init__(tag, net, behaviour if behaviour is not None else behavior)
        self.src = self._resolve(net, src, "src")
        self.dst = self._resolve(net, dst, "dst")
        for t in self.tags[:-1] or [self.tags[-1]]:
            self.dst.afferent_synapses.setdefault(t, []).append(self)
            self.src.efferent_synapses.setdefault(t, []).append(self)
        self.dst.afferent_synapses["All"].append(self)
        self.src.efferent_synapses["All"].append(self)
        net._add_synapse_group(self)

    def _resolve(self, net, group: Any, role: str) -> NeuronGroup:
        if isinstance(group, NeuronGroup):
            if group.network is not net:
                raise ConfigurationError(f"{self.describe()}: {role} {group.describe()} belongs to another network")
            return group
        if isinstance(group, str):
            matches = [g for g in net.NeuronGroups if group in g.tags]
            if len(matches) == 1:
                return matches[0]
            known = ", ".join(repr(g.tags[0]) for g in net.NeuronGroups) or "none yet"
            if not matches:
                raise TagNotFoundError(f"{self.describe()}: no NeuronGroup has the {role} tag {group!r}; groups: {known}")
            raise ConfigurationError(f"{self.describe()}: {role} tag {group!r} names {len(matches)} groups; it must name one")
        raise ConfigurationTypeError(f"{self.describe()}: {role} must be a NeuronGroup or a tag, got {type(group).__name__}")

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of this group's matrices: (dst, src), or (src, dst) in 'SxD' mode."""
        if self.network.synapse_mode == "SxD":
            return (self.src.size, self.dst.size)
        return (self.dst.size, self.src.size)

    def matrix_dim(self) -> tuple[int, int]:
        """The shape of this group's matrices, PymoNNto's name for :attr:`shape`."""
        return self.shape

    def ignore_transpose_mode(self, W: np.ndarray) -> np.ndarray:  # noqa: N803 (PymoNNto's name)
        """``W`` as (dst, src) whatever the layout setting (a transposed view in 'SxD')."""
        return W.T if self.network.synapse_mode == "SxD" else W

    @property
    def size(self) -> int:
        """Number of possible synapses (dst.size * src.size)."""
        return self.src.size * self.dst.size

    def matrix(self, mode: Any = None, scale: float | None = None, density: float | None = None,
               plot: bool = False, *, dtype: Any = None) -> np.ndarray:
        """A column-major matrix of :attr:`shape` from an init string or number (zeros when None).

        ``scale`` and ``density`` may be given by position (PymoNNto's ``matrix(mode, scale,
        density)``); ``plot`` is accepted and ignored.
        """
        return make_array(mode, self.shape, self.rng, dtype or self.dtype, density=density, scale=scale,
                          order="F")

    mat = matrix  # PymoNNto's other name

    def get_synapse_mat(self, mode: Any = "zeros()", **kwargs: Any) -> np.ndarray:
        """Pre-3.0 name of :meth:`matrix`."""
        if mode == "zeros()":
            mode = None
        return self.matrix(mode, **kwargs)

    def get_random_synapse_mat(self, density: float | None = None, **_: Any) -> np.ndarray:
        """Pre-3.0 name of ``matrix('uniform', density=density)``."""
        return self.matrix("uniform", density=density)

    def init_value(self, spec: Any) -> np.ndarray:
        """Evaluate a behaviour parameter's init string: one value per synapse."""
        return self.matrix(spec)

    def describe(self) -> str:
        src, dst = self.__dict__.get("src"), self.__dict__.get("dst")
        if src is not None and dst is not None:
            return f"SynapseGroup {self.tags[0]!r} ({src.tags[0]} -> {dst.tags[0]})"
        return f"SynapseGroup {self.tags[0]!r}"
