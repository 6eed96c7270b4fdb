"""pymonn.behaviours.neurons: neuron models and spike sources (one per file).

Each model writes ``v`` (or its own state) and a boolean ``fired`` on its group, reads its input
from ``n.accumulator('I')`` and runs its whole step in one numba kernel with a numpy twin.
"""

from .adex import ADEX_PRESETS, AdEx
from .hindmarsh_rose import HindmarshRose
from .hodgkin_huxley import HodgkinHuxley
from .izhikevich import IZHIKEVICH_PRESETS, Izhikevich
from .lif import LIF
from .poisson_group import PoissonGroup
from .spike_generator import SpikeGenerator

__all__ = ["LIF", "Izhikevich", "IZHIKEVICH_PRESETS", "AdEx", "ADEX_PRESETS", "HodgkinHuxley", "HindmarshRose",
           "PoissonGroup", "SpikeGenerator"]
