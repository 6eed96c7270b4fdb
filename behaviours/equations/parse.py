"""Parsing model text into validated trees: Python's ``ast`` against a whitelist, never ``eval``.

Accepted in expressions: numbers, names, ``+ - * / ** %``, unary minus, comparisons (chains too),
``and`` / ``or`` / ``not``, ``a if c else b`` and calls of the functions in
:data:`~.ir.FUNCTIONS`. Anything else (attributes, subscripts, strings, lambdas, keyword
arguments, comprehensions, other calls ...) is refused with an :class:`~pymonn.errors.EquationError`
naming the line, the column and the construct. Nothing of the text is ever executed.

Equation lines (one per line, ``#`` starts a comment)::

    dv/dt = (v_rest - v + R*I) / tau : mV (unless refractory)   # a differential equation
    I_leak = g_L*(E_L - v) : pA                                  # a sub-expression
    tau : ms                                                     # a declared parameter / variable

Statements (resets, ``on_pre`` / ``on_post``) are ``x = expr`` or ``x += expr`` (also ``-=``,
``*=``, ``/=``), separated by newlines or ``;``.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field

from pymonn.errors import EquationError

from . import ir
from .units import DIMENSIONLESS, Dim, unit_value

__all__ = ["EqLine", "Statement", "parse_equations", "parse_statements", "parse_condition", "parse_unit",
           "parse_quantity", "ALLOWED", "FLAGS"]

ALLOWED = ("numbers, names, + - * / ** %, comparisons, and/or/not, 'a if c else b' and the functions "
           + ", ".join(sorted(set(ir.FUNCTIONS))))
FLAGS = ("unless refractory", "event-driven", "constant")

_ODE = re.compile(r"^\s*d([A-Za-z_][A-Za-z0-9_]*)\s*/\s*dt\s*=(?!=)(.*)$")
_SUB = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$")
_DECL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")
_FLAGS = re.compile(r"\(([^()]*)\)\s*$")

_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_AUG = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}
_NAMES = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda", ast.ListComp: "comprehension",
    ast.GeneratorExp: "generator", ast.DictComp: "comprehension", ast.SetComp: "comprehension", ast.List: "list",
    ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set", ast.JoinedStr: "f-string", ast.NamedExpr: "':='",
    ast.Starred: "'*' unpacking", ast.Await: "await", ast.Yield: "yield", ast.FloorDiv: "'//'",
    ast.BitAnd: "'&'", ast.BitOr: "'|'", ast.BitXor: "'^'", ast.LShift: "'<<'", ast.RShift: "'>>'",
    ast.MatMult: "'@'", ast.Invert: "'~'", ast.Is: "'is'", ast.IsNot: "'is not'", ast.In: "'in'",
    ast.NotIn: "'not in'",
}


@dataclass
class EqLine:
    """One line of a model: ``kind`` is 'ode', 'sub' or 'decl'."""

    kind: str
    name: str
    expr: ir.Node | None
    unit_text: str | None
    unit: tuple[float, Dim] | None
    flags: set[str] = field(default_factory=set)
    line: int = 0
    col: int = 0
    text: str = ""


@dataclass
class Statement:
    """``target op expr`` with ``op`` one of ``= += -= *= /=``."""

    target: str
    op: str
    expr: ir.Node
    line: int
    col: int
    text: str


def _fail(what: str, line: int, col: int, message: str, name: str | None = None,
          allowed: str | None = ALLOWED) -> EquationError:
    where = f"{what}, line {line}, column {col}" if line else f"{what}, column {col}"
    return EquationError(f"{where}: {message}" + (f"; allowed: {allowed}" if allowed else ""),
                         line=line or None, column=col, name=name, allowed=allowed)


def check_name(name: str, what: str, line: int, col: int) -> None:
    """A user name must be a plain identifier, not a keyword, not starting with '_'."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise _fail(what, line, col, f"{name!r} is not a usable name (names must not start with '_' "
                    "or be Python keywords)", name, "letters, digits and '_', not starting with '_'")


class _Converter:
    """ast -> :mod:`.ir`, refusing everything outside the whitelist."""

    def __init__(self, text: str, what: str, line: int, col0: int):
        self.text, self.what, self.line, self.col0 = text, what, line, col0

    def pos(self, node: ast.AST):
        seg = ast.get_source_segment(self.text, node) if hasattr(node, "col_offset") else None
        return (self.line, self.col0 + getattr(node, "col_offset", 0), seg)

    def fail(self, node: ast.AST, message: str, name: str | None = None) -> EquationError:
        return _fail(self.what, self.line, self.col0 + getattr(node, "col_offset", 0), message, name)

    def convert(self, node: ast.AST) -> ir.Node:
        pos = self.pos(node)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self.fail(node, f"the constant {v!r} is not a number", repr(v))
            v = float(v)
            if v != v or v in (float("inf"), float("-inf")):
                raise self.fail(node, "a number must be finite", repr(node.value))
            return ir.Num(v, pos)
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise self.fail(node, f"names starting with '_' are reserved, got {node.id!r}", node.id)
            return ir.Sym(node.id, pos)
        if isinstance(node, ast.BinOp):
            op = _BIN.get(type(node.op))
            if op is None:
                raise self.fail(node, f"the operator {_NAMES.get(type(node.op), type(node.op).__name__)} is not allowed")
            return ir.Bin(op, self.convert(node.left), self.convert(node.right), pos)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                inner = self.convert(node.operand)
                return ir.Num(-inner.value, pos) if isinstance(inner, ir.Num) else ir.Neg(inner, pos)
            if isinstance(node.op, ast.UAdd):
                return self.convert(node.operand)
            if isinstance(node.op, ast.Not):
                return ir.Not(self.convert(node.operand), pos)
            raise self.fail(node, f"the operator {_NAMES.get(type(node.op), type(node.op).__name__)} is not allowed")
        if isinstance(node, ast.Compare):
            parts, left = [], self.convert(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                sym = _CMP.get(type(op))
                if sym is None:
                    raise self.fail(node, f"the comparison {_NAMES.get(type(op), type(op).__name__)} is not allowed")
                right = self.convert(right_node)
                parts.append(ir.Cmp(sym, left, right, pos))
                left = right
            return parts[0] if len(parts) == 1 else ir.Logic("and", parts, pos)
        if isinstance(node, ast.BoolOp):
            return ir.Logic("and" if isinstance(node.op, ast.And) else "or", [self.convert(v) for v in node.values], pos)
        if isinstance(node, ast.IfExp):
            return ir.Cond(self.convert(node.test), self.convert(node.body), self.convert(node.orelse), pos)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise self.fail(node, "only the allowed functions may be called, by name", ast.get_source_segment(
                    self.text, node.func))
            fn = node.func.id
            if fn not in ir.FUNCTIONS:
                raise self.fail(node, f"{fn!r} is not an allowed function", fn)
            if node.keywords:
                raise self.fail(node, f"{fn}() takes no keyword arguments", fn)
            arity = ir.FUNCTIONS[fn][0]
            if len(node.args) != arity or any(isinstance(a, ast.Starred) for a in node.args):
                raise self.fail(node, f"{fn}() takes {arity} argument(s), got {len(node.args)}", fn)
            return ir.Call(fn, [self.convert(a) for a in node.args], pos)
        what = _NAMES.get(type(node), type(node).__name__)
        raise self.fail(node, f"{what} is not allowed", ast.get_source_segment(self.text, node))


def _check_tree(tree: ast.AST, conv: _Converter) -> None:
    """Refuse forbidden operators anywhere before converting (clearer messages for nested ones)."""
    for node in ast.walk(tree):
        for attr in ("op",):
            op = getattr(node, attr, None)
            if op is not None and type(op) in _NAMES:
                raise conv.fail(node, f"the operator {_NAMES[type(op)]} is not allowed")


def parse_expression(text: str, what: str, line: int = 0, col: int = 0) -> ir.Node:
    """One expression -> tree. ``line``/``col`` place ``text`` in the user's input (messages)."""
    stripped = text.strip()
    col += len(text) - len(text.lstrip())
    if not stripped:
        raise _fail(what, line, col, "an expression is missing", None)
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise _fail(what, line, col + max((exc.offset or 1) - 1, 0),
                    f"syntax error ({exc.msg}) in {stripped!r}", stripped) from None
    conv = _Converter(stripped, what, line, col)
    _check_tree(tree, conv)
    return conv.convert(tree.body)


def parse_condition(text: str, what: str) -> ir.Node:
    """A threshold or refractory condition: a comparison or a combination of comparisons."""
    if not isinstance(text, str):
        raise EquationError(f"{what} must be a condition string such as 'v >= 30', got {text!r}",
                            name=what, allowed="a comparison")
    node = parse_expression(text, what)
    if not ir.is_condition(node):
        raise _fail(what, 0, 0, f"{text.strip()!r} is not a condition", text.strip(),
                    "a comparison such as 'v >= 30', combined with and/or/not")
    return node


def parse_unit(text: str, what: str, line: int = 0, col: int = 0) -> tuple[float, Dim]:
    """A unit such as ``mV``, ``1``, ``mS/cm2``, ``pA*ms``, ``ms**-1`` -> (value, dimension)."""
    node = parse_expression(text, what, line, col)

    def ev(n: ir.Node) -> tuple[float, Dim]:
        if isinstance(n, ir.Num) and n.value == 1:
            return 1.0, DIMENSIONLESS
        if isinstance(n, ir.Sym):
            u = unit_value(n.name)
            if u is None:
                raise _fail(what, line, n.pos[1] if n.pos else col, f"{n.name!r} is not a unit", n.name,
                            "mV, ms, pA, nA, nS, uS, pF, Hz, second, volt, amp, siemens, farad, ohm, cm2, um2, "
                            "'1' and their products and quotients")
            return u
        if isinstance(n, ir.Bin) and n.op in "*/":
            (va, da), (vb, db) = ev(n.a), ev(n.b)
            return (va * vb, da * db) if n.op == "*" else (va / vb, da / db)
        if isinstance(n, ir.Bin) and n.op == "**" and isinstance(n.b, ir.Num):
            va, da = ev(n.a)
            return va ** n.b.value, da ** _fraction(n.b.value)
        raise _fail(what, line, col, f"{text.strip()!r} is not a unit", text.strip(),
                    "unit names, '1', '*', '/' and '**' with a number")
    return ev(node)


def _fraction(x: float):
    from fractions import Fraction

    return Fraction(x).limit_denominator(12)


_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*\*?\s*(.*?)\s*$")


def parse_quantity(text: str, what: str) -> tuple[float, Dim] | None:
    """``'20 ms'``, ``'20*ms'``, ``'-65 mV'``, ``'1 mS/cm2'`` -> (value in pymonn's units, dimension);
    None when ``text`` is not a number followed by a unit (e.g. an init string)."""
    m = _QUANTITY.match(text)
    if not m or not m.group(2):
        return None
    rest = m.group(2)
    if unit_value(re.split(r"[*/ ]", rest)[0].strip() or "-") is None:
        return None
    value, dim = parse_unit(rest, what)
    return float(m.group(1)) * value, dim


def _split_flags(rest: str) -> tuple[str, set[str]]:
    m = _FLAGS.search(rest)
    if m:
        items = [f.strip() for f in m.group(1).split(",")]
        if items and all(f in FLAGS for f in items):
            return rest[:m.start()], set(items)
    return rest, set()


def parse_equations(text: str, what: str = "equations") -> list[EqLine]:
    """The lines of a model (see the module docstring)."""
    if not isinstance(text, str):
        raise EquationError(f"{what} must be a string of equations such as 'dv/dt = -v/tau', got "
                            f"{type(text).__name__}", allowed="a string")
    out: list[EqLine] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        for kind, pattern in (("ode", _ODE), ("sub", _SUB), ("decl", _DECL)):  # noqa: B007
            m = pattern.match(line)
            if m:
                break
        else:
            col = len(line) - len(line.lstrip())
            raise _fail(what, number, col, f"{line.strip()!r} is not an equation",
                        None, "'dx/dt = expression', 'x = expression' or 'x : unit', each optionally "
                        "followed by ': unit' and flags such as '(unless refractory)'")
        name = m.group(1)
        check_name(name, what, number, m.start(1))
        rest_start = m.start(2)
        rest, flags = _split_flags(m.group(2))
        if kind == "decl":
            expr_text, unit_text = "", rest
        else:
            expr_text, _, unit_text = rest.partition(":")
        unit_text = unit_text.strip() or None
        unit = None
        if unit_text is not None:
            unit_col = rest_start + (len(expr_text) + 1 if kind != "decl" else 0)
            unit = parse_unit(unit_text, what, number, unit_col)
        expr = parse_expression(expr_text, what, number, rest_start) if kind != "decl" else None
        if name in seen:
            raise _fail(what, number, m.start(1), f"{name!r} is already defined on line {seen[name]}", name, None)
        seen[name] = number
        if "event-driven" in flags and kind != "ode":
            raise _fail(what, number, m.start(1), "only differential equations can be event-driven", name, None)
        out.append(EqLine(kind, name, expr, unit_text, unit, flags, number, m.start(1), raw.strip()))
    if not out:
        raise EquationError(f"{what}: no equation found in {text!r}", allowed="at least one line such as "
                            "'dv/dt = -v/tau'")
    return out


def parse_statements(text: str | None, what: str) -> list[Statement]:
    """Statements separated by newlines or ';' (see the module docstring)."""
    if text is None:
        return []
    if not isinstance(text, str):
        raise EquationError(f"{what} must be a string of statements such as 'v = c; u += d', got {text!r}",
                            allowed="a string")
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        code = raw.split("#", 1)[0]
        start = 0
        for piece in code.split(";"):
            col = start + len(piece) - len(piece.lstrip())
            start += len(piece) + 1
            stripped = piece.strip()
            if not stripped:
                continue
            try:
                tree = ast.parse(stripped, mode="exec")
            except SyntaxError as exc:
                raise _fail(what, number, col + max((exc.offset or 1) - 1, 0),
                            f"syntax error ({exc.msg}) in {stripped!r}", stripped,
                            "'x = expression' or 'x += expression' (-=, *=, /=)") from None
            if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Assign, ast.AugAssign)):
                raise _fail(what, number, col, f"{stripped!r} is not an assignment", stripped,
                            "'x = expression' or 'x += expression' (-=, *=, /=)")
            node = tree.body[0]
            if isinstance(node, ast.Assign):
                if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                    raise _fail(what, number, col, "assign to exactly one plain name", stripped,
                                "'x = expression'")
                target, op = node.targets[0], "="
            else:
                if not isinstance(node.target, ast.Name) or type(node.op) not in _AUG:
                    raise _fail(what, number, col, f"{stripped!r}: only +=, -=, *= and /= of a plain name",
                                stripped, "'x += expression'")
                target, op = node.target, _AUG[type(node.op)]
            check_name(target.id, what, number, col)
            conv = _Converter(stripped, what, number, col)
            _check_tree(node.value, conv)
            out.append(Statement(target.id, op, conv.convert(node.value), number, col, stripped))
    return out
