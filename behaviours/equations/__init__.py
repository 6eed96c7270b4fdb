"""pymonn.behaviours.equations: models written as equations, compiled to numba kernels.

The pipeline, one module per stage: :mod:`.parse` (text -> validated trees, ``ast`` against a
whitelist) -> :mod:`.check` (units) -> :mod:`.integrators` (method -> update code) ->
:mod:`.codegen` (kernel source and its numpy twin, from the trees only) -> :mod:`.cache` (on-disk
cache keyed by the source's hash; numba ``cache=True``).

``Equations`` is a neuron model like the library's; ``SynapticEquations`` adds per-synapse state
with ``on_pre`` / ``on_post`` statements and event-driven traces. PymoNNto's ``Clock``,
``Variable`` and ``Equation`` are built on the same compiler (:mod:`.pymonnto`).
"""

from pymonn.errors import EquationError

from .cache import STATS as cache_stats
from .cache import cache_folder
from .neurons import Equations
from .synapses import SynapticEquations

__all__ = ["Equations", "SynapticEquations", "EquationError", "cache_folder", "cache_stats"]
