"""``Equations``: a neuron model written as differential equations, compiled to a numba kernel."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.errors import ConfigurationError, EquationError

from .._precision import compiled_entry
from ..neurons._base import NeuronModel, steps_of
from . import ir
from .cache import cache_folder, load_module, record_compiled
from .check import check_division, dimension
from .codegen import NeuronKernel, neuron_source
from .integrators import METHODS, integrate
from .model import check_statement_units, check_units, first_use, is_quantity, order_subs, unit_names, value_of
from .parse import parse_condition, parse_equations, parse_statements
from .units import DIMENSIONLESS, TIME, describe_dim, unit_value

__all__ = ["Equations"]

#: attributes the model sets on itself during initialize (parameters may not take these names)
_SET_LATER = ("P", "p", "ps", "units", "dims", "source", "state_names", "parameter_names", "input_names",
              "backend", "cleaned_count", "work_dtype", "key", "parent", "tags", "network")

#: names the model may read but never define
SPECIAL = ("t", "dt")
#: names a neuron model may not use for its own variables
RESERVED = ("fired", "refractory", "t", "dt", "cleaned_count", "i", "N")


class Equations(NeuronModel):
    r"""A neuron model given by its equations, checked, and compiled to one numba kernel.

    .. code-block:: python

        Equations('''
            dv/dt = 0.04*v**2 + 5*v + 140 - u + I
            du/dt = a*(b*v - u)
        ''', threshold='v >= 30', reset='v = c; u += d', a=0.02, b=0.2, c=-65.0, d=8.0, v=-65.0, u=-13.0)

    Each line is ``dx/dt = expression`` (a state variable ``x`` on the group), ``y = expression``
    (a sub-expression, computed from the state) or ``p : unit`` (declares the unit of a parameter
    or input). Time is in ms. ``I``, and any other name the group receives as an accumulator input
    (a synapse's ``target``, or listed in ``inputs``), is the step's input: read-only, constant over
    the step. Every other name is a parameter from the keywords, shared or one per neuron, viewable
    and editable at run time as ``beh.<name>`` (a row of ``beh.P``; after changing a parameter of a
    model integrated with ``'exact'``, call ``beh.refresh()``). ``t`` (ms, the start of the step) and
    ``dt`` may be read. Functions: ``exp, expm1, log, log1p, log10, sqrt, sin, cos, tan, arcsin,
    arccos, arctan, sinh, cosh, tanh, abs, sign, floor, ceil, clip, minimum, maximum, exprel``.

    Each step, every neuron is integrated from its state at the start of the step, then
    ``threshold`` is tested on the new state; where it holds, ``fired`` is True and ``reset`` runs
    (statements ``x = ...``, ``x += ...``, in order) in the same step.

    Units are optional: a line may end with ``: mV`` (or ``1``, ``pA``, ``nS``, ``ms``, ``Hz``,
    ``pF``, and their products and quotients), a parameter may be given as ``'20 ms'``, and unit
    names may appear in expressions (``30*mV``). As soon as any unit is given, every equation,
    the threshold and the reset must be dimensionally consistent (undeclared names and bare numbers
    other than 0 are dimensionless), or initialize raises :class:`~pymonn.errors.EquationError`
    naming the line, the term and the two dimensions. Values are held in pymonn's units (ms, mV,
    pA, nS, pF, um; ``'10 Hz'`` is 0.01 per ms); a plain number for a name declared ``: second``
    is in seconds.

    Parameters
    ----------
    equations : str
        The model (see above).
    threshold : str, optional
        A condition on the new state, e.g. ``'v >= 30'`` (no spikes when None).
    reset : str, optional
        Statements run for the neurons that fired, e.g. ``'v = c; u += d'``.
    refractory : float, str, optional
        A duration (ms, or ``'2 ms'``): after a spike the threshold is not tested for that long,
        and variables flagged ``(unless refractory)`` are held. When every variable is held, the
        step in which the period ends integrates only its remaining part (the library's LIF does
        the same); otherwise the period is rounded to whole steps. Or a condition
        (``'v >= 0'``): after a spike, the neuron stays refractory while it holds (Brian2's form).
    method : {'euler', 'rk2', 'rk4', 'exponential_euler', 'exact'}
        Integration method (see :mod:`pymonn.behaviours.equations.integrators`); one that does not
        suit the equations is refused with the reason. Default 'euler'.
    inputs : list of str, optional
        More accumulator names to read as inputs (besides ``I`` and the synapses' targets).
    cache_dir : str, optional
        Folder of the kernel cache (default ``PYMONN_CACHE_DIR``, else ``~/.cache/pymonn/equations``).
    backend, check_finite, per_neuron, stochastic_rounding
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.
    **params
        Parameter values and initial values of the state variables: numbers, numbers with units,
        init strings or one value per neuron (state variables start at 0 unless given).

    Variables written on the group
    ------------------------------
    Every state variable (network dtype), ``fired`` (bool), ``refractory`` (int32, with
    ``refractory`` given). Reads ``n.accumulator(name)`` for every input.
    """

    _OWN = ("threshold", "reset", "refractory", "method", "inputs", "cache_dir", "backend", "check_finite",
            "per_neuron", "stochastic_rounding")

    def __init__(self, equations: str, threshold: str | None = None, reset: str | None = None,
                 refractory: Any = None, method: str = "euler", **params: Any):
        super().__init__(**params)
        self.equations = equations
        self._lines = parse_equations(equations, "Equations")
        self.threshold = threshold
        self.reset = reset
        self.refractory_spec = refractory
        self.method = method
        if method not in METHODS:
            raise EquationError(f"Equations: method must be one of {METHODS}, got {method!r}", name="method",
                                allowed=", ".join(METHODS))
        self._threshold = parse_condition(threshold, "threshold") if threshold is not None else None
        self._reset = parse_statements(reset, "reset")
        self._ref_condition = None
        if isinstance(refractory, str) and not is_quantity(refractory) and any(c in refractory for c in "<>=!"):
            self._ref_condition = parse_condition(refractory, "refractory")
        for line in self._lines:
            if "event-driven" in line.flags:
                raise EquationError(f"Equations, line {line.line}: '(event-driven)' belongs in SynapticEquations",
                                    line=line.line, name=line.name, allowed="'(unless refractory)'")

    # -- set-up ----------------------------------------------------------------------------------
    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        what = "Equations"
        odes = [ln for ln in self._lines if ln.kind == "ode"]
        subs = order_subs({ln.name: ln for ln in self._lines if ln.kind == "sub"}, what)
        decls = {ln.name: ln for ln in self._lines if ln.kind == "decl"}
        states = [e.name for e in odes]
        trees = [e.expr for e in odes] + [s.expr for s in subs.values()] + [s.expr for s in self._reset]
        trees += [n for n in (self._threshold, self._ref_condition) if n is not None]
        used = set().union(*(ir.names(t) for t in trees)) | {s.target for s in self._reset} | set(decls)
        kwargs = dict.keys(self.init_kwargs)
        inputs = self._input_names(obj, used, kwargs)
        for name in states + list(subs) + list(decls):
            line = next(ln for ln in self._lines if ln.name == name)
            if name in RESERVED or (unit_value(name) is not None):
                raise EquationError(f"{what}, line {line.line}: {name!r} is reserved ("
                                    f"{'a unit' if unit_value(name) else 'written by the model or the clock'})",
                                    line=line.line, column=line.col, name=name, allowed="another name")
        for name in subs:
            if name in kwargs:
                raise EquationError(f"{what}: {name!r} is a sub-expression (line {subs[name].line}) and cannot be "
                                    "given a value", line=subs[name].line, name=name, allowed="a parameter name")
        for name in states:
            if name in inputs:
                raise EquationError(f"{what}: {name!r} is the group's input and cannot be a state variable",
                                    name=name, allowed="another name")
        params = []
        for name in sorted(used):
            if name in states or name in subs or name in inputs or name in SPECIAL:
                continue
            if name in kwargs or name in decls:
                params.append(name)
            elif unit_value(name) is None:
                line, col = first_use(name, trees)
                raise EquationError(
                    f"{what}, line {line}, column {col}: unknown name {name!r}; give it as a keyword "
                    f"({name}=...), or write an equation for it" if line else f"{what}: unknown name {name!r}",
                    line=line, column=col, name=name,
                    allowed=f"state variables {states}, sub-expressions {list(subs)}, inputs {sorted(inputs)}, "
                            f"parameters (keywords), t, dt and units")
        units_used = (any(ln.unit is not None for ln in self._lines) or unit_names(trees)
                      or any(is_quantity(dict.get(self.init_kwargs, n)) for n in params + states))
        self._check_attribute_names(obj, states, params)

        # values
        dims: dict[str, Any] = {"t": TIME, "dt": TIME}
        values: dict[str, np.ndarray] = {}
        evaluate = lambda name: (lambda text: self.evaluate(obj, name, text, np.float64))  # noqa: E731
        for name in params:
            raw = self.init_kwargs[name] if name in kwargs else 0.0
            decl = decls.get(name)
            values[name], d = value_of(f"{what} on {obj.describe()}", name, raw, decl.unit if decl else None,
                                       evaluate(name), obj.size)
            dims[name] = d if d is not None else DIMENSIONLESS
        for name in inputs:
            decl = decls.get(name)
            dims[name] = decl.unit[1] if decl is not None and decl.unit is not None else DIMENSIONLESS
        initial = {}
        for e in odes:
            raw = self.init_kwargs[e.name] if e.name in kwargs else 0.0
            initial[e.name], d = value_of(f"{what} on {obj.describe()}", e.name, raw, e.unit, evaluate(e.name),
                                          obj.size)
            dims[e.name] = e.unit[1] if e.unit is not None else (d if d is not None else DIMENSIONLESS)
        constants = {}
        for name in unit_names(trees):
            if name not in dims:
                constants[name] = unit_value(name)[0]
                dims[name] = unit_value(name)[1]
        if units_used:
            check_units(what, odes, subs, dims)
            if self._threshold is not None:
                dimension(self._threshold, dims, "threshold")
            if self._ref_condition is not None:
                dimension(self._ref_condition, dims, "refractory")
        numbers = {**values, **constants}
        for e in list(odes) + list(subs.values()):
            check_division(e.expr, numbers, f"{what}, line {e.line}")
        for s in self._reset:
            check_division(s.expr, numbers, "reset")

        # the reset's targets
        writes_params = False
        reset = []
        for s in self._reset:
            if s.target in subs:
                raise EquationError(f"reset, line {s.line}: {s.target!r} is a sub-expression (line "
                                    f"{subs[s.target].line}) and cannot be written", line=s.line, column=s.col,
                                    name=s.target, allowed=f"the state variables {states}")
            if s.target in inputs or s.target in SPECIAL:
                raise EquationError(f"reset, line {s.line}: {s.target!r} is read-only", line=s.line, column=s.col,
                                    name=s.target, allowed=f"the state variables {states}")
            if s.target in states:
                reset.append(("s", states.index(s.target), s))
            elif s.target in decls and s.target in params:
                writes_params = True
                reset.append(("p", params.index(s.target), s))
            else:
                raise EquationError(f"reset, line {s.line}: {s.target!r} is a parameter, read-only in the reset; "
                                    f"declare it with a line '{s.target} : 1' to make it a per-neuron variable",
                                    line=s.line, column=s.col, name=s.target, allowed=f"the state variables {states}")
            if units_used:
                check_statement_units("reset", s, dims)

        # refractoriness
        held = [("unless refractory" in e.flags) for e in odes]
        self._t_ref = None
        mode = None
        if self._ref_condition is not None:
            mode = "condition"
        elif self.refractory_spec is not None:
            mode = "duration"
            t_ref, d = value_of(f"{what} on {obj.describe()}", "refractory", self.refractory_spec, None,
                                _no_init_string, 1, "non-negative")
            if d is not None and d != TIME:
                raise EquationError(f"refractory {self.refractory_spec!r} has dimension {describe_dim(d)}, not a time",
                                    name="refractory", allowed="a duration such as '2 ms'")
            self._t_ref = float(t_ref[0])
        #: the step in which the refractory period ends integrates only its remaining part; done when every
        #: variable is held (as the library's LIF), else the period is rounded to the step grid
        self._partial = mode == "duration" and bool(held) and all(held)
        if any(held) and mode is None:
            raise EquationError(f"{what}: '(unless refractory)' needs refractory=...", name="refractory",
                                allowed="a duration or a condition")

        # code
        env = {n: ir.Sym(f"_s{j}") for j, n in enumerate(states)}
        env.update({n: ir.Sym(f"_p{j}") for j, n in enumerate(params)})
        env.update({n: ir.Sym(f"_x{j}") for j, n in enumerate(inputs)})
        env.update({n: ir.Num(v) for n, v in constants.items()})
        env["dt"] = ir.Sym("_h")
        plan = integrate(self.method, odes, subs, env, ir.Sym("_h"), ir.Sym("_t"), params=set(params),
                         constants=set(constants), held={e.name for e, h in zip(odes, held, strict=True) if h},
                         not_refractory=ir.Sym("_nr"))
        post_env = dict(env)
        post_env.update({n: ir.Sym(f"_v{j}") for j, n in enumerate(states)})
        post_env["t"] = ir.Sym("_tend")
        post_trees = [n for n in (self._threshold, self._ref_condition) if n is not None] + [s.expr for s in self._reset]
        post = []
        needed = set().union(*(ir.names(t) for t in post_trees)) if post_trees else set()
        for name in reversed(list(subs)):  # sub-expressions at the new state, for the threshold and the reset
            if name in needed:
                needed |= ir.names(subs[name].expr)
        for name, sub in subs.items():
            if name in needed:
                post_env[name] = ir.Sym(f"_q{len(post)}")
                post.append((f"_q{len(post)}", ir.substitute(sub.expr, post_env)))
        uses_t = "t" in used or any("t" in ir.names(s.expr) for s in subs.values())
        kernel = NeuronKernel(
            n_state=len(states), n_input=len(inputs), n_param=len(params), n_coef=len(plan.coefficients),
            body=plan.program.lines, new=[plan.new[n] for n in states], held=held, post=post,
            threshold=ir.substitute(self._threshold, post_env) if self._threshold is not None else None,
            reset=[(k, j, s.op, ir.substitute(s.expr, post_env)) for k, j, s in reset], refractory=mode,
            ref_condition=ir.substitute(self._ref_condition, post_env) if self._ref_condition is not None else None,
            uses_t=uses_t, writes_params=writes_params, partial=self._partial)
        self.source = neuron_source(kernel)
        self._module = load_module(self.source, cache_folder(self.parameter("cache_dir", None)))
        self._kernel = self._module.step if self.backend == "numba" else self._module.step_numpy
        self._plan = plan

        # state, parameters
        self.state_names, self.parameter_names, self.input_names = states, params, inputs
        #: dimension of every name (dimensionless where no unit was given)
        self.dims = dims
        table = {n: values[n] for n in params}
        if writes_params and table and all(a.size == 1 for a in table.values()):
            first = params[0]
            table[first] = np.full(obj.size, table[first][0])
        self.finish_parameters(obj, table)
        self.P = np.ascontiguousarray(self.P) if self.P.size else np.zeros((0, 1), dtype=self.work_dtype)
        self.units = {n: (decls[n].unit_text if n in decls and decls[n].unit_text else
                          describe_dim(dims[n]).split(" ")[0]) for n in params if dims[n] != DIMENSIONLESS}
        self._initial = {}
        for e in odes:
            arr = np.broadcast_to(initial[e.name], (obj.size,))
            setattr(obj, e.name, np.array(arr, dtype=obj.dtype))
            self._initial[e.name] = arr.astype(self.work_dtype)
        obj.fired = obj.vector(bool)
        if mode is not None:
            obj.refractory = np.zeros(obj.size, dtype=np.int32)
        self._ref_dummy = np.zeros(1, dtype=np.int32)
        self._has_ref = mode is not None
        self._dt = None
        self._seen: tuple = ()
        self._entry = None
        # a shared parameter table is cheap to watch: the propagators follow its changes by themselves
        self._watch_P = bool(plan.coefficients) and self.P.shape[1] == 1
        if self.backend == "numba":
            self._compile(obj)

    def _input_names(self, obj: Any, used: set[str], kwargs) -> list[str]:
        extra = self.parameter("inputs", ())
        if isinstance(extra, str) or not all(isinstance(x, str) and x.isidentifier() for x in extra):
            raise EquationError(f"Equations on {obj.describe()}: inputs must be a list of names, got {extra!r}",
                                name="inputs", allowed="a list of accumulator names such as ['I_ext']")
        targets = {"I", *extra}
        for sg in obj.afferent_synapses["All"]:
            for b in sg.behaviours.values():
                t = getattr(b, "target", None) or dict.get(b.init_kwargs, "target")
                if isinstance(t, str) and t.isidentifier():
                    targets.add(t)
        return sorted(n for n in used if n in targets and (n == "I" or n not in kwargs))

    def _check_attribute_names(self, obj: Any, states: list[str], params: list[str]) -> None:
        for name in states:
            current = obj.__dict__.get(name)
            if hasattr(type(obj), name) or (current is not None and not (
                    isinstance(current, np.ndarray) and current.shape == (obj.size,))):
                raise EquationError(f"Equations on {obj.describe()}: the state variable {name!r} would replace the "
                                    f"group's attribute {name!r}", name=name, allowed="another name")
        for name in params:
            if hasattr(type(self), name) or name in self.__dict__ or name in _SET_LATER:
                raise EquationError(f"Equations on {obj.describe()}: the parameter {name!r} would replace the "
                                    f"behaviour's attribute {name!r}", name=name, allowed="another name")

    def _check_arrays(self, obj: Any, arrays: list, ref: np.ndarray, fired: np.ndarray) -> None:
        """The kernel indexes every array by neuron without bounds checks: each must still be one
        contiguous value per neuron (a script may have replaced one)."""
        names = self.state_names + self.input_names
        wants = [(n, a, np.dtype(obj.dtype)) for n, a in zip(names, arrays, strict=True)]
        wants.append(("fired", fired, np.dtype(bool)))
        if self._has_ref:
            wants.append(("refractory", ref, np.dtype(np.int32)))
        for name, a, dtype in wants:
            if not (isinstance(a, np.ndarray) and a.shape == (obj.size,) and a.dtype == dtype and a.flags.c_contiguous
                    and a.flags.writeable):
                got = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                raise ConfigurationError(f"Equations on {obj.describe()}: variable {name!r} must be a writeable array "
                                         f"of {obj.size} {dtype} values, got {got}; assign into it with "
                                         f"n.{name}[:] = values")

    def _compile(self, obj: Any) -> None:
        """Compile (or load from the cache) the kernel for this group's dtypes, before the first step."""
        wd = self.work_dtype
        empty = [np.zeros(0, dtype=wd) for _ in self.state_names + self.input_names]
        C = np.zeros((1, self.P.shape[1]), dtype=wd)
        ref = np.zeros(0, dtype=np.int32)
        self._kernel(*empty, self.P, C, ref, np.zeros(0, dtype=bool),
                     np.zeros(1, dtype=np.int32), 0.1, 0.1, 0.0)
        record_compiled(self._module)

    def refresh(self) -> None:
        """Recompute the propagators (method 'exact') and refractory steps after parameters changed."""
        self._dt = None

    def _update_dt(self, obj: Any, dt: float) -> None:
        dtl = dt
        if self._t_ref is not None:
            whole, frac = steps_of(np.array([self._t_ref]), dt)
            if self._partial:
                self._n_ref = np.ascontiguousarray(whole + 1, dtype=np.int32)
                dtl = float((1.0 - frac[0]) * dt)
            else:
                self._n_ref = np.ascontiguousarray(whole + 1 + (frac >= 0.5), dtype=np.int32)
        else:
            self._n_ref = np.ones(1, dtype=np.int32)
        coefs = self._plan.coefficients
        width = self.P.shape[1]
        rows = []
        if coefs:
            values = {n: self.P[k].astype(np.float64) for k, n in enumerate(self.parameter_names)}
            values.update({n: v.value for n, v in self._const_env().items()})
            for h in ((dt, dtl) if self._partial else (dt,)):
                values_h = dict(values)
                for c in coefs:
                    rows.append(np.broadcast_to(c.compute(values_h, h), (width,)))
        self._C = np.ascontiguousarray(np.array(rows, dtype=self.work_dtype).reshape(len(rows), width)) \
            if rows else np.zeros((1, width), dtype=self.work_dtype)
        self._dtl = dtl
        self._P_seen = self.P.tobytes()
        self._seen = ()
        self._dt = dt

    def _const_env(self) -> dict[str, ir.Num]:
        out = {}
        for name in unit_names([e.expr for e in self._lines if e.expr is not None]):
            out[name] = ir.Num(unit_value(name)[0])
        return out

    # -- the step --------------------------------------------------------------------------------
    def iteration(self, obj: Any) -> None:
        dt = obj._dt or obj.network._dt
        if dt != self._dt or (self._watch_P and self.P.tobytes() != self._P_seen):
            self._update_dt(obj, dt)
        d = obj.__dict__
        arrays = [d[n] for n in self.state_names]
        for n in self.input_names:
            arrays.append(obj.accumulator(n))
        ref = d["refractory"] if self._has_ref else self._ref_dummy
        fired = d["fired"]
        t0 = (obj.network._iteration - 1) * dt
        tail = (self.P, self._C, ref, fired, self._n_ref, dt, self._dtl, t0)
        if self._fast:
            seen = self._seen
            same = len(seen) == len(arrays) + 2 and seen[-2] is ref and seen[-1] is fired
            if same:
                for a, b in zip(arrays, seen, strict=False):
                    if a is not b:
                        same = False
                        break
            if same:  # the very arrays of the last call: skip numba's type dispatch
                self._entry(*arrays, *tail)
                return
            self._check_arrays(obj, arrays, ref, fired)
            args = (*arrays, *tail)
            self._kernel(*args)
            self._entry = compiled_entry(self._kernel, args) or self._kernel
            self._seen = (*arrays, ref, fired)
            return
        self._check_arrays(obj, arrays, ref, fired)
        states = arrays[:len(self.state_names)]
        work = self._work.load(arrays)
        self._kernel(*work, *tail)
        self.store(states, work[:len(states)])
        self.clean(obj, [(d[n], self._initial[n]) for n in self.state_names])


def _no_init_string(text: str):
    raise EquationError(f"refractory must be a duration (2.0, '2 ms') or a condition ('v >= 0'), got {text!r}",
                        name="refractory", allowed="a duration or a condition")
