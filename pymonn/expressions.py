"""Safe recorder expressions such as ``'v'``, ``'n.v'``, ``'np.mean(v)'`` or ``'v[0:10] * 2'``.

An expression is parsed with :mod:`ast` and turned into a tree of small Python closures that
read variables from the recorded object; it is never ``eval``-ed. Allowed:

* a variable of the object: ``v`` or ``n.v`` / ``s.W`` / ``self.v`` (the prefix names the object).
  Variables are the object's own data: public instance attributes holding numbers, bools or
  numeric arrays, plus the clock (``t`` in ms, ``iteration``, ``dt``). Nothing else of the object
  can be read: no private or dunder names (``n.__class__``, ``n._dt``), no objects (``n.network``,
  ``n.behaviours``), no properties besides the clock (``n.rng``), no tag shortcuts;
* literal numbers, ``+ - * / ** // %`` and unary minus, comparisons (``v > -50``);
* subscripts with literal indices and slices (``v[0]``, ``v[10:20]``, ``W[:, 3]``);
* ``np.<function>(...)`` for the reducing and element-wise functions in :data:`NUMPY_FUNCTIONS`,
  with literal keyword arguments (``np.mean(W, axis=0)``).

Limits, so that no expression can exhaust the interpreter or hang a step: at most
:data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES` nodes;
integer literals within 64 bits and float literals finite; a literal exponent of at most
:data:`MAX_EXPONENT` in magnitude. Parts made only of literals are computed once, when the
expression is compiled, and must stay within the same bounds (``9**9**9`` is refused);
arithmetic on variables runs through numpy (fixed-width numbers, bounded time per step).

Anything else raises :class:`~pymonn.errors.ExpressionError`, naming the expression and the rule.
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
#: Longest expression accepted (characters).
MAX_LENGTH = 1000
#: Deepest nesting of the parsed expression.
MAX_DEPTH = 32
#: Most nodes in the parsed expression.
MAX_NODES = 400
#: Integer literals (and integers computed from literals) must be smaller than this in magnitude.
MAX_INT = 2**63
#: Largest magnitude of a literal exponent (``v ** 3``; ``v ** 100`` is refused).
MAX_EXPONENT = 64
#: Properties an expression may read besides the object's instance variables (the clock).
CLOCK: frozenset[str] = frozenset({"t", "iteration", "dt"})
#: Element kinds a recorded array may have: bool, signed and unsigned integers, floats, complex.
DATA_KINDS = "biufc"

_OBJECT_PREFIXES = ("n", "s", "self", "neurons", "synapses")
#: numpy's ufuncs, so that Python ints read from variables compute in fixed width (no 10**10**9)
_BINOPS = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
    ast.Pow: np.power, ast.FloorDiv: np.floor_divide, ast.Mod: np.mod,
}
#: Python's operators for the same, used only to fold literals at compile time (bounded first)
_FOLD = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
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
    stack = [_parse(expression)]
    while stack:  # depth-first, left to right, without recursion (depth is bounded anyway)
        node = stack.pop()
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in _OBJECT_PREFIXES:
                names.append(node.attr)
                continue
            if node.value.id == "np":
                continue
        if isinstance(node, ast.Name) and node.id != "np":
            names.append(node.id)
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return list(dict.fromkeys(names))


def is_data(value: Any) -> bool:
    """Whether ``value`` is something an expression may read: a number, a bool or a numeric array."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in DATA_KINDS
    if isinstance(value, np.generic):
        return value.dtype.kind in DATA_KINDS
    return isinstance(value, (bool, int, float, complex))


def compile_expression(expression: str, obj: Any) -> Callable[[], Any]:
    """Compile ``expression`` into a zero-argument function reading from ``obj``.

    A plain variable compiles to a single dictionary lookup, so recording ``'v'`` costs no more
    than reading ``obj.v``. A variable that ``obj`` does not have yet is looked up when the
    function runs (and named in an :class:`~pymonn.errors.ExpressionError` if still missing);
    so is any failure of the arithmetic on the values (an index beyond an array, shapes that do not
    broadcast): the function raises nothing but :class:`~pymonn.errors.ExpressionError`.
    """
    node = _parse(expression)
    read = _build(node, expression, obj)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return read  # a plain variable: one lookup, which names a missing variable itself

    def evaluate():
        try:
            return read()
        except ExpressionError:
            raise
        except (ArithmeticError, LookupError, ValueError, TypeError) as exc:  # numpy's, on these values
            raise ExpressionError(f"recorder expression {_shown(expression)} cannot be computed on "
                                  f"{_owner(obj)}: {type(exc).__name__}: {exc}") from None

    return evaluate


def _shown(text: str, limit: int = 80) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"


def _parse(expression: str) -> ast.AST:
    if not isinstance(expression, str):
        raise ExpressionError(f"a recorder expression must be a str, got {type(expression).__name__}")
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(f"recorder expression {_shown(expression)} is longer than the limit of "
                              f"{MAX_LENGTH} characters")
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except (SyntaxError, ValueError):  # ValueError: a NUL character
        raise ExpressionError(f"recorder expression {_shown(expression)} is not valid syntax") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"recorder expression {_shown(expression)} nests deeper than the limit of "
                              f"{MAX_DEPTH} levels") from None
    deepest, count, stack = 0, 0, [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest, count = max(deepest, level), count + 1
        if deepest > MAX_DEPTH:
            raise ExpressionError(f"recorder expression {_shown(expression)} nests deeper than the limit of "
                                  f"{MAX_DEPTH} levels")
        if count > MAX_NODES:
            raise ExpressionError(f"recorder expression {_shown(expression)} has more than the limit of "
                                  f"{MAX_NODES} parts")
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(item))
    return node


def _bounded(value: Any, text: str) -> Any:
    """A literal (or a value computed from literals) within the limits, else ExpressionError."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not -MAX_INT < value < MAX_INT:
            raise ExpressionError(f"recorder expression {_shown(text)}: the integer {_shown(str(value), 40)} is "
                                  "too large (integers must lie within +-2**63)")
        return value
    if isinstance(value, float):
        if not np.isfinite(value):
            raise ExpressionError(f"recorder expression {_shown(text)}: numbers must be finite, got {value!r}")
        return value
    if isinstance(value, tuple):
        return tuple(_bounded(v, text) for v in value)
    raise ExpressionError(f"recorder expression {_shown(text)}: {value!r} is not a number")


def _literal(node: ast.AST, text: str):
    """The value of a literal node (numbers, bools, None, signs and tuples of them)."""
    if isinstance(node, ast.Constant) and (isinstance(node.value, (int, float, bool)) or node.value is None):
        return _bounded(node.value, text)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, text)
        if value is None or isinstance(value, tuple):
            raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r} is not a number")
        return _bounded(-value if isinstance(node.op, ast.USub) else +value, text)
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e, text) for e in node.elts)
    if isinstance(node, ast.BinOp) and type(node.op) in _FOLD:
        return _fold(node, text)
    raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r} must be a literal")


def _fold(node: ast.BinOp, text: str):
    """Compute an operation on two literals now, refusing results beyond the limits."""
    left, right = _literal(node.left, text), _literal(node.right, text)
    if not all(isinstance(x, (int, float)) for x in (left, right)):  # (bools are ints)
        raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r} is not a number")
    if isinstance(node.op, ast.Pow):
        _check_exponent(right, text)
        if isinstance(left, int) and isinstance(right, int) and right >= 0 and abs(left) > 1 and \
                right * max(abs(left).bit_length() - 1, 1) > 64:
            raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r} is too large "
                                  "(integers must lie within +-2**63)")
    try:
        value = _FOLD[type(node.op)](left, right)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r}: {exc}") from None
    if isinstance(value, complex):
        raise ExpressionError(f"recorder expression {_shown(text)}: {_unparse(node)!r} is not a real number")
    return _bounded(value, text)


def _check_exponent(value: Any, text: str) -> None:
    if isinstance(value, (int, float)) and abs(value) > MAX_EXPONENT:
        raise ExpressionError(f"recorder expression {_shown(text)}: the exponent {value!r} is larger than the "
                              f"limit of {MAX_EXPONENT}")


def _unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (RecursionError, ValueError):  # pragma: no cover - depth is bounded before this
        return type(node).__name__


def _index(node: ast.AST, text: str):
    if isinstance(node, ast.Slice):
        parts = [None if p is None else _literal(p, text) for p in (node.lower, node.upper, node.step)]
        if parts[2] == 0:
            raise ExpressionError(f"recorder expression {_shown(text)}: a slice step cannot be zero")
        return slice(*parts)
    if isinstance(node, ast.Tuple):
        return tuple(_index(e, text) for e in node.elts)
    return _literal(node, text)


def _owner(obj: Any) -> str:
    return getattr(obj, "describe", lambda: type(obj).__name__)()


def _getter(obj: Any, name: str, text: str) -> Callable[[], Any]:
    """Read the variable ``name`` of ``obj``: an instance variable holding data, or the clock."""
    if name.startswith("_"):
        raise ExpressionError(f"recorder expression {_shown(text)}: {name!r} is private; expressions read only "
                              f"the variables of {_owner(obj)}")
    if name in CLOCK and isinstance(getattr(type(obj), name, None), property):
        clock = operator.attrgetter(name)
        return lambda: clock(obj)
    variables = getattr(obj, "__dict__", None)
    if variables is None:
        raise ExpressionError(f"recorder expression {_shown(text)}: {_owner(obj)} has no variables")
    if name in variables and not is_data(variables[name]):
        raise ExpressionError(
            f"recorder expression {_shown(text)}: {name!r} of {_owner(obj)} is a "
            f"{type(variables[name]).__name__}, not a variable; expressions read only numbers, bools and "
            "numeric arrays of the object (and t, iteration, dt)"
        )

    def read():
        try:
            return variables[name]
        except KeyError:
            raise ExpressionError(
                f"recorder expression {_shown(text)}: {_owner(obj)} has no variable {name!r}"
            ) from None

    return read


def _build(node: ast.AST, text: str, obj: Any) -> Callable[[], Any]:
    if isinstance(node, ast.Name):
        # a prefix word alone is the variable of that name when the object has one (HH's gate 'n')
        if node.id == "np" or (node.id in _OBJECT_PREFIXES and node.id not in getattr(obj, "__dict__", {})):
            raise ExpressionError(f"recorder expression {_shown(text)}: {node.id!r} alone is not a value")
        return _getter(obj, node.id, text)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
        node.value.id in _OBJECT_PREFIXES
    ):
        return _getter(obj, node.attr, text)
    if isinstance(node, ast.Constant):
        value = _literal(node, text)
        if value is None:
            raise ExpressionError(f"recorder expression {_shown(text)}: None is not a value to record")
        return lambda: value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        if _only_literals(node):
            value = _literal(node, text)
            return lambda: value
        inner = _build(node.operand, text, obj)
        if isinstance(node.op, ast.UAdd):
            return inner
        return lambda: np.negative(inner())
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        if _only_literals(node):  # computed now, within the limits
            value = _literal(node, text)
            return lambda: value
        if isinstance(node.op, ast.Pow) and _only_literals(node.right):
            _check_exponent(_literal(node.right, text), text)
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
                f"recorder expression {_shown(text)}: only np.<function> calls are allowed, with "
                f"<function> one of {sorted(NUMPY_FUNCTIONS)}"
            )
        fn = getattr(np, func.attr)
        args = [_build(a, text, obj) for a in node.args]
        kwargs = {kw.arg: _literal(kw.value, text) for kw in node.keywords if kw.arg is not None}
        if len(kwargs) != len(node.keywords):
            raise ExpressionError(f"recorder expression {_shown(text)}: '**' is not allowed")
        return lambda: fn(*[a() for a in args], **kwargs)
    raise ExpressionError(
        f"recorder expression {_shown(text)}: {type(node).__name__} is not allowed; use variables, "
        "numbers, arithmetic, comparisons, literal subscripts and np.<function>(...)"
    )


def _only_literals(node: ast.AST) -> bool:
    """Whether a subtree holds no names (it is made of literals and operators only)."""
    return not any(isinstance(n, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) for n in ast.walk(node))
