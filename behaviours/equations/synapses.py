"""``SynapticEquations``: per-synapse state and event statements, compiled like ``Equations``."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import EquationError
from pymonn.init_strings import make_array
from pymonn.synapse_group import SynapseGroup

from .._precision import compiled_entry
from ..synapses._base import ensure_connectivity, is_sparse, read_backend, require_synapse_group
from . import ir
from .cache import cache_folder, load_module, record_compiled
from .check import check_division
from .codegen_synapses import Pathway, synapse_source
from .model import check_statement_units, first_use, is_quantity, unit_names, value_of
from .parse import parse_equations, parse_statements
from .units import DIMENSIONLESS, TIME, unit_value

__all__ = ["SynapticEquations"]

#: synapse-group attributes that synaptic variables may not replace
_TAKEN = ("W", "src", "dst", "csr", "mask", "delay", "network", "tags", "behaviours", "size", "shape")


class SynapticEquations(Behaviour):
    r"""Synapses whose state and events are written as equations and statements (Brian2's style).

    .. code-block:: python

        SynapticEquations('''
            dApre/dt = -Apre/tau_pre : 1 (event-driven)
            dApost/dt = -Apost/tau_post : 1 (event-driven)
        ''', on_pre='Apre += 1; w = clip(w - A_minus*w_max*Apost, 0, w_max)',
             on_post='Apost += 1; w = clip(w + A_plus*w_max*Apre, 0, w_max)',
             tau_pre=20.0, tau_post=20.0, A_plus=0.005, A_minus=0.00525, w_max=1.0, p=0.1, weight=0.5)

    Names in the statements: ``w`` (the group's weights ``sg.W``), the synaptic variables
    (equations ``dx/dt = ... (event-driven)`` and declarations ``x : unit``, one value per synapse,
    initial values from the keywords), parameters (keywords, shared), ``t`` and ``dt``, and
    variables of the neurons: ``v_pre`` (source), ``v_post`` (destination), and an unsuffixed name
    that is none of the above means the destination's (``I_syn += w``; ``I`` is the destination's
    accumulator of this step). An event-driven variable obeys a linear equation with constant
    coefficients (``dx/dt = -x/tau``, ``dx/dt = (x0 - x)/tau``) and is brought up to the time of
    each event exactly, ``x <- x_inf + (x - x_inf) exp(a (t - lastupdate))``.

    Each step, ``on_pre`` runs for every synapse of each source neuron that fired, then ``on_post``
    for every synapse of each destination neuron that fired, each synapse once per pathway, in the
    order of the connectivity. A neuron variable written in a pathway may not be read in it (the
    order of the synapses would then matter); write it with ``+=`` (or ``-=``, ``*=``, ``=``).

    Timing: the default key 20 (the library's transmission) sees the spikes of the previous step,
    so ``I_syn += w`` reaches the destination's model in the step after the spike, as the
    library's synapses do; at key 40 (plasticity) both pathways see the current step's spikes,
    as the library's ``STDP`` does. Spike times are those of the step (``t = iteration * dt``).

    Parameters
    ----------
    equations : str, optional
        Synaptic variables: ``dx/dt = ... (event-driven)`` and ``x : unit`` lines.
    on_pre, on_post : str, optional
        Statements run per synapse for source / destination spikes.
    mode, p, indegree, outdegree, i, j, W, weight, allow_self
        Connectivity (see :mod:`pymonn.behaviours.synapses._base`), dense or sparse (CSR).
    cache_dir, backend
        As for :class:`~pymonn.behaviours.equations.Equations`.
    **params
        Parameters (numbers, numbers with units) and initial values of synaptic variables
        (numbers, init strings or one value per synapse; 0 unless given).

    Variables written on the synapse group
    --------------------------------------
    Every synaptic variable (network dtype, laid out as ``sg.W``), ``lastupdate`` (ms, float64,
    with event-driven variables), ``W`` and the neuron variables the statements write.
    """

    default_key = 20

    def __init__(self, equations: str = "", on_pre: str | None = None, on_post: str | None = None, **params: Any):
        super().__init__(**params)
        self.equations = equations
        self._lines = parse_equations(equations, "SynapticEquations") if equations.strip() else []
        for line in self._lines:
            if line.kind == "ode" and "event-driven" not in line.flags:
                raise EquationError(f"SynapticEquations, line {line.line}: synaptic differential equations must be "
                                    "'(event-driven)'; write clock-driven state on the neurons (Equations)",
                                    line=line.line, name=line.name, allowed="'dx/dt = -x/tau (event-driven)'")
            if line.kind == "sub":
                raise EquationError(f"SynapticEquations, line {line.line}: sub-expressions are not supported in "
                                    "synaptic equations", line=line.line, name=line.name,
                                    allowed="event-driven equations and declarations")
        self.on_pre, self.on_post = on_pre, on_post
        self._pre = parse_statements(on_pre, "on_pre")
        self._post = parse_statements(on_post, "on_post")
        if not self._pre and not self._post:
            raise EquationError("SynapticEquations needs on_pre or on_post statements", name="on_pre",
                                allowed="e.g. on_pre='I_syn += w'")

    def initialize(self, sg: SynapseGroup) -> None:
        require_synapse_group(self, sg)
        what = f"SynapticEquations on {sg.describe()}"
        self.backend = read_backend(self, sg)
        ensure_connectivity(self, sg)
        if sg.delay is not None:
            raise EquationError(f"{what}: axonal delays are not supported by SynapticEquations (yet)", name="delay",
                                allowed="no 'delay'; use a library synapse for delayed transmission")
        self.sparse = is_sparse(sg)
        odes = [ln for ln in self._lines if ln.kind == "ode"]
        decls = {ln.name: ln for ln in self._lines if ln.kind == "decl"}
        kwargs = dict.keys(self.init_kwargs)
        syn = list(dict.fromkeys(["w"] + [e.name for e in odes] + [n for n in decls if n != "w"]))
        for name in syn[1:]:
            if name in _TAKEN or hasattr(type(sg), name) or unit_value(name) is not None or name in ("t", "dt"):
                raise EquationError(f"{what}: the synaptic variable {name!r} would replace the group's attribute "
                                    "or a unit", name=name, allowed="another name")
        trees = [s.expr for s in self._pre + self._post] + [e.expr for e in odes]
        used = set().union(*(ir.names(t) for t in trees)) if trees else set()
        used |= {s.target for s in self._pre + self._post}
        params = sorted(n for n in used if n in kwargs and n not in syn)
        units = {n for n in unit_names(trees) if n not in kwargs and n not in syn}
        pre_vars: list[str] = []
        post_vars: list[str] = []
        roles: dict[str, tuple[str, int]] = {}
        for name in sorted(used):
            if name in syn:
                roles[name] = ("y", syn.index(name))
            elif name in params:
                roles[name] = ("p", params.index(name))
            elif name in ("t", "dt") or name in units:
                continue
            elif name.endswith("_pre") and len(name) > 4:
                roles[name] = ("a", len(pre_vars))
                pre_vars.append(name[:-4])
            else:
                base = name[:-5] if name.endswith("_post") and len(name) > 5 else name
                if base != "I" and not _has_variable(sg.dst, base) and _declared(sg.dst, base) is None:
                    line, col = first_use(name, trees)
                    raise EquationError(
                        f"{what}: unknown name {name!r}" + (f" (line {line}, column {col})" if line else "")
                        + f"; {sg.dst.describe()} has no variable {base!r} (initialize its model first: give it a "
                        "smaller key) and no keyword gives it", name=name, line=line, column=col,
                        allowed=f"synaptic variables {syn}, parameters, x_pre / x_post / x for neuron variables")
                roles[name] = ("b", len(post_vars))
                post_vars.append(base)
        for name in pre_vars:
            if not _has_variable(sg.src, name) and _declared(sg.src, name) is None:
                raise EquationError(f"{what}: {sg.src.describe()} has no variable {name!r} (for '{name}_pre')",
                                    name=f"{name}_pre", allowed="a per-neuron array of the source group")
        # units
        dims: dict[str, Any] = {"t": TIME, "dt": TIME}
        values: dict[str, np.ndarray] = {}
        for name in params:
            decl = decls.get(name)
            values[name], d = value_of(what, name, self.init_kwargs[name], decl.unit if decl else None,
                                       _number_only(what, name), 1)
            dims[name] = d or DIMENSIONLESS
        for name in units:
            dims[name] = unit_value(name)[1]
        units_used = (any(ln.unit is not None for ln in self._lines) or bool(units)
                      or any(is_quantity(dict.get(self.init_kwargs, n)) for n in params))
        for name in syn:
            decl = decls.get(name) or next((e for e in odes if e.name == name), None)
            dims[name] = decl.unit[1] if decl is not None and decl.unit is not None else DIMENSIONLESS
        for name, (kind, _) in roles.items():
            if kind in "ab":
                decl = decls.get(name)
                dims[name] = decl.unit[1] if decl is not None and decl.unit is not None else _neuron_dim(
                    sg.src if kind == "a" else sg.dst, name[:-4] if kind == "a" else
                    (name[:-5] if name.endswith("_post") else name))
        numbers = {**values, **{n: unit_value(n)[0] for n in units}}
        # event-driven equations: exact between events
        env = {n: ir.Sym(f"_{k}{j}") for n, (k, j) in roles.items()}
        env.update({n: ir.Num(unit_value(n)[0]) for n in units})
        env["dt"] = ir.Num(float(sg.dt))
        events = []
        for e in odes:
            split = ir.linear(e.expr, {e.name})
            if split is None or set(ir.names(split[0].get(e.name, ir.Num(0.0)))) - set(params) - units \
                    or ir.names(split[1]) - set(params) - units:
                raise EquationError(f"{what}, line {e.line}: an event-driven equation must be linear in its own "
                                    f"variable with constant coefficients ({e.text!r})", line=e.line, column=e.col,
                                    name=e.name, allowed="dx/dt = -x/tau or dx/dt = (x0 - x)/tau")
            a, b = split[0].get(e.name, ir.Num(0.0)), split[1]
            if isinstance(a, ir.Num) and a.value == 0:
                raise EquationError(f"{what}, line {e.line}: d{e.name}/dt does not depend on {e.name}; an "
                                    "event-driven variable must relax (dx/dt = -x/tau)", line=e.line, name=e.name,
                                    allowed="dx/dt = -x/tau")
            check_division(e.expr, numbers, f"{what}, line {e.line}")
            if units_used:
                from .model import check_units

                check_units(what, [e], {}, dims)
            x_inf = ir.simplify(ir.Bin("/", ir.Neg(b), a))
            events.append((syn.index(e.name), ir.substitute(x_inf, env), ir.substitute(a, env)))
        pathways = []
        for side, stmts in (("pre", self._pre), ("post", self._post)):
            if not stmts:
                continue
            written = {s.target for s in stmts if roles.get(s.target, ("",))[0] in "ab"}
            for s in stmts:
                kind = roles.get(s.target, ("?",))[0]
                if kind == "p" or s.target in ("t", "dt"):
                    raise EquationError(f"on_{side}, line {s.line}: {s.target!r} is a parameter, read-only",
                                        line=s.line, column=s.col, name=s.target,
                                        allowed="w, synaptic variables and neuron variables")
                clash = ir.names(s.expr) & written
                if clash:
                    raise EquationError(
                        f"on_{side}, line {s.line}: {sorted(clash)} is written by this pathway and may not be read "
                        "in it (the order of the synapses would change the result)", line=s.line, column=s.col,
                        name=sorted(clash)[0], allowed="neuron variables written only (+=, -=, *=, =)")
                check_division(s.expr, numbers, f"on_{side}")
                if units_used:
                    check_statement_units(f"on_{side}", s, dims)
            reads = set().union(*(ir.names(s.expr) for s in stmts))
            touched = {e[0] for e in events}
            syn_writes = sorted(touched | {roles[s.target][1] for s in stmts if roles[s.target][0] == "y"})
            syn_reads = sorted(set(syn_writes) | {roles[n][1] for n in reads if roles.get(n, ("",))[0] == "y"})
            pathways.append(Pathway(
                name=f"on_{side}", side=side, n_syn=len(syn), n_pre=len(pre_vars), n_post=len(post_vars),
                n_param=len(params), events=events,
                statements=[(roles[s.target][0], roles[s.target][1], s.op, ir.substitute(s.expr, env))
                            for s in stmts],
                pre_reads=sorted({roles[n][1] for n in reads if roles.get(n, ("",))[0] == "a"}),
                post_reads=sorted({roles[n][1] for n in reads if roles.get(n, ("",))[0] == "b"}),
                syn_reads=syn_reads, syn_writes=syn_writes))
        self.source = synapse_source(pathways)
        self._module = load_module(self.source, cache_folder(self.parameter("cache_dir", None)))
        suffix = ("_sparse" if self.sparse else "_dense") + ("" if self.backend == "numba" else "_numpy")
        self._calls = [(p.side, getattr(self._module, p.name + suffix)) for p in pathways]
        # state
        self.synaptic_names, self.parameter_names = syn, params
        self.pre_names, self.post_names = pre_vars, post_vars
        self.P = np.array([values[n][0] for n in params], dtype=sg.dtype) if params else np.zeros(1, sg.dtype)
        for name in syn[1:]:
            raw = self.init_kwargs[name] if name in kwargs else 0.0
            setattr(sg, name, self._initial(sg, name, raw, decls.get(name)))
        if events:
            sg.lastupdate = np.zeros(sg.W.shape, dtype=np.float64, order="F" if not self.sparse else "C")
        self._lu = events != []
        self._empty_lu = np.zeros((1,) * sg.W.ndim, dtype=np.float64)
        self._idx = np.zeros(max(sg.src.size, sg.dst.size), dtype=np.int64)
        if self.sparse:
            csr = sg.csr
            ptr, ind = csr.indptr, csr.indices
            if (ptr.shape != (sg.src.size + 1,) or ptr[0] != 0 or ptr[-1] != ind.shape[0] or np.any(np.diff(ptr) < 0)
                    or (ind.size and (ind.min() < 0 or ind.max() >= sg.dst.size))):
                raise EquationError(f"{what}: the CSR connectivity is inconsistent (row pointers or destination "
                                    "indices out of range)", name="W", allowed="a CSR from the source to the destination")
            self._conn = (ptr, ind) + csr.post_index()
        else:
            mask = sg.mask if sg.mask is not None else np.zeros((0, 0), dtype=bool)
            self._conn = (np.asfortranarray(mask),)
        self._seen: tuple = ()
        self._entries: list = []
        if self.backend == "numba":
            self._compile(sg)

    def _initial(self, sg: SynapseGroup, name: str, raw: Any, decl) -> np.ndarray:
        shape = sg.W.shape
        order = "F" if not self.sparse else "C"
        if isinstance(raw, str) and is_quantity(raw):
            value, _ = value_of(f"SynapticEquations on {sg.describe()}", name, raw, decl.unit if decl else None,
                                _number_only("SynapticEquations", name), 1)
            raw = float(value[0])
        elif decl is not None and decl.unit is not None and isinstance(raw, (int, float)):
            raw = float(raw) * decl.unit[0]
        try:
            arr = make_array(raw, shape, sg.rng, sg.dtype, order=order)
        except Exception as exc:  # noqa: BLE001  (init-string errors name the variable)
            raise EquationError(f"SynapticEquations on {sg.describe()}: initial value of {name!r}: {exc}",
                                name=name, allowed="a number, an init string or one value per synapse") from None
        return np.asarray(arr, dtype=sg.dtype, order=order)

    def _arrays(self, sg: SynapseGroup) -> tuple:
        syn = [sg.W] + [sg.__dict__[n] for n in self.synaptic_names[1:]]
        pre = [sg.src.__dict__[n] for n in self.pre_names]
        post = [sg.dst.accumulator("I") if n == "I" else sg.dst.__dict__[n] for n in self.post_names]
        lu = sg.__dict__["lastupdate"] if self._lu else self._empty_lu
        return syn, pre, post, lu

    def _check_arrays(self, sg: SynapseGroup, syn, pre, post, lu) -> None:
        """The kernels index without bounds checks: every array must keep its shape and layout."""
        layout = "C_CONTIGUOUS" if self.sparse else "F_CONTIGUOUS"
        wants = [(n, a, sg.W.shape, layout) for n, a in zip(self.synaptic_names, syn, strict=True)]
        wants += [(f"{n}_pre", a, (sg.src.size,), "C_CONTIGUOUS") for n, a in zip(self.pre_names, pre, strict=True)]
        wants += [(n, a, (sg.dst.size,), "C_CONTIGUOUS") for n, a in zip(self.post_names, post, strict=True)]
        wants += [("fired (source)", sg.src.fired, (sg.src.size,), "C_CONTIGUOUS"),
                  ("fired (destination)", sg.dst.fired, (sg.dst.size,), "C_CONTIGUOUS")]
        if self._lu:
            wants.append(("lastupdate", lu, sg.W.shape, layout))
        expected_w = (sg.csr.nnz,) if self.sparse else (sg.dst.size, sg.src.size)
        for name, a, shape, flag in wants:
            ok = (isinstance(a, np.ndarray) and a.shape == shape and a.flags[flag] and a.flags.writeable
                  and a.dtype.kind in "fb" and shape[0] == (expected_w[0] if name in self.synaptic_names else shape[0]))
            if not ok:
                got = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                raise EquationError(f"SynapticEquations on {sg.describe()}: {name!r} must be a writeable array of shape "
                                    f"{shape}, got {got}; assign into it with [:] = values", name=name,
                                    allowed=f"an array of shape {shape}")

    def _compile(self, sg: SynapseGroup) -> None:
        """Compile the pathways before the first step (the neurons' arrays may not exist yet: their
        models can initialize after this synapse; arrays of the same types stand in)."""
        syn = [sg.W] + [sg.__dict__[n] for n in self.synaptic_names[1:]]
        pre = [np.zeros(0, dtype=sg.src.dtype) for _ in self.pre_names]
        post = [np.zeros(0, dtype=sg.dst.dtype) for _ in self.post_names]
        lu = sg.__dict__["lastupdate"] if self._lu else self._empty_lu
        for side, fn in self._calls:
            fired = np.zeros((sg.src if side == "pre" else sg.dst).size, dtype=bool)
            fn(fired, self._idx, *self._conn, *syn, *pre, *post, lu, self.P, 0.0)
        record_compiled(self._module)

    def iteration(self, sg: SynapseGroup) -> None:
        syn, pre, post, lu = self._arrays(sg)
        t = sg.network._iteration * (sg._dt or sg.network._dt)
        arrays = [sg.src.fired, sg.dst.fired, *syn, *pre, *post, lu]
        seen = self._seen
        same = len(seen) == len(arrays)
        if same:
            for a, b in zip(arrays, seen, strict=False):
                if a is not b:
                    same = False
                    break
        if same:  # the same arrays as last time: skip numba's type dispatch
            tail = (*syn, *pre, *post, lu, self.P, t)
            for fired, entry in self._entries:
                entry(fired, self._idx, *self._conn, *tail)
            return
        self._check_arrays(sg, syn, pre, post, lu)
        entries = []
        for side, fn in self._calls:
            fired = sg.src.fired if side == "pre" else sg.dst.fired
            args = (fired, self._idx, *self._conn, *syn, *pre, *post, lu, self.P, t)
            fn(*args)
            entries.append((fired, compiled_entry(fn, args) or fn))
        self._entries, self._seen = entries, arrays


def _has_variable(group: Any, name: str) -> bool:
    value = group.__dict__.get(name)
    return isinstance(value, np.ndarray) and value.shape == (group.size,) and value.dtype.kind == "f"


def _declared(group: Any, name: str):
    """The line of an equations model on ``group`` that defines or declares ``name`` (or None), so that
    a synapse can refer to it before that model has initialized."""
    for b in group.behaviours.values():
        for line in getattr(b, "_lines", ()) if type(b).__name__ == "Equations" else ():
            if line.name == name and line.kind in ("ode", "decl"):
                return line
    return None


def _neuron_dim(group: Any, name: str):
    line = _declared(group, name)
    return line.unit[1] if line is not None and line.unit is not None else DIMENSIONLESS


def _number_only(what: str, name: str):
    def refuse(text: str):
        raise EquationError(f"{what}: parameter {name!r} must be a number or a number with a unit, got {text!r}",
                            name=name, allowed="a number or '20 ms'")
    return refuse
