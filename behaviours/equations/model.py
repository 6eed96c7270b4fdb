"""What neuron and synapse equations share: parameter values with units, name checks, dimensions."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from pymonn.errors import EquationError

from . import ir
from .check import dimension
from .parse import EqLine, parse_quantity
from .units import DIMENSIONLESS, TIME, Dim, describe_dim, unit_value

__all__ = ["value_of", "order_subs", "check_units", "is_quantity", "first_use"]


def is_quantity(raw: Any) -> bool:
    """Whether a keyword value is a number with a unit (``'20 ms'``)."""
    return isinstance(raw, str) and parse_quantity(raw, "") is not None


def value_of(owner: str, name: str, raw: Any, declared: tuple[float, Dim] | None, evaluate, size: int,
             check: str | None = None) -> tuple[np.ndarray, Dim | None]:
    """A keyword value as float64 (length 1, or ``size``) and its dimension (None: no unit given).

    ``raw`` may be a number, a number with a unit (``'20 ms'``, converted into pymonn's units), an
    init string (``evaluate(text)`` gives one value per element) or an array. With a declared unit
    (``tau : second``) a plain number is in that unit.
    """
    scale, dim = declared if declared is not None else (1.0, None)
    if isinstance(raw, (bool, np.bool_)) or raw is None:
        raise EquationError(f"{owner}: {name!r} must be a number, a number with a unit, an init string or "
                            f"one value per element, got {raw!r}", name=name, allowed="a number or '20 ms'")
    if isinstance(raw, str):
        q = parse_quantity(raw, f"{owner}: {name!r}")
        if q is not None:
            value, given = q
            if dim is not None and given != dim:
                raise EquationError(f"{owner}: {name!r} is declared with dimension {describe_dim(dim)} but "
                                    f"given as {raw!r}, dimension {describe_dim(given)}", name=name,
                                    allowed=f"a value in {describe_dim(dim)}")
            arr, dim = np.array([value]), given
        else:
            arr = np.asarray(evaluate(raw), dtype=np.float64).reshape(-1) * scale
    elif isinstance(raw, numbers.Real):
        arr = np.array([float(raw) * scale])
    else:
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise EquationError(f"{owner}: {name!r} must be a number, a string or {size} values, got "
                                f"{type(raw).__name__}", name=name, allowed="a number or an array") from None
        arr = arr.reshape(1) if arr.ndim == 0 else arr
        if arr.shape not in ((1,), (size,)):
            raise EquationError(f"{owner}: {name!r} must be one value or {size} values, got shape {arr.shape}",
                                name=name, allowed=f"shape (1,) or ({size},)")
        arr = arr * scale
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if arr.size > 1 and np.all(arr == arr[0]):
        arr = arr[:1].copy()
    if not np.all(np.isfinite(arr)):
        raise EquationError(f"{owner}: {name!r} must be finite, got {raw!r}", name=name, allowed="finite values")
    if check == "non-negative" and np.any(arr < 0):
        raise EquationError(f"{owner}: {name!r} must not be negative, got {raw!r}", name=name,
                            allowed="a non-negative value")
    return arr, dim


def order_subs(subs: dict[str, EqLine], what: str) -> dict[str, EqLine]:
    """Sub-expressions in an order in which each comes after the ones it uses (cycles refused)."""
    done: dict[str, EqLine] = {}
    visiting: set[str] = set()

    def visit(name: str, chain: list[str]) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = " -> ".join(chain + [name])
            raise EquationError(f"{what}, line {subs[name].line}: the sub-expressions refer to each other in a "
                                f"circle ({cycle})", line=subs[name].line, name=name,
                                allowed="sub-expressions that can be computed one after another")
        visiting.add(name)
        for dep in sorted(ir.names(subs[name].expr)):
            if dep in subs:
                visit(dep, chain + [name])
        visiting.discard(name)
        done[name] = subs[name]

    for name in subs:
        visit(name, [])
    return done


def first_use(name: str, nodes) -> tuple[int | None, int | None]:
    """(line, column) of the first symbol ``name`` in the trees, for messages."""
    for node in nodes:
        for n in ir.walk(node):
            if isinstance(n, ir.Sym) and n.name == name and n.pos is not None:
                return n.pos[0] or None, n.pos[1]
    return None, None


def check_units(what: str, odes, subs: dict[str, EqLine], dims: dict[str, Dim]) -> None:
    """Every ODE, sub-expression and its declared unit dimensionally consistent; fills in the
    dimensions of the sub-expressions."""
    for name, sub in subs.items():
        d = dimension(sub.expr, dims, f"{what}, line {sub.line}")
        d = DIMENSIONLESS if not isinstance(d, Dim) else d
        if sub.unit is not None and d != sub.unit[1] and ir.names(sub.expr):
            raise EquationError(
                f"{what}, line {sub.line}: '{ir.source(sub.expr)}' has dimension {describe_dim(d)} but {name} is "
                f"declared as {sub.unit_text} ({describe_dim(sub.unit[1])})", line=sub.line, column=sub.col,
                name=ir.source(sub.expr), allowed=f"an expression in {describe_dim(sub.unit[1])}")
        dims[name] = sub.unit[1] if sub.unit is not None else d
    for eq in odes:
        d = dimension(eq.expr, dims, f"{what}, line {eq.line}")
        want = dims[eq.name] / TIME
        if isinstance(d, Dim) and d != want:
            raise EquationError(
                f"{what}, line {eq.line}: d{eq.name}/dt has dimension {describe_dim(want)} but "
                f"'{ir.source(eq.expr)}' has {describe_dim(d)} (names without a unit are dimensionless: give "
                "parameters as '20 ms' or declare them, 'tau : ms')", line=eq.line, column=eq.col,
                name=ir.source(eq.expr), allowed=f"a right-hand side in {describe_dim(want)}")


def check_statement_units(what: str, stmt, dims: dict[str, Dim]) -> None:
    d = dimension(stmt.expr, dims, f"{what}, line {stmt.line}")
    target = dims[stmt.target]
    if not isinstance(d, Dim):
        return
    want = DIMENSIONLESS if stmt.op in ("*=", "/=") else target
    if d != want:
        raise EquationError(
            f"{what}, line {stmt.line}: '{stmt.text}' gives {stmt.target} ({describe_dim(target)}) a value "
            f"'{ir.source(stmt.expr)}' of dimension {describe_dim(d)}", line=stmt.line, column=stmt.col,
            name=ir.source(stmt.expr), allowed=f"an expression in {describe_dim(want)}")


def unit_names(nodes) -> set[str]:
    """Symbols in the trees that are unit names."""
    return {n for node in nodes for n in ir.names(node) if unit_value(n) is not None}
