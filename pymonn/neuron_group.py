"""``NeuronGroup``: a population of neurons whose state lives in per-neuron numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ConfigurationError, ConfigurationTypeError
from .geometry import NeuronDimension
from .init_strings import make_array
from .network_object import NetworkObject

afferent = "afferent"
efferent = "efferent"


class SynapseDict(dict):
    """tag -> list of SynapseGroups; a tag nobody uses gives an empty list."""

    def __missing__(self, key):
        return []


class NeuronGroup(NetworkObject):
    """A population of ``size`` neurons driven by behaviours.

    Parameters
    ----------
    net : Network
        The network the group belongs to.
    size : int or NeuronDimension
        Number of neurons, or a geometry (``get_squared_dim(800)``, ``NeuronDimension(10, 10)``)
        that also sets the position vectors ``x``, ``y``, ``z``.
    behaviour : dict, list or Behaviour
        ``{key: Behaviour}``; a list means keys 0..n-1. ``behavior=`` is accepted too.
    tag : str, optional
        Comma-separated tags; the first also becomes ``net.<tag>`` when that name is free.

    Notes
    -----
    State variables are plain attributes (``ng.v``, ``ng.fired``) created by behaviours.
    ``afferent_synapses`` / ``efferent_synapses`` map a synapse tag (and ``'All'``) to the
    synapse groups arriving at / leaving this group.
    """

    def __init__(self, net: Any, size: Any = 1, behaviour: Any = None, tag: str | None = None,
                 *, behavior: Any = None, **unexpected: Any):
        if unexpected:
            raise ConfigurationTypeError(
                f"NeuronGroup got unexpected keyword(s) {sorted(unexpected)}; expected net, size, "
                "behaviour (or behavior) and tag"
            )
        from .network import Network

        if not isinstance(net, Network):
            raise ConfigurationTypeError(f"NeuronGroup needs a Network as net, got {type(net).__name__}")
        if behaviour is not None and behavior is not None:
            raise ConfigurationTypeError("NeuronGroup: give behaviour= or behavior=, not both")
        super().__init__(tag, net, behaviour if behaviour is not None else behavior)
        self.geometry: NeuronDimension | None = None
        if isinstance(size, NeuronDimension):
            self.geometry = size
            self.size = size.size
        elif isinstance(size, (int, np.integer)) and not isinstance(size, bool):
            if size < 1:
                raise ConfigurationError(f"{self.describe()}: size must be a positive int, got {size}")
            self.size = int(size)
        else:
            raise ConfigurationTypeError(
                f"{self.describe()}: size must be a positive int or a NeuronDimension, got {size!r}"
            )
        self.afferent_synapses: SynapseDict = SynapseDict(All=[])
        self.efferent_synapses: SynapseDict = SynapseDict(All=[])
        self._accumulated: dict[str, int] = {}
        if self.geometry is not None:
            self.geometry.initialize(self)
        net._add_group(self)

    # -- init strings --------------------------------------------------------------------------
    def vector(self, mode: Any = None, *, density: float | None = None, scale: float | None = None,
               dtype: Any = None) -> np.ndarray:
        """One value per neuron from an init string or number (zeros when ``mode`` is None).

        See :mod:`pymonn.init_strings` for the grammar; draws use the network's generator.
        """
        return make_array(mode, (self.size,), self.rng, dtype or self.dtype, density=density, scale=scale)

    def get_neuron_vec(self, mode: Any = "zeros()", **kwargs: Any) -> np.ndarray:
        """Pre-3.0 name of :meth:`vector` (PymoNNto wrote zeros as ``'zeros()'``)."""
        if mode == "zeros()":
            mode = None
        return self.vector(mode, **kwargs)

    def init_value(self, spec: Any) -> np.ndarray:
        """Evaluate a behaviour parameter's init string: one value per neuron."""
        return self.vector(spec)

    # -- input accumulation ------------------------------------------------------------------
    def accumulator(self, name: str = "I") -> np.ndarray:
        """The per-neuron input array ``name`` for the current step, zeroed on first use each step.

        Inputs and synapses add into ``ng.accumulator('I')``; the neuron model reads it the
        same way, so a current never carries over from one step to the next even when no input
        ran, and a recorder keyed after the model sees the input of that step.
        """
        stamps = self._accumulated
        current = self.network._iteration
        array = self.__dict__.get(name)
        if stamps.get(name) != current or array is None:
            if array is None or not isinstance(array, np.ndarray) or array.shape != (self.size,):
                array = np.zeros(self.size, dtype=self.dtype)
                setattr(self, name, array)
            else:
                array.fill(0)
            stamps[name] = current
        return array

    def accumulator_fresh(self, name: str = "I") -> tuple[np.ndarray, bool]:
        """The input array ``name`` without zeroing it: ``(array, is_first_use)`` for this step.

        For a writer that can *store* its contribution instead of adding it. When
        ``is_first_use`` is True the array still holds an earlier step's values (it was not
        zeroed) and the caller must overwrite every entry; later users this step (``accumulator``
        or this method) then see it as already in use and add to it. When False, add as with
        :meth:`accumulator`.
        """
        stamps = self._accumulated
        current = self.network._iteration
        array = self.__dict__.get(name)
        if stamps.get(name) != current or array is None:
            if array is None or not isinstance(array, np.ndarray) or array.shape != (self.size,):
                array = np.zeros(self.size, dtype=self.dtype)
                setattr(self, name, array)
            stamps[name] = current
            return array, True
        return array, False

    # -- connectivity --------------------------------------------------------------------------
    def synapses(self, direction: str, tag: str = "All") -> list:
        """Synapse groups ``afferent`` (arriving) or ``efferent`` (leaving) carrying ``tag``."""
        if direction == afferent:
            return list(self.afferent_synapses[tag])
        if direction == efferent:
            return list(self.efferent_synapses[tag])
        raise ConfigurationError(f"{self.describe()}.synapses: direction must be 'afferent' or 'efferent', got {direction!r}")

    def mask_var(self, var: np.ndarray) -> np.ndarray:
        """Identity here (kept for PymoNNto scripts that call it)."""
        return var

    def describe(self) -> str:
        return f"NeuronGroup {self.tags[0]!r}"

    def __len__(self) -> int:
        return self.size
