"""pymonn.behaviours.plasticity: learning rules on synapse groups and homeostasis of neuron groups.

:class:`STDP` (pair-based, additive or multiplicative), :class:`TripletSTDP` (Pfister & Gerstner
2006), :class:`SynapticNormalization`, :class:`IntrinsicHomeostasis`. The synaptic rules work on
dense and sparse synapse groups alike.
"""

from .homeostasis import IntrinsicHomeostasis
from .normalization import SynapticNormalization
from .stdp import STDP
from .triplet import TripletSTDP

__all__ = ["STDP", "TripletSTDP", "SynapticNormalization", "IntrinsicHomeostasis"]
