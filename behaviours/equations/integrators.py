"""Integration methods: from the equations' trees to straight-line update code (a :class:`Program`).

=====================  ======================================================================
``euler``              ``x' = x + h f(x, t)``  (order 1)
``rk2``                midpoint rule (order 2)
``rk4``                classical Runge-Kutta (order 4)
``exponential_euler``  each equation linear in its own variable, ``f = A x + B`` with ``A``, ``B``
                       depending on the other variables: ``x' = x + h f exprel(A h)``, which is
                       exact when the others are constant over the step (order 1; stable for
                       stiff gates, as Hodgkin-Huxley's)
``exact``              linear equations with constant coefficients, ``dX/dt = M X + c`` with ``M``
                       made of parameters only and ``c`` of parameters and inputs (constant over a
                       step): ``X' = e^{M h} X + (int_0^h e^{M s} ds) c``, the propagators computed
                       once per dt. One variable: ``x' = x_inf + (x - x_inf) e^{a h}`` with
                       ``x_inf = -b/a``, the arithmetic of the library's LIF.
=====================  ======================================================================

A method that does not suit the equations is refused with the reason (:func:`unsuitable`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pymonn.errors import EquationError

from . import ir
from .expm import expm

__all__ = ["METHODS", "Program", "integrate", "Coefficient"]

METHODS = ("euler", "rk2", "rk4", "exponential_euler", "exact")


class Program:
    """Straight-line code: assignments ``name = node`` to generated names, in order."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, ir.Node]] = []
        self._count = 0

    def let(self, node: ir.Node, prefix: str = "_t") -> ir.Node:
        if isinstance(node, (ir.Num, ir.Sym)):
            return node
        name = f"{prefix}{self._count}"
        self._count += 1
        self.lines.append((name, node))
        return ir.Sym(name)


@dataclass
class Coefficient:
    """A propagator entry, computed with numpy from the parameter values and the step ``h``."""

    compute: Callable[[dict, float], np.ndarray]
    what: str = ""


@dataclass
class Plan:
    """What an integrator produced: the update code, the new value of each variable, and the
    rows of the coefficient table (exact method) the code reads as ``_c0, _c1, ...``."""

    program: Program
    new: dict[str, ir.Node]
    coefficients: list[Coefficient] = field(default_factory=list)


def _fail(eq, method: str, why: str, allowed: str) -> EquationError:
    return EquationError(f"method {method!r} does not suit line {eq.line} ({eq.text!r}): {why}",
                         line=eq.line, column=eq.col, name=eq.name, allowed=allowed)


class _System:
    """The ODEs with their sub-expressions, and the symbol environment of the kernel."""

    def __init__(self, odes, subs, env, h, t, held=None, not_refractory=None):
        self.odes = odes            # list of EqLine (kind 'ode')
        self.subs = subs            # name -> EqLine, in dependency order
        self.env = env              # user name -> node at the start of the step
        self.h, self.t = h, t
        self.held = held or set()   # variables kept constant during the refractory period
        self.nr = not_refractory    # node: 1.0 outside the refractory period, 0.0 inside
        self.names = {e.name for e in odes}

    def needed_subs(self) -> list[str]:
        want: set[str] = set()
        stack = [n for e in self.odes for n in ir.names(e.expr)]
        while stack:
            n = stack.pop()
            if n in self.subs and n not in want:
                want.add(n)
                stack.extend(ir.names(self.subs[n].expr))
        return [n for n in self.subs if n in want]

    def derivatives(self, prog: Program, values: dict[str, ir.Node], t: ir.Node, stage: str,
                    scale_held: bool = False) -> dict[str, ir.Node]:
        env = dict(self.env)
        env.update(values)
        env["t"] = t
        for name in self.needed_subs():
            env[name] = prog.let(ir.substitute(self.subs[name].expr, env), f"_e{stage}_")
        out = {}
        for e in self.odes:
            k = ir.substitute(e.expr, env)
            if scale_held and e.name in self.held and self.nr is not None:
                k = ir.Bin("*", k, self.nr)
            out[e.name] = prog.let(k, f"_k{stage}_")
        return out

    def expand(self, name: str) -> ir.Node | None:
        """The tree of a sub-expression (for looking into it), else None."""
        sub = self.subs.get(name)
        return None if sub is None else sub.expr

    def inline(self, node: ir.Node) -> ir.Node:
        """``node`` with every sub-expression replaced by its tree (recursively)."""
        mapping = {}
        for name in self.subs:  # dependency order: earlier ones are already inlined
            mapping[name] = ir.substitute(self.subs[name].expr, mapping)
        return ir.substitute(node, mapping)


def _start(sys_: _System) -> dict[str, ir.Node]:
    return {e.name: sys_.env[e.name] for e in sys_.odes}


def _euler(sys_: _System) -> Plan:
    prog = Program()
    x0 = _start(sys_)
    k = sys_.derivatives(prog, {}, sys_.t, "1")
    new = {n: prog.let(ir.Bin("+", x0[n], ir.Bin("*", sys_.h, k[n])), "_n") for n in x0}
    return Plan(prog, new)


def _rk(sys_: _System, order: int) -> Plan:
    prog = Program()
    x0, h, t = _start(sys_), sys_.h, sys_.t

    def shifted(k, frac):
        step = ir.Bin("*", h, ir.Num(frac)) if frac != 1 else h
        return {n: prog.let(ir.Bin("+", x0[n], ir.Bin("*", step, k[n])), "_y") for n in x0}

    def at(frac):
        return prog.let(ir.Bin("+", t, ir.Bin("*", h, ir.Num(frac)) if frac != 1 else h), "_tt")

    k1 = sys_.derivatives(prog, {}, t, "1", True)
    if order == 2:
        k2 = sys_.derivatives(prog, shifted(k1, 0.5), at(0.5), "2", True)
        new = {n: prog.let(ir.Bin("+", x0[n], ir.Bin("*", h, k2[n])), "_n") for n in x0}
        return Plan(prog, new)
    k2 = sys_.derivatives(prog, shifted(k1, 0.5), at(0.5), "2", True)
    k3 = sys_.derivatives(prog, shifted(k2, 0.5), at(0.5), "3", True)
    k4 = sys_.derivatives(prog, shifted(k3, 1.0), at(1.0), "4", True)
    new = {}
    for n in x0:
        s = ir.Bin("+", ir.Bin("+", ir.Bin("+", k1[n], ir.Bin("*", ir.Num(2.0), k2[n])),
                               ir.Bin("*", ir.Num(2.0), k3[n])), k4[n])
        new[n] = prog.let(ir.Bin("+", x0[n], ir.Bin("*", ir.Bin("/", h, ir.Num(6.0)), s)), "_n")
    return Plan(prog, new)


def _exponential_euler(sys_: _System) -> Plan:
    prog = Program()
    x0 = _start(sys_)
    coefs = {}
    for e in sys_.odes:
        split = ir.linear(e.expr, {e.name}, sys_.expand)
        if split is None:
            raise _fail(e, "exponential_euler", f"d{e.name}/dt is not linear in {e.name}",
                        "equations of the form dx/dt = A x + B (A, B free of x); use 'euler', 'rk2' or 'rk4'")
        coefs[e.name] = split[0].get(e.name, ir.Num(0.0))
    env = dict(sys_.env)
    env["t"] = sys_.t
    for name in sys_.needed_subs():
        env[name] = prog.let(ir.substitute(sys_.subs[name].expr, env), "_e1_")
    new = {}
    for e in sys_.odes:
        k = prog.let(ir.substitute(e.expr, env), "_k1_")
        a = coefs[e.name]
        if isinstance(a, ir.Num) and a.value == 0:
            new[e.name] = prog.let(ir.Bin("+", x0[e.name], ir.Bin("*", sys_.h, k)), "_n")
            continue
        ah = prog.let(ir.Bin("*", ir.substitute(a, env), sys_.h), "_a")
        step = ir.Bin("*", ir.Bin("*", sys_.h, k), ir.Call("exprel", [ah]))
        new[e.name] = prog.let(ir.Bin("+", x0[e.name], step), "_n")
    return Plan(prog, new)


def _exact(sys_: _System, params: set[str], constants: set[str]) -> Plan:
    prog = Program()
    names = sys_.names
    allowed_coef = params | constants
    rows: list[Coefficient] = []
    lin = {}
    for e in sys_.odes:
        f = sys_.inline(e.expr)
        split = ir.linear(f, names)
        if split is None:
            raise _fail(e, "exact", f"d{e.name}/dt is not linear in the variables {sorted(names)}",
                        "linear equations with constant coefficients; use 'exponential_euler', 'rk4' or 'euler'")
        coef, rest = split
        for var, c in coef.items():
            bad = ir.names(c) - allowed_coef
            if bad:
                raise _fail(e, "exact", f"the coefficient of {var} depends on {sorted(bad)}, which is not constant",
                            "coefficients made of parameters and numbers; use 'exponential_euler' or 'rk4'")
        bad = ir.names(rest) & (names | {"t"})
        if bad:
            raise _fail(e, "exact", f"the term '{ir.source(rest)}' depends on {sorted(bad)}",
                        "a constant (parameter or input) term besides the linear ones; use 'rk4'")
        lin[e.name] = (f, coef, rest)
    # connected groups of variables
    order = [e.name for e in sys_.odes]
    group = {n: {n} for n in order}
    for n in order:
        for m in lin[n][1]:
            if m != n and not (isinstance(lin[n][1][m], ir.Num) and lin[n][1][m].value == 0):
                merged = group[n] | group[m]
                for k in merged:
                    group[k] = merged
    done: set[str] = set()
    new: dict[str, ir.Node] = {}
    env = dict(sys_.env)
    for n in order:
        if n in done:
            continue
        members = [m for m in order if m in group[n]]
        done.update(members)
        if len(members) == 1:
            new[n] = _exact_one(prog, sys_, n, lin[n], env, rows)
        else:
            new.update(_exact_many(prog, sys_, members, lin, env, rows, params | constants))
    return Plan(prog, new, rows)


def _exact_one(prog, sys_, name, lin, env, rows) -> ir.Node:
    f, coef, rest = lin
    a = coef.get(name, ir.Num(0.0))
    x = sys_.env[name]
    if isinstance(a, ir.Num) and a.value == 0:
        return prog.let(ir.Bin("+", x, ir.Bin("*", sys_.h, ir.substitute(rest, env))), "_n")
    denominator = None
    if isinstance(f, ir.Bin) and f.op == "/" and not (ir.names(f.b) & sys_.names):
        inner = ir.linear(f.a, sys_.names)
        if inner is not None and set(inner[0]) <= {name}:
            a, rest = inner[0].get(name, ir.Num(0.0)), inner[1]
            denominator = f.b
    if isinstance(a, ir.Num) and a.value == -1:
        x_inf = rest
        rate_h = ir.Neg(ir.Sym("dt"))
    elif isinstance(a, ir.Num) and a.value == 1:
        x_inf = ir.simplify(ir.Neg(rest))
        rate_h = ir.Sym("dt")
    else:
        x_inf = ir.simplify(ir.Bin("/", ir.Neg(rest), a))
        rate_h = ir.Bin("*", a, ir.Sym("dt"))
    if denominator is not None:
        rate_h = ir.Bin("/", rate_h, denominator)
    a_node = a

    def compute(values, h, rate_h=rate_h, a_node=a_node, name=name):
        env_ = dict(values)
        env_["dt"] = h
        with np.errstate(all="ignore"):
            av = np.asarray(ir.evaluate(a_node, env_), dtype=np.float64)
            out = np.exp(np.asarray(ir.evaluate(rate_h, env_), dtype=np.float64))
        if np.any(av == 0) or not np.all(np.isfinite(out)):
            raise EquationError(f"method 'exact': the coefficient of {name} in d{name}/dt is 0 or not finite for "
                                "these parameter values (a pure integrator or a division by zero)", name=name,
                                allowed="a non-zero coefficient from finite parameters")
        return out

    k = len(rows)
    rows.append(Coefficient(compute, f"exp(a h) of {name}"))
    inf = prog.let(ir.substitute(x_inf, env), "_inf")
    return prog.let(ir.Bin("+", inf, ir.Bin("*", ir.Bin("-", x, inf), ir.Sym(f"_c{k}"))), "_n")


def _exact_many(prog, sys_, members, lin, env, rows, constant_names) -> dict[str, ir.Node]:
    n = len(members)
    coef_trees = [[lin[r][1].get(c, ir.Num(0.0)) for c in members] for r in members]
    cache: dict = {}
    # a constant term N / D with D made of parameters: the kernel computes N, the propagator's column
    # is divided by D once per dt (no division per neuron and step)
    rest_nodes, divisors = [], []
    for m in members:
        rest = lin[m][2]
        if isinstance(rest, ir.Bin) and rest.op == "/" and ir.names(rest.b) <= constant_names:
            rest_nodes.append(rest.a)
            divisors.append(rest.b)
        else:
            rest_nodes.append(rest)
            divisors.append(None)

    def propagators(values, h):
        key = (id(values), h)
        if key not in cache:
            cache.clear()
            with np.errstate(all="ignore"):
                entries = [[np.asarray(ir.evaluate(t, values), dtype=np.float64) for t in row] for row in coef_trees]
            width = max(max(e.size for e in row) for row in entries)
            M = np.zeros((width, n, n))
            for i in range(n):
                for j in range(n):
                    M[:, i, j] = np.broadcast_to(entries[i][j], (width,))
            A = np.zeros((width, 2 * n, 2 * n))
            A[:, :n, :n] = M * h
            A[:, :n, n:] = np.eye(n) * h
            E = expm(A)
            if not np.all(np.isfinite(E)):
                raise EquationError(f"method 'exact': the propagator of {members} is not finite for these "
                                    "parameter values", name=members[0], allowed="finite parameters")
            Psi = E[:, :n, n:].copy()
            for j, d in enumerate(divisors):
                if d is not None:
                    with np.errstate(all="ignore"):
                        Psi[:, :, j] /= np.broadcast_to(np.asarray(ir.evaluate(d, values), dtype=np.float64),
                                                        (width,))[:, None]
            cache[key] = (E[:, :n, :n], Psi)
        return cache[key]

    base = len(rows)
    for kind in (0, 1):
        for i in range(n):
            for j in range(n):
                rows.append(Coefficient(lambda values, h, kind=kind, i=i, j=j: propagators(values, h)[kind][:, i, j],
                                        f"propagator {members[i]} <- {members[j]}"))
    rests = [prog.let(ir.substitute(r, env), "_r") for r in rest_nodes]
    out = {}
    for i, m in enumerate(members):
        total: ir.Node | None = None
        for j in range(n):
            term = ir.Bin("*", ir.Sym(f"_c{base + i * n + j}"), sys_.env[members[j]])
            total = term if total is None else ir.Bin("+", total, term)
        for j in range(n):
            if isinstance(rests[j], ir.Num) and rests[j].value == 0:
                continue
            total = ir.Bin("+", total, ir.Bin("*", ir.Sym(f"_c{base + n * n + i * n + j}"), rests[j]))
        out[m] = prog.let(total, "_n")
    return out


def integrate(method: str, odes, subs, env, h, t, *, params: set[str], constants: set[str], held=None,
              not_refractory=None) -> Plan:
    """Build the update code of ``method`` for ``odes`` (see the module docstring)."""
    if method not in METHODS:
        raise EquationError(f"method must be one of {METHODS}, got {method!r}", name="method",
                            allowed=", ".join(METHODS))
    sys_ = _System(odes, subs, env, h, t, held, not_refractory)
    if not odes:
        return Plan(Program(), {})
    if method == "euler":
        return _euler(sys_)
    if method == "rk2":
        return _rk(sys_, 2)
    if method == "rk4":
        return _rk(sys_, 4)
    if method == "exponential_euler":
        return _exponential_euler(sys_)
    return _exact(sys_, params, constants)
