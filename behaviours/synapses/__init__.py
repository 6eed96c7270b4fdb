"""pymonn.behaviours.synapses: spike transmission from a source group's ``fired`` into the destination.

One kernel kind per file: :class:`DeltaSynapse` (instantaneous), :class:`ExponentialSynapse` and
:class:`AlphaSynapse` (current kernels), :class:`ConductanceSynapse` (conductance with a reversal
potential, for COBA). Each works dense or sparse (CSR by source), event-driven (only the synapses
of neurons that fired are touched), with optional per-synapse axonal delays in whole steps.
Connectivity options are described in :mod:`pymonn.behaviours.synapses._base`.
"""

from .alpha import AlphaSynapse
from .conductance import ConductanceSynapse
from .delta import DeltaSynapse
from .exponential import ExponentialSynapse

__all__ = ["DeltaSynapse", "ExponentialSynapse", "AlphaSynapse", "ConductanceSynapse"]
