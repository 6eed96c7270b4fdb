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
#: PymoNNto's integer spellings of the two directions (its ``afferent = 0``, ``efferent = 1``)
_DIRECTIONS = {afferent: afferent, efferent: efferent, 0: afferent, 1: efferent}


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
    color : tuple, optional
        An RGBA colour (0-255) for plots, kept as ``ng.color`` (PymoNNto's keyword).

    Notes
    -----
    State variables are plain attributes (``ng.v``, ``ng.fired``) created by behaviours.
    ``afferent_synapses`` / ``efferent_synapses`` map a synapse tag (and ``'All'``) to the
    synapse groups arriving at / leaving this group.
    """

    def __init__(self, net: Any, size: Any = 1, behaviour: Any = None, tag: str | None = None,
                 color: Any = None, *, behavior: Any = None, **unexpected: Any):
        if unexpected:
            raise ConfigurationTypeError(
                f"NeuronGroup got unexpected keyword(s) {sorted(unexpected)}; expected net, size, "
                "behaviour (or behavior), tag and color"
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
        if color is not None:
            self.color = color
        if self.geometry is not None:
            self.geometry.initialize(self)
            self._register_shortcuts(self.geometry)  # ng.NeuronDimension, as in PymoNNto
        net._add_group(self)

    def _scope(self) -> list:
        found = super()._scope()
        return found + [self.geometry] if self.geometry is not None else found

    @property
    def id(self) -> np.ndarray:
        """The neurons' indices ``0 .. size-1`` (PymoNNto's ``ng.id``; read-only)."""
        ids = self.__dict__.get("_id")
        if ids is None or ids.shape[0] != self.size:
            ids = np.arange(self.size)
            ids.flags.writeable = False
            self._id = ids
        return ids

    @property
    def BaseNeuronGroup(self) -> NeuronGroup:  # noqa: N802 (PymoNNto's name)
        """The group itself (PymoNNto distinguishes sub-groups; pymonn has none)."""
        return self

    # -- init strings --------------------------------------------------------------------------
    def vector(self, mode: Any = None, scale: float | None = None, density: float | None = None,
               plot: bool = False, *, dtype: Any = None) -> np.ndarray:
        """One value per neuron from an init string or number (zeros when ``mode`` is None).

        See :mod:`pymonn.init_strings` for the grammar; draws use the network's generator.
        ``scale`` and ``density`` may be given by position, as PymoNNto's ``vector(mode, scale,
        density)``; ``plot`` (PymoNNto's histogram) is accepted and ignored. ``dtype`` must be
        bool, an integer or a floating type (``ConfigurationTypeError`` otherwise).
        """
        try:
            return make_array(mode, (self.size,), self.rng, dtype or self.dtype, density=density, scale=scale)
        except ConfigurationTypeError as exc:
            raise ConfigurationTypeError(f"{self.describe()}.vector: {exc}") from None

    vec = array = vector  # PymoNNto's other names

    def vector_buffer(self, buffer_size: int) -> np.ndarray:
        """Zeros of shape ``(buffer_size, size)``: the last values of a per-neuron variable."""
        return self.get_buffer_mat(self.size, buffer_size)

    def get_neuron_vec(self, mode: Any = "zeros()", **kwargs: Any) -> np.ndarray:
        """Pre-3.0 name of :meth:`vector` (PymoNNto wrote zeros as ``'zeros()'``)."""
        if mode == "zeros()":
            mode = None
        return self.vector(mode, **kwargs)

    def get_random_neuron_vec(self, density: float | None = None, **_: Any) -> np.ndarray:
        """Pre-3.0 name of ``vector('uniform', density=density)``."""
        return self.vector("uniform", density=density)

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
            if (array is None or not isinstance(array, np.ndarray) or array.shape != (self.size,)
                    or array.dtype != self.dtype or not array.flags.writeable):
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
            if (array is None or not isinstance(array, np.ndarray) or array.shape != (self.size,)
                    or array.dtype != self.dtype or not array.flags.writeable):
                array = np.zeros(self.size, dtype=self.dtype)
                setattr(self, name, array)
            stamps[name] = current
            return array, True
        return array, False

    # -- connectivity --------------------------------------------------------------------------
    def synapses(self, direction: str, tag: str = "All") -> list:
        """Synapse groups ``afferent`` (arriving) or ``efferent`` (leaving) carrying ``tag``."""
        way = _DIRECTIONS.get(direction) if not isinstance(direction, bool) else None
        if way == afferent:
            return list(self.afferent_synapses[tag])
        if way == efferent:
            return list(self.efferent_synapses[tag])
        raise ConfigurationError(f"{self.describe()}.synapses: direction must be 'afferent' or 'efferent', got {direction!r}")

    def require_synapses(self, name: str, afferent: bool = True, efferent: bool = True, warning: bool = True) -> None:
        """Make ``afferent_synapses[name]`` / ``efferent_synapses[name]`` exist (empty lists when none)."""
        for wanted, table, way in ((afferent, self.afferent_synapses, "afferent"),
                                   (efferent, self.efferent_synapses, "efferent")):
            if wanted and name not in table:
                if warning:
                    print(f"warning: no {way} {name} synapses found for {self.describe()}")
                table[name] = []

    def mask_var(self, var: np.ndarray) -> np.ndarray:
        """Identity here (kept for PymoNNto scripts that call it)."""
        return var

    def describe(self) -> str:
        return f"NeuronGroup {self.tags[0]!r}"

    def __len__(self) -> int:
        return self.size
