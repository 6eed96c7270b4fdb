"""pymonn.behaviours: the model library (neurons, synapses, plasticity, inputs).

Every model is one file holding one class (and its compiled kernel with a numpy twin).
``from pymonn.behaviours import *`` gives all of them, and the models written as equations
(``Equations``, ``SynapticEquations`` from :mod:`.equations`).
"""

from ._events import install as _install_event_kernel
from .equations import Equations, SynapticEquations  # noqa: F401
from .inputs import *  # noqa: F401,F403
from .neurons import *  # noqa: F401,F403
from .plasticity import *  # noqa: F401,F403
from .synapses import *  # noqa: F401,F403

_install_event_kernel()  # the core's EventRecorder finds spikes with a compiled kernel from now on
