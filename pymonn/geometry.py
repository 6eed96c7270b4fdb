"""Neuron geometry: ``NeuronDimension`` lays a group out on a grid and gives it positions."""

from __future__ import annotations

import numpy as np

from .behaviour import Behaviour
from .errors import ConfigurationError


class NeuronDimension(Behaviour):
    """Place a group's neurons on a ``width x height x depth`` grid.

    Passed as ``size=`` to :class:`NeuronGroup`, it fixes the group size to
    ``width * height * depth`` and sets the per-neuron position vectors ``x``, ``y``, ``z``
    (grid units) and the ints ``width``, ``height``, ``depth`` on the group. Neuron ``i`` sits at
    ``x = i % width``, ``y = (i // width) % height``, ``z = i // (width * height)``.
    """

    def __init__(self, width: int = 1, height: int = 1, depth: int = 1, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("width", width), ("height", height), ("depth", depth)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ConfigurationError(f"NeuronDimension {name} must be a positive int, got {value!r}")
        self.width, self.height, self.depth = int(width), int(height), int(depth)

    @property
    def size(self) -> int:
        """Number of neurons on the grid."""
        return self.width * self.height * self.depth

    def initialize(self, obj) -> None:
        index = np.arange(obj.size)
        obj.width, obj.height, obj.depth = self.width, self.height, self.depth
        obj.x = (index % self.width).astype(obj.dtype)
        obj.y = ((index // self.width) % self.height).astype(obj.dtype)
        obj.z = (index // (self.width * self.height)).astype(obj.dtype)

    def __repr__(self) -> str:
        return f"NeuronDimension(width={self.width}, height={self.height}, depth={self.depth})"


def get_squared_dim(number_of_neurons: int, depth: int = 1) -> NeuronDimension:
    """A grid as close to square as possible holding exactly ``number_of_neurons`` neurons.

    The width is the largest divisor of ``number_of_neurons / depth`` not above its square
    root, so ``get_squared_dim(800)`` is 25 x 32 and no neuron is added or lost.
    """
    if isinstance(number_of_neurons, bool) or not isinstance(number_of_neurons, (int, np.integer)) \
            or number_of_neurons < 1:
        raise ConfigurationError(f"get_squared_dim needs a positive int, got {number_of_neurons!r}")
    if number_of_neurons % depth:
        raise ConfigurationError(f"get_squared_dim: {number_of_neurons} neurons do not fill depth {depth}")
    per_layer = number_of_neurons // depth
    width = int(np.sqrt(per_layer))
    while per_layer % width:
        width -= 1
    return NeuronDimension(width=width, height=per_layer // width, depth=depth)
