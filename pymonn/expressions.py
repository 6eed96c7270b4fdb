"""Safe recorder expressions such as ``'v'``, ``'n.v'``, ``'np.mean(v)'`` or ``'v[0:10] * 2'``.

An expression is parsed with :mod:`ast` and turned into a tree of small Python closures that
read variables from the recorded object; it is never ``eval``-ed. Allowed:

* a variable name (``v``) or ``n.v`` / ``s.W`` / ``self.v`` (the prefix names the object),
* literal numbers, ``+ - * / ** //`` and unary minus, comparisons (``v > -50``),
* subscripts with literal indices and slices (``v[0]``, ``v[10:20]``, ``W[:, 3]``),
* ``np.<function>(...)`` for the reducing and element-wise functions in :data:`NUMPY_FUNCTIONS`,
  with literal keyword arguments (``np.mean(W, axis=0)``).

Anything else raises :class:`~pymonn.errors.ExpressionError`.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import ExpressionError

NUMPY_FUNCTIONS: frozenset[str] = frozenset(
    """mean sum std var min max median abs sqrt exp log log10 count_nonzero any all
    nanmean nansum nanstd nanmin nanmax amin amax ptp percentile square sign round""".split()
)
_OBJECT_PREFIXES = ("n", "s", "self", "neurons", "synapses")
_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_CMPOPS = {
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_PREFIX_RE = re.compile(r"\b(?:n|s|self|neurons|synapses)\.(?=[A-Za-z_])")


def normalize(expression: str) -> str:
    """Canonical spelling used to match lookups: ``'n.v'`` and ``'v'`` are the same variable."""
    return _PREFIX_RE.sub("", expression.replace(" ", ""))


def variable_names(expression: str) -> list[str]:
    """Names of the object's variables an expression reads."""
    names: list[str] = []

    def visit(node):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in _OBJECT_PREFIXES:
                names.append(node.attr)
                return
            if node.value.id == "np":
                return
        if isinstance(node, ast.Name) and node.id != "np":
            names.append(node.id)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(_parse(expression))
    return list(dict.fromkeys(names))


def compile_expression(expression: str, obj: Any) -> Callable[[], Any]:
    """Compile ``expression`` into a zero-argument function reading from ``obj``.

    A plain variable compiles to a single ``getattr``, so recording ``'v'`` costs no more
    than reading ``obj.v``.
    """
    return _build(_parse(expression), expression, obj)


def _parse(expression: str) -> ast.AST:
    if not isinstance(expression, str):
        raise ExpressionError(f"a recorder expression must be a str, got {type(expression).__name__}")
    try:
        return ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"recorder expression {expression!r} is not valid syntax") from None


def _literal(node: ast.AST, text: str):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)) or (
        isinstance(node, ast.Constant) and node.value is None
    ):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_literal(node.operand, text)
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e, text) for e in node.elts)
    raise ExpressionError(f"recorder expression {text!r}: {ast.unparse(node)!r} must be a literal")


def _index(node: ast.AST, text: str):
    if isinstance(node, ast.Slice):
        parts = [None if p is None else _literal(p, text) for p in (node.lower, node.upper, node.step)]
        return slice(*parts)
    if isinstance(node, ast.Tuple):
        return tuple(_index(e, text) for e in node.elts)
    return _literal(node, text)


def _getter(obj: Any, name: str, text: str) -> Callable[[], Any]:
    getter = operator.attrgetter(name)

    def read():
        try:
            return getter(obj)
        except AttributeError:
            owner = getattr(obj, "describe", lambda: repr(obj))()
            raise ExpressionError(
                f"recorder expression {text!r}: {owner} has no variable {name!r}"
            ) from None

    return read


def _build(node: ast.AST, text: str, obj: Any) -> Callable[[], Any]:
    if isinstance(node, ast.Name):
        # a prefix word alone is the variable of that name when the object has one (HH's gate 'n')
        if node.id == "np" or (node.id in _OBJECT_PREFIXES and not hasattr(obj, node.id)):
            raise ExpressionError(f"recorder expression {text!r}: {node.id!r} alone is not a value")
        return _getter(obj, node.id, text)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
        node.value.id in _OBJECT_PREFIXES
    ):
        return _getter(obj, node.attr, text)
    if isinstance(node, ast.Constant):
        value = _literal(node, text)
        return lambda: value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _build(node.operand, text, obj)
        return lambda: -inner()
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        op, left, right = _BINOPS[type(node.op)], _build(node.left, text, obj), _build(node.right, text, obj)
        return lambda: op(left(), right())
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMPOPS:
        op = _CMPOPS[type(node.ops[0])]
        left, right = _build(node.left, text, obj), _build(node.comparators[0], text, obj)
        return lambda: op(left(), right())
    if isinstance(node, ast.Subscript):
        base, index = _build(node.value, text, obj), _index(node.slice, text)
        return lambda: base()[index]
    if isinstance(node, ast.Call):
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "np" and func.attr in NUMPY_FUNCTIONS):
            raise ExpressionError(
                f"recorder expression {text!r}: only np.<function> calls are allowed, with "
                f"<function> one of {sorted(NUMPY_FUNCTIONS)}"
            )
        fn = getattr(np, func.attr)
        args = [_build(a, text, obj) for a in node.args]
        kwargs = {kw.arg: _literal(kw.value, text) for kw in node.keywords if kw.arg is not None}
        if len(kwargs) != len(node.keywords):
            raise ExpressionError(f"recorder expression {text!r}: '**' is not allowed")
        return lambda: fn(*[a() for a in args], **kwargs)
    raise ExpressionError(
        f"recorder expression {text!r}: {type(node).__name__} is not allowed; use variables, "
        "numbers, arithmetic, comparisons, literal subscripts and np.<function>(...)"
    )
