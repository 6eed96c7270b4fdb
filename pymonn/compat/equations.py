"""PymoNNto's equation modules: ``Clock``, ``Variable``, ``Equation`` (``Examples_Paper/Eqation``).

A PymoNNto script writes::

    ng = NeuronGroup(net=net, size=100, behavior={
        1: Clock(step='0.1*ms'),
        2: Variable(eq='v=1*mV'),
        3: Variable(eq='tau=100*ms'),
        4: Equation(eq='dv/dt=(0*mV-v)/tau'),
        9: Recorder(['v', 't'], tag='my_rec')})
    net.simulate_iterations('1000*ms')

These classes are thin stand-ins: building one imports the implementation,
:mod:`pymonn.behaviours.equations.pymonnto`, built on the equations compiler (parsed, never
``eval``-ed, unit-checked, compiled with numba), so that ``import pymonn`` itself loads no numba.
See that module for what each does; in short, pymonn keeps time in ms (``t``, ``dt``, ``tau``),
where PymoNNto's clock counts seconds, and ``Clock`` sets the network's ``dt`` when the script
gave none.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..behaviour import Behaviour

__all__ = ["Clock", "Variable", "Equation"]

#: the implementation, imported by name when a stand-in is built (the core never imports the library)
IMPLEMENTATION = "pymonn.behaviours.equations.pymonnto"


class _StandIn(Behaviour):
    def __new__(cls, *args: Any, **kwargs: Any):
        if cls in (Clock, Variable, Equation):
            implementation = getattr(importlib.import_module(IMPLEMENTATION), cls.__name__)
            return implementation(*args, **kwargs)
        return super().__new__(cls)


class Clock(_StandIn):
    """PymoNNto's ``Clock(step='1*ms')``: the time step (see :mod:`pymonn.behaviours.equations.pymonnto`)."""


class Variable(_StandIn):
    """PymoNNto's ``Variable(eq='v=1*mV')``: a per-neuron variable and its ``<name>_new`` buffer."""


class Equation(_StandIn):
    """PymoNNto's ``Equation(eq='dv/dt=(0*mV-v)/tau')``: one Euler step into ``<name>_new``."""
