"""Dimensional analysis of validated trees.

:func:`dimension` returns the dimension of an expression, given the dimension of every name, or
raises :class:`~pymonn.errors.EquationError` naming the line, the term and the two dimensions
that do not fit. The literal 0 fits any dimension (``v > 0``, ``clip(w, 0, w_max)``); every other
bare number is dimensionless, so ``v > 30`` with ``v`` in mV is refused and ``v > 30*mV`` accepted.
"""

from __future__ import annotations

from pymonn.errors import EquationError

from . import ir
from .units import DIMENSIONLESS, Dim, describe_dim

__all__ = ["dimension", "ANY", "check_division"]


class _Any:
    """The dimension of the literal 0: compatible with every dimension."""

    def __repr__(self) -> str:
        return "any"


ANY = _Any()

_SAME_DIM_FUNCS = {"abs", "floor", "ceil"}
_PAIR_FUNCS = {"minimum", "maximum", "min", "max"}


def _where(node: ir.Node, what: str) -> tuple[str, int | None, int | None]:
    if node.pos is None:
        return what, None, None
    line, col, _ = node.pos
    return (f"{what}, line {line}, column {col}" if line else f"{what}, column {col}"), line or None, col


def _mismatch(what: str, node: ir.Node, a: ir.Node, da, b: ir.Node, db, why: str) -> EquationError:
    where, line, col = _where(node, what)
    return EquationError(
        f"{where}: {why}: '{ir.source(a)}' has dimension {describe_dim(da)} but '{ir.source(b)}' has "
        f"{describe_dim(db)}", line=line, column=col, name=ir.source(a),
        allowed="terms of one dimension in sums, comparisons and branches")


def _join(what, node, a, da, b, db, why):
    if da is ANY:
        return db
    if db is ANY or da == db:
        return da
    raise _mismatch(what, node, a, da, b, db, why)


def _dimensionless(what: str, node: ir.Node, arg: ir.Node, d, fn: str) -> None:
    if d is not ANY and d != DIMENSIONLESS:
        where, line, col = _where(node, what)
        raise EquationError(f"{where}: the argument of {fn}() must be dimensionless, but '{ir.source(arg)}' "
                            f"has dimension {describe_dim(d)}", line=line, column=col, name=ir.source(arg),
                            allowed="a dimensionless argument (divide by a quantity of the same unit)")


def dimension(node: ir.Node, dims: dict[str, Dim], what: str):
    """The dimension of ``node`` (a :class:`~.units.Dim`, or :data:`ANY` for a literal 0)."""
    if isinstance(node, ir.Num):
        return ANY if node.value == 0 else DIMENSIONLESS
    if isinstance(node, ir.Sym):
        return dims[node.name]
    if isinstance(node, ir.Neg):
        return dimension(node.a, dims, what)
    if isinstance(node, ir.Bin):
        da, db = dimension(node.a, dims, what), dimension(node.b, dims, what)
        if node.op in "+-%":
            return _join(what, node, node.a, da, node.b, db, f"'{ir.source(node)}' adds terms of different dimensions"
                         if node.op != "%" else "the operands of '%' differ")
        if node.op == "*":
            if da is ANY or db is ANY:
                return ANY
            return da * db
        if node.op == "/":
            if da is ANY:
                return ANY
            if db is ANY:
                where, line, col = _where(node.b, what)
                raise EquationError(f"{where}: division by zero in '{ir.source(node)}'", line=line, column=col,
                                    name=ir.source(node.b), allowed="a non-zero divisor")
            return da / db
        if node.op == "**":
            if db is not ANY and db != DIMENSIONLESS:
                _dimensionless(what, node, node.b, db, "an exponent ('**')")
            if da is ANY or da == DIMENSIONLESS:
                return da
            if not isinstance(node.b, ir.Num):
                where, line, col = _where(node, what)
                raise EquationError(f"{where}: a quantity with dimension {describe_dim(da)} can only be raised to a "
                                    f"constant number, not to '{ir.source(node.b)}'", line=line, column=col,
                                    name=ir.source(node.b), allowed="a number as exponent")
            from .parse import _fraction

            return da ** _fraction(node.b.value)
    if isinstance(node, ir.Cmp):
        da, db = dimension(node.a, dims, what), dimension(node.b, dims, what)
        _join(what, node, node.a, da, node.b, db, f"'{ir.source(node)}' compares different dimensions")
        return DIMENSIONLESS
    if isinstance(node, (ir.Logic, ir.Not)):
        for c in node.children():
            dimension(c, dims, what)
        return DIMENSIONLESS
    if isinstance(node, ir.Cond):
        dimension(node.test, dims, what)
        da, db = dimension(node.a, dims, what), dimension(node.b, dims, what)
        return _join(what, node, node.a, da, node.b, db, "the two branches of 'if ... else' differ")
    if isinstance(node, ir.Call):
        ds = [dimension(a, dims, what) for a in node.args]
        fn = node.fn
        if fn in _SAME_DIM_FUNCS:
            return ds[0]
        if fn == "sign":
            return DIMENSIONLESS
        if fn == "sqrt":
            return ds[0] if ds[0] is ANY else ds[0] ** 0.5
        if fn in _PAIR_FUNCS or fn == "clip":
            out = ds[0]
            for a, d in zip(node.args[1:], ds[1:], strict=True):
                out = _join(what, node, node.args[0], out, a, d, f"the arguments of {fn}() differ")
            return out
        _dimensionless(what, node, node.args[0], ds[0], fn)
        return DIMENSIONLESS
    raise TypeError(type(node).__name__)


def check_division(node: ir.Node, values: dict[str, object], what: str) -> None:
    """Refuse a division whose divisor is a constant or parameter expression that is zero."""
    for n in ir.walk(node):
        if isinstance(n, ir.Bin) and n.op == "/":
            deps = ir.names(n.b)
            if all(d in values for d in deps):
                import numpy as np

                with np.errstate(all="ignore"):
                    v = np.asarray(ir.evaluate(n.b, values), dtype=np.float64)
                if np.any(v == 0):
                    where, line, col = _where(n.b, what)
                    shown = ", ".join(f"{d} = {np.ravel(values[d])[:3]}" for d in sorted(deps)) or "constant"
                    raise EquationError(f"{where}: division by zero: '{ir.source(n.b)}' is 0 ({shown})",
                                        line=line, column=col, name=ir.source(n.b), allowed="a non-zero divisor")
