"""PymoNNto's equation modules on pymonn's equations compiler (stand-ins: :mod:`pymonn.compat.equations`).

``Clock(step='0.1*ms')``
    The network's time step. pymonn keeps time in ms: when the network was built without ``dt``
    the clock sets ``net.dt`` to its step (0.1 ms here); when the script gave a ``dt``, the step
    must equal it. Adds the tag ``'Clock'`` and ``time_to_iterations('1000*ms')`` (so
    ``simulate_iterations('1000*ms')`` runs 10,000 steps) and ``obj.clock_step_size`` (ms).
    PymoNNto's clock counts ``t`` in seconds; here ``t`` (``Recorder(['t'])``) is the network's
    time in ms, so ``tau=100*ms`` is 100 and the decay ``v(t)`` follows ``exp(-t/tau)`` with both in ms.
``Variable(eq='v=1*mV')``
    Creates ``obj.v`` and ``obj.v_new`` (one value per neuron) from a number with an optional
    unit (parsed; units are pymonn's: ``1*mV`` is 1, ``100*ms`` is 100, ``1*second`` is 1000), and
    each step copies ``v_new`` into ``v`` (PymoNNto's two-phase update: every equation of a step
    reads the values of the previous step).
``Equation(eq='dv/dt=(0*mV-v)/tau')``
    One forward-Euler step ``v_new = v + dt * (...)`` per neuron, compiled with numba. Other names
    are the group's variables (read each step), unit names or ``t``/``dt``. The units of the
    ``Variable`` values (and of unit names in the equation) are checked as ``Equations`` checks them.

Anything else, as PymoNNto's ``eval`` allowed (attributes, calls, strings), is refused with an
:class:`~pymonn.errors.EquationError`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from pymonn.compat import equations as stand_ins
from pymonn.errors import ConfigurationError, EquationError

from . import ir
from .cache import cache_folder, load_module, record_compiled
from .check import dimension
from .codegen import NeuronKernel, neuron_source
from .integrators import integrate
from .model import check_units, unit_names
from .parse import parse_equations, parse_expression, parse_quantity
from .units import DIMENSIONLESS, TIME, Dim, unit_value

__all__ = ["Clock", "Variable", "Equation"]

_ASSIGN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)$")


def _duration(text: Any, what: str) -> float:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    q = parse_quantity(str(text).replace(" ", ""), what) if isinstance(text, str) else None
    if q is None or q[1] != TIME:
        raise EquationError(f"{what}: {text!r} is not a duration such as '0.1*ms'", name=what,
                            allowed="a number with a time unit: '0.1*ms', '1*second'")
    return q[0]


def _dims(obj: Any) -> dict[str, Dim]:
    return obj.__dict__.setdefault("_equation_dims", {})


class Clock(stand_ins.Clock):
    """See the module docstring."""

    def __new__(cls, *args: Any, **kwargs: Any):
        return object.__new__(cls)

    def initialize(self, obj: Any) -> None:
        self.add_tag("Clock")
        step = _duration(self.parameter("step", "1*ms"), "Clock step")
        if not step > 0:
            raise ConfigurationError(f"Clock on {obj.describe()}: step must be positive, got {step} ms")
        net = obj.network
        if not net.dt_given:
            net.dt = step
        elif abs(net.dt - step) > 1e-12 * step:
            raise ConfigurationError(f"Clock on {obj.describe()}: step {step} ms differs from the network's dt = "
                                     f"{net.dt} ms; build the network without dt (the clock sets it) or give "
                                     "the same value")
        self.clock_step_size = step
        obj.clock_step_size = step

    def time_to_iterations(self, time_str: Any) -> int:
        """Steps in a duration such as ``'1000*ms'``."""
        return int(round(_duration(time_str, "simulate_iterations") / self.clock_step_size))


class Variable(stand_ins.Variable):
    """See the module docstring."""

    def __new__(cls, *args: Any, **kwargs: Any):
        return object.__new__(cls)

    def initialize(self, obj: Any) -> None:
        text = self.parameter("eq", None)
        m = _ASSIGN.match(text) if isinstance(text, str) else None
        if m is None:
            raise EquationError(f"Variable on {obj.describe()}: eq must be 'name=value' such as 'v=1*mV', got "
                                f"{text!r}", name="eq", allowed="'name=number*unit'")
        self.var_name = name = m.group(1)
        node = parse_expression(m.group(2), "Variable", 1, m.start(2))
        bad = sorted(n for n in ir.names(node) if unit_value(n) is None)
        if bad:
            raise EquationError(f"Variable on {obj.describe()}: {text!r} may use numbers and units only, not "
                                f"{bad}", name=bad[0], allowed="numbers, units (mV, ms, ...) and arithmetic")
        env = {n: unit_value(n)[0] for n in ir.names(node)}
        dims = {n: unit_value(n)[1] for n in ir.names(node)}
        value = float(ir.evaluate(node, env))
        d = dimension(node, dims, "Variable")
        if name in ("t", "dt") or hasattr(type(obj), name):
            raise EquationError(f"Variable on {obj.describe()}: {name!r} is a group attribute", name=name,
                                allowed="another name")
        self.add_tag("Variable " + name)
        setattr(obj, name, obj.vector(value))
        setattr(obj, name + "_new", obj.vector(value))
        _dims(obj)[name] = d if isinstance(d, Dim) else DIMENSIONLESS

    def iteration(self, obj: Any) -> None:
        new = obj.__dict__[self.var_name + "_new"]
        current = obj.__dict__.get(self.var_name)
        if isinstance(current, np.ndarray) and current.shape == new.shape:
            np.copyto(current, new, casting="unsafe")
        else:
            setattr(obj, self.var_name, new.copy())


class Equation(stand_ins.Equation):
    """See the module docstring."""

    def __new__(cls, *args: Any, **kwargs: Any):
        return object.__new__(cls)

    def initialize(self, obj: Any) -> None:
        self.add_tag("EquationModule")
        self.parameter("step_size", None)  # PymoNNto's, unused there too
        lines = parse_equations(self.parameter("eq", None), "Equation")
        if len(lines) != 1 or lines[0].kind != "ode":
            raise EquationError(f"Equation on {obj.describe()}: eq must be one 'dx/dt=...' line, got "
                                f"{self.parameter('eq', None)!r}", name="eq", allowed="'dv/dt=(0*mV-v)/tau'")
        eq = lines[0]
        self.var_name = var = eq.name
        if not isinstance(obj.__dict__.get(var + "_new"), np.ndarray):
            raise EquationError(f"Equation on {obj.describe()}: {var!r} has no Variable (add Variable(eq='{var}=...') "
                                "with a smaller key)", name=var, allowed="a variable created by Variable")
        names = ir.names(eq.expr) - {var, "t", "dt"}
        units = {n for n in unit_names([eq.expr]) if n not in obj.__dict__}
        others = sorted(names - units)
        for n in others:
            value = obj.__dict__.get(n)
            if not (isinstance(value, np.ndarray) and value.shape == (obj.size,)):
                raise EquationError(f"Equation on {obj.describe()}: unknown name {n!r} in {eq.text!r}", name=n,
                                    allowed="variables of the group, units, t and dt")
        known = _dims(obj)
        if units or known:
            dims = {"t": TIME, "dt": TIME, var: known.get(var, DIMENSIONLESS)}
            dims.update({n: known.get(n, DIMENSIONLESS) for n in others})
            dims.update({n: unit_value(n)[1] for n in units})
            check_units("Equation", [eq], {}, dims)
        env = {var: ir.Sym("_s0"), "dt": ir.Sym("_h")}
        env.update({n: ir.Sym(f"_x{j}") for j, n in enumerate(others)})
        env.update({n: ir.Num(unit_value(n)[0]) for n in units})
        plan = integrate("euler", [eq], {}, env, ir.Sym("_h"), ir.Sym("_t"), params=set(), constants=units)
        kernel = NeuronKernel(n_state=1, n_input=len(others), n_param=0, n_coef=0, body=plan.program.lines,
                              new=[plan.new[var]], held=[False], uses_t="t" in ir.names(eq.expr))
        self.source = neuron_source(kernel)
        self._module = load_module(self.source, cache_folder(self.parameter("cache_dir", None)))
        self._others = others
        self._P = np.zeros((0, 1), dtype=obj.dtype if obj.dtype != np.float16 else np.float32)
        self._C = np.zeros((1, 1), dtype=self._P.dtype)
        self._int = np.zeros(1, dtype=np.int32)
        self._fired = np.zeros(obj.size, dtype=bool)
        self._kernel = self._module.step if obj.dtype != np.float16 else self._module.step_numpy
        if obj.dtype != np.float16:
            z = np.zeros(0, dtype=obj.dtype)
            self._kernel(z, *[z] * len(others), self._P, self._C, self._int[:0], self._fired[:0], self._int, 0.1,
                         0.1, 0.0)
            record_compiled(self._module)

    def iteration(self, obj: Any) -> None:
        new = obj.__dict__[self.var_name + "_new"]
        np.copyto(new, obj.__dict__[self.var_name], casting="unsafe")
        dt = obj._dt or obj.network._dt
        t0 = (obj.network._iteration - 1) * dt
        others = [obj.__dict__[n] for n in self._others]
        self._kernel(new, *others, self._P, self._C, self._int[:0], self._fired, self._int, dt, dt, t0)
