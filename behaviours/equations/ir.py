"""The validated expression tree the equations compiler works on.

The parser (:mod:`.parse`) turns the user's text into these nodes, accepting only a whitelist of
Python's syntax; everything after it (unit checks, integrators, code generation) reads and builds
these nodes only, never the text. Each node may carry ``pos = (line, column, text)``: where it
came from, for error messages.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["Node", "Num", "Sym", "Bin", "Neg", "Not", "Cmp", "Logic", "Call", "Cond", "names", "substitute",
           "simplify", "same", "evaluate", "linear", "FUNCTIONS", "is_condition", "source"]


class Node:
    __slots__ = ("pos",)

    def children(self) -> tuple[Node, ...]:
        return ()


class Num(Node):
    __slots__ = ("value",)

    def __init__(self, value: float, pos=None):
        self.value = float(value)
        self.pos = pos


class Sym(Node):
    __slots__ = ("name",)

    def __init__(self, name: str, pos=None):
        self.name = name
        self.pos = pos


class Bin(Node):
    """A binary operation; ``op`` is one of ``+ - * / ** %``."""

    __slots__ = ("op", "a", "b")

    def __init__(self, op: str, a: Node, b: Node, pos=None):
        self.op, self.a, self.b, self.pos = op, a, b, pos

    def children(self):
        return (self.a, self.b)


class Neg(Node):
    __slots__ = ("a",)

    def __init__(self, a: Node, pos=None):
        self.a, self.pos = a, pos

    def children(self):
        return (self.a,)


class Not(Node):
    __slots__ = ("a",)

    def __init__(self, a: Node, pos=None):
        self.a, self.pos = a, pos

    def children(self):
        return (self.a,)


class Cmp(Node):
    """A comparison; ``op`` is one of ``< <= > >= == !=``."""

    __slots__ = ("op", "a", "b")

    def __init__(self, op: str, a: Node, b: Node, pos=None):
        self.op, self.a, self.b, self.pos = op, a, b, pos

    def children(self):
        return (self.a, self.b)


class Logic(Node):
    """``and`` / ``or`` of two or more conditions."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: list[Node], pos=None):
        self.op, self.args, self.pos = op, list(args), pos

    def children(self):
        return tuple(self.args)


class Call(Node):
    """A call of a whitelisted function (see :data:`FUNCTIONS`)."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: str, args: list[Node], pos=None):
        self.fn, self.args, self.pos = fn, list(args), pos

    def children(self):
        return tuple(self.args)


class Cond(Node):
    """``a if test else b``."""

    __slots__ = ("test", "a", "b")

    def __init__(self, test: Node, a: Node, b: Node, pos=None):
        self.test, self.a, self.b, self.pos = test, a, b, pos

    def children(self):
        return (self.test, self.a, self.b)


def _exprel(x):
    x = np.asarray(x, dtype=np.float64)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2.0, np.expm1(safe) / safe)


#: name -> (number of arguments, numpy implementation); the whitelist of callable functions.
#: Each is rendered for numba and numpy by :mod:`.codegen` and given a unit rule by :mod:`.check`.
FUNCTIONS: dict[str, tuple[int, Any]] = {
    "exp": (1, np.exp), "expm1": (1, np.expm1), "log": (1, np.log), "log1p": (1, np.log1p),
    "log10": (1, np.log10), "sqrt": (1, np.sqrt), "sin": (1, np.sin), "cos": (1, np.cos), "tan": (1, np.tan),
    "arcsin": (1, np.arcsin), "arccos": (1, np.arccos), "arctan": (1, np.arctan), "sinh": (1, np.sinh),
    "cosh": (1, np.cosh), "tanh": (1, np.tanh), "abs": (1, np.abs), "sign": (1, np.sign),
    "floor": (1, np.floor), "ceil": (1, np.ceil), "exprel": (1, _exprel),
    "clip": (3, lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)),
    "minimum": (2, np.minimum), "maximum": (2, np.maximum), "min": (2, np.minimum), "max": (2, np.maximum),
}


def is_condition(node: Node) -> bool:
    """Whether the node's value is a truth value (a comparison, ``and``/``or``/``not``)."""
    return isinstance(node, (Cmp, Logic, Not))


def walk(node: Node):
    yield node
    for c in node.children():
        yield from walk(c)


def names(node: Node) -> set[str]:
    """Every symbol name in the tree."""
    return {n.name for n in walk(node) if isinstance(n, Sym)}


def _rebuild(node: Node, kids: list[Node]) -> Node:
    if isinstance(node, Bin):
        return Bin(node.op, kids[0], kids[1], node.pos)
    if isinstance(node, Neg):
        return Neg(kids[0], node.pos)
    if isinstance(node, Not):
        return Not(kids[0], node.pos)
    if isinstance(node, Cmp):
        return Cmp(node.op, kids[0], kids[1], node.pos)
    if isinstance(node, Logic):
        return Logic(node.op, kids, node.pos)
    if isinstance(node, Call):
        return Call(node.fn, kids, node.pos)
    if isinstance(node, Cond):
        return Cond(kids[0], kids[1], kids[2], node.pos)
    return node


def substitute(node: Node, mapping: dict[str, Node]) -> Node:
    """A copy of ``node`` with every symbol in ``mapping`` replaced by its node."""
    if isinstance(node, Sym):
        return mapping.get(node.name, node)
    kids = node.children()
    if not kids:
        return node
    return _rebuild(node, [substitute(k, mapping) for k in kids])


def same(a: Node, b: Node) -> bool:
    """Structural equality."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Num):
        return a.value == b.value
    if isinstance(a, Sym):
        return a.name == b.name
    if getattr(a, "op", None) != getattr(b, "op", None) or getattr(a, "fn", None) != getattr(b, "fn", None):
        return False
    ka, kb = a.children(), b.children()
    return len(ka) == len(kb) and all(same(x, y) for x, y in zip(ka, kb, strict=True))


def _num(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def simplify(node: Node) -> Node:
    """Remove the arithmetic with 0 and 1 that the integrators' algebra creates (exact rules only:
    ``x + 0``, ``x * 1``, ``x * 0`` (for the coefficients of linear forms), ``-(-x)``, ``-1 * x``)."""
    kids = node.children()
    if kids:
        node = _rebuild(node, [simplify(k) for k in kids])
    if isinstance(node, Bin):
        a, b, op = node.a, node.b, node.op
        if isinstance(a, Num) and isinstance(b, Num) and op in "+-*":
            return Num({"+": a.value + b.value, "-": a.value - b.value, "*": a.value * b.value}[op])
        if op == "+":
            if _num(a, 0):
                return b
            if _num(b, 0):
                return a
        elif op == "-":
            if _num(b, 0):
                return a
            if _num(a, 0):
                return simplify(Neg(b))
        elif op == "*":
            if _num(a, 0) or _num(b, 0):
                return Num(0.0)
            if _num(a, 1):
                return b
            if _num(b, 1):
                return a
            if _num(a, -1):
                return simplify(Neg(b))
            if _num(b, -1):
                return simplify(Neg(a))
        elif op == "/":
            if _num(a, 0):
                return Num(0.0)
            if _num(b, 1):
                return a
    elif isinstance(node, Neg):
        if isinstance(node.a, Neg):
            return node.a.a
        if isinstance(node.a, Num):
            return Num(-node.a.value)
    return node


def linear(node: Node, variables: set[str], expand=None) -> tuple[dict[str, Node], Node] | None:
    """Split ``node`` into ``sum(coef[x] * x) + rest`` over ``variables``, or None if not linear.

    The coefficients and the rest contain none of ``variables``. ``expand(name)`` returns the
    tree of a named sub-expression that depends on one of them (to be looked into), else None.
    """
    def lin(n: Node):
        if isinstance(n, Num):
            return {}, n
        if isinstance(n, Sym):
            if n.name in variables:
                return {n.name: Num(1.0)}, Num(0.0)
            inner = expand(n.name) if expand is not None else None
            if inner is not None:
                return lin(inner)
            return {}, n
        if isinstance(n, Neg):
            r = lin(n.a)
            if r is None:
                return None
            return {k: Neg(v) for k, v in r[0].items()}, Neg(r[1])
        if isinstance(n, Bin) and n.op in "+-":
            ra, rb = lin(n.a), lin(n.b)
            if ra is None or rb is None:
                return None
            coef = dict(ra[0])
            for k, v in rb[0].items():
                coef[k] = Bin(n.op, coef[k], v) if k in coef else (v if n.op == "+" else Neg(v))
            return coef, Bin(n.op, ra[1], rb[1])
        if isinstance(n, Bin) and n.op == "*":
            ra, rb = lin(n.a), lin(n.b)
            if ra is None or rb is None:
                return None
            if ra[0] and rb[0]:
                return None  # product of two variables
            if ra[0]:
                return {k: Bin("*", v, n.b) for k, v in ra[0].items()}, Bin("*", ra[1], n.b)
            if rb[0]:
                return {k: Bin("*", n.a, v) for k, v in rb[0].items()}, Bin("*", n.a, rb[1])
            return {}, n
        if isinstance(n, Bin) and n.op == "/":
            ra, rb = lin(n.a), lin(n.b)
            if ra is None or rb is None or rb[0]:
                return None
            if not ra[0]:
                return {}, n
            return {k: Bin("/", v, n.b) for k, v in ra[0].items()}, Bin("/", ra[1], n.b)
        # any other node: linear only when it contains none of the variables
        deps = _depends(n, variables, expand)
        return None if deps else ({}, n)

    r = lin(node)
    if r is None:
        return None
    return {k: simplify(v) for k, v in r[0].items()}, simplify(r[1])


def _depends(node: Node, variables: set[str], expand) -> bool:
    for n in walk(node):
        if isinstance(n, Sym):
            if n.name in variables:
                return True
            inner = expand(n.name) if expand is not None else None
            if inner is not None and _depends(inner, variables, expand):
                return True
    return False


_NP_BIN = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power, "%": np.mod}
_NP_CMP = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal,
           "!=": np.not_equal}


def evaluate(node: Node, env: dict[str, Any]) -> Any:
    """The value of the tree with numpy, symbols looked up in ``env`` (an interpreter over the
    validated tree: used for constants, units and the propagators of the exact method)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        return env[node.name]
    if isinstance(node, Bin):
        a, b = evaluate(node.a, env), evaluate(node.b, env)
        if node.op == "**" and isinstance(a, float) and isinstance(b, float):
            return math.pow(a, b) if a > 0 or b == int(b) else float("nan")
        return _NP_BIN[node.op](a, b)
    if isinstance(node, Neg):
        return np.negative(evaluate(node.a, env))
    if isinstance(node, Not):
        return np.logical_not(evaluate(node.a, env))
    if isinstance(node, Cmp):
        return _NP_CMP[node.op](evaluate(node.a, env), evaluate(node.b, env))
    if isinstance(node, Logic):
        f = np.logical_and if node.op == "and" else np.logical_or
        out = evaluate(node.args[0], env)
        for a in node.args[1:]:
            out = f(out, evaluate(a, env))
        return out
    if isinstance(node, Call):
        return FUNCTIONS[node.fn][1](*[evaluate(a, env) for a in node.args])
    if isinstance(node, Cond):
        return np.where(evaluate(node.test, env), evaluate(node.a, env), evaluate(node.b, env))
    raise TypeError(type(node).__name__)


_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6, "neg": 7, "**": 8}


def source(node: Node) -> str:
    """The tree written as a user would write it (for messages only; never executed)."""
    if node.pos is not None and node.pos[2]:
        return node.pos[2]
    if isinstance(node, Num):
        v = node.value
        return repr(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Bin):
        return f"({source(node.a)} {node.op} {source(node.b)})"
    if isinstance(node, Neg):
        return f"-{source(node.a)}"
    if isinstance(node, Not):
        return f"not {source(node.a)}"
    if isinstance(node, Cmp):
        return f"{source(node.a)} {node.op} {source(node.b)}"
    if isinstance(node, Logic):
        return f" {node.op} ".join(f"({source(a)})" for a in node.args)
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(source(a) for a in node.args)})"
    if isinstance(node, Cond):
        return f"({source(node.a)} if {source(node.test)} else {source(node.b)})"
    return "?"
