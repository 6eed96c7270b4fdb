"""pymonn: spiking neural networks composed from behaviour plugins.

``from pymonn import *`` gives a script everything it needs to build a network::

    net = Network(dt=0.5, seed=1)
    NeuronGroup(net, 100, {1: MyModel(), 9: Recorder(['v'])}, tag='exc')
    net.initialize()
    net.run('250ms')

Importing pymonn loads numpy and nothing heavier; the model library is ``pymonn.behaviours``
and the Qt explorer ``pymonn.ui``.
"""

import numpy as np

from . import _source_tree, analysis, compat  # noqa: F401  (_source_tree first: see its docstring)
from .behaviour import Behavior, Behaviour
from .compat import *  # noqa: F403  (PymoNNto's extra names: see pymonn.compat)
from .errors import (
                     BehaviorError,
                     BehaviourError,
                     ConfigurationError,
                     ConfigurationTypeError,
                     ConversionWarning,
                     DuplicateKeyError,
                     DurationError,
                     EquationError,
                     ExpressionError,
                     ExternalToolError,
                     InitStringError,
                     NumericalWarning,
                     PickleFileError,
                     PymonnError,
                     RecordingError,
                     StateError,
                     StateFileError,
                     StateMismatchError,
                     StorageFileNotFoundError,
                     TagNotFoundError,
                     TimeStepWarning,
                     UnsafeNameError,
                     UnsupportedObjectError,
                     UnusedParameterWarning,
)
from .geometry import NeuronDimension, get_squared_dim
from .network import Network
from .neuron_group import NeuronGroup, afferent, efferent
from .recording import EventRecorder, Recorder
from .storage import Checkpointer
from .synapse_group import SynapseGroup
from .units import to_ms

__version__ = "0.1.0"

__all__ = [
    "np", "Network", "NeuronGroup", "SynapseGroup", "Behaviour", "Behavior", "Recorder",
    "EventRecorder", "NeuronDimension", "get_squared_dim", "afferent", "efferent", "to_ms",
    "PymonnError", "ConfigurationError", "ConfigurationTypeError", "TagNotFoundError",
    "DuplicateKeyError", "InitStringError", "ExpressionError", "DurationError", "EquationError", "RecordingError",
    "StateError", "StateFileError", "StateMismatchError", "Checkpointer", "analysis",
    "BehaviourError", "BehaviorError", "UnusedParameterWarning", "NumericalWarning", "TimeStepWarning", "ConversionWarning",
    "StorageFileNotFoundError", "PickleFileError", "UnsafeNameError", "UnsupportedObjectError", "ExternalToolError",
    *compat.__all__,
]
