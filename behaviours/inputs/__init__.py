"""pymonn.behaviours.inputs: currents added into a neuron group's accumulator (one per file).

Every input adds into ``n.accumulator(target)`` (``'I'`` by default) at key 10 by default, before
synapses (20) and the neuron model (30) that reads it.
"""

from .constant import ConstantCurrent
from .ou_noise import OUNoise
from .poisson_input import PoissonInput
from .schedule import SquarePulse, TimedSchedule
from .sine import SineCurrent

__all__ = ["ConstantCurrent", "SquarePulse", "TimedSchedule", "SineCurrent", "OUNoise", "PoissonInput"]
