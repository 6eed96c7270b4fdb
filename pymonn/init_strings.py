"""Safe parser for init strings: the small language that fills neuron vectors and synapse matrices.

Grammar (every draw comes from the network's ``numpy.random.Generator``):

=============================  ===========================================================
``5``, ``-65.0``, ``'1e-3'``   every element set to the number
``'a;b'``                      uniform in [a, b] per element (PymoNNto's spelling)
``'uniform'``                  a distribution with numpy's default arguments
``'normal(0, 1)'``             a distribution with literal positional arguments
``'lognormal(mean=1, sigma=1)'`` ... or literal keyword arguments
``'zeros'``, ``'ones'``        constant 0 / 1 (also ``'zeros()'``, ``'ones()'``, PymoNNto's spelling)
``'rand'``, ``'rnd'``          PymoNNto's names for ``'uniform'``
``bool``, ``int``, ``'bool'``  zeros of that dtype (``vector(bool)`` gives a False mask)
=============================  ===========================================================

Strings are parsed with :mod:`ast` and interpreted node by node; nothing is ever ``eval``-ed,
so an init string cannot run code. Anything outside this grammar raises
:class:`~pymonn.errors.InitStringError`, naming the string and what is allowed.

Limits (so that no string can exhaust the interpreter): at most :data:`MAX_LENGTH` characters and
:data:`MAX_DEPTH` levels of nesting (signs count: ``--1`` is two levels); integer arguments fit
in 64 bits (``|n| < 2**63``) and float arguments are finite. A string beyond a limit raises
:class:`~pymonn.errors.InitStringError` naming the string and the limit, as does a distribution
that numpy refuses for its arguments (``normal(0, -1)``, ``binomial(10, 2)``).
"""

from __future__ import annotations

import ast
import functools
from typing import Any

import numpy as np

from .errors import ConfigurationTypeError, InitStringError

#: Distributions of ``numpy.random.Generator`` an init string may name.
DISTRIBUTIONS: frozenset[str] = frozenset(
    """beta binomial chisquare exponential f gamma geometric gumbel hypergeometric laplace
    logistic lognormal logseries negative_binomial noncentral_chisquare noncentral_f normal
    pareto poisson power random rayleigh standard_cauchy standard_exponential standard_gamma
    standard_normal standard_t triangular uniform vonmises wald weibull zipf integers""".split()
)

_CONSTANTS = {"zeros": 0.0, "ones": 1.0}
_ALIASES = {"rand": "uniform", "rnd": "uniform"}  # PymoNNto's spellings
_DTYPE_WORDS = {"bool": bool, "int": np.int64, "float": None}

#: Longest init string accepted (characters).
MAX_LENGTH = 200
#: Deepest nesting of the parsed string (a call with signed literal arguments needs 3).
MAX_DEPTH = 8
#: Integer arguments must be smaller than this in magnitude (they go to numpy as int64).
MAX_INT = 2**63
#: Element kinds an array built from an init string may have: bool, int, uint, float.
ARRAY_KINDS = "biuf"

ALLOWED = (
    "a number, 'a;b' (uniform in [a, b]), 'zeros', 'ones', 'bool', 'int', or a numpy "
    "distribution name with literal arguments such as 'uniform', 'normal(0, 1)', "
    "'lognormal(mean=1, sigma=1)'"
)


def _literal(node: ast.AST, text: str) -> float | int | bool:
    """Return the number a literal argument node stands for (``-3`` and ``+3`` included)."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):  # (depth is bounded)
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        value = node.value
        if isinstance(value, bool):
            return value if sign == 1 else -int(value)
        if isinstance(value, int) and not -MAX_INT < value < MAX_INT:
            raise InitStringError(
                f"init string {_shown(text)}: the integer {_shown(str(value))} is too large "
                f"(integer arguments must lie within +-2**63)"
            )
        if isinstance(value, float) and not np.isfinite(value):
            raise InitStringError(f"init string {_shown(text)}: arguments must be finite numbers, got {value!r}")
        return sign * value
    raise InitStringError(
        f"init string {_shown(text)}: arguments must be literal numbers, got {_shown(_unparse(node))}"
    )


def _shown(text: str, limit: int = 80) -> str:
    """``repr`` of a string, cut to ``limit`` characters (error messages stay readable)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"


def _unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (RecursionError, ValueError):  # pragma: no cover - depth is bounded before this
        return type(node).__name__


def _depth(node: ast.AST) -> int:
    """Nesting depth of a parsed tree, without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH + 1:
            stack.extend((child, level + 1) for child in ast.iter_child_nodes(item))
    return deepest


def parse(text: str) -> tuple[str, tuple, dict]:
    """Parse an init string into ``(kind, args, kwargs)``.

    ``kind`` is ``'constant'`` (args = (value,)), ``'dtype'`` (args = (dtype,)),
    ``'range'`` (args = (a, b)) or a distribution name. Results are cached: behaviours call
    ``vector('uniform')`` every step, and parsing must not cost more than drawing.
    """
    if not isinstance(text, str):
        raise InitStringError(f"init string must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise InitStringError(f"init string {_shown(text)} is longer than the limit of {MAX_LENGTH} characters")
    kind, args, kwargs = _parse_cached(text)
    return kind, args, dict(kwargs)


@functools.lru_cache(maxsize=512)
def _parse_cached(text: str) -> tuple[str, tuple, tuple]:
    kind, args, kwargs = _parse(text)
    return kind, args, tuple(kwargs.items())


def _parse(text: str) -> tuple[str, tuple, dict]:
    stripped = text.strip()
    if ";" in stripped:
        parts = stripped.split(";")
        if len(parts) != 2:
            raise InitStringError(f"init string {_shown(text)}: 'a;b' takes exactly two numbers")
        bounds = tuple(_literal(_parse_expr(p, text), text) for p in parts)
        return "range", bounds, {}
    node = _parse_expr(stripped, text)
    if isinstance(node, (ast.Constant, ast.UnaryOp)):
        return "constant", (_literal(node, text),), {}
    if isinstance(node, ast.Name):
        name = node.id
        if name in _CONSTANTS:
            return "constant", (_CONSTANTS[name],), {}
        if name in _DTYPE_WORDS:
            return "dtype", (_DTYPE_WORDS[name],), {}
        if name in DISTRIBUTIONS or name in _ALIASES:
            return _ALIASES.get(name, name), (), {}
        raise InitStringError(f"init string {_shown(text)}: unknown name {name!r}; allowed: {ALLOWED}")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = _ALIASES.get(node.func.id, node.func.id)
        if name in _CONSTANTS and not node.args and not node.keywords:
            return "constant", (_CONSTANTS[name],), {}
        if name not in DISTRIBUTIONS:
            raise InitStringError(
                f"init string {_shown(text)}: {name!r} is not an allowed distribution; allowed: {ALLOWED}"
            )
        args = tuple(_literal(a, text) for a in node.args)
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise InitStringError(f"init string {_shown(text)}: '**' is not allowed")
            kwargs[kw.arg] = _literal(kw.value, text)
        return name, args, kwargs
    raise InitStringError(f"init string {_shown(text)} is not understood; allowed: {ALLOWED}")


def _parse_expr(src: str, text: str) -> ast.AST:
    try:
        node = ast.parse(src.strip(), mode="eval").body
    except (SyntaxError, ValueError):  # ValueError: a NUL character
        raise InitStringError(f"init string {_shown(text)} is not understood; allowed: {ALLOWED}") from None
    except (RecursionError, MemoryError):
        raise InitStringError(f"init string {_shown(text)} nests deeper than the limit of {MAX_DEPTH} "
                              "levels") from None
    if _depth(node) > MAX_DEPTH:
        raise InitStringError(f"init string {_shown(text)} nests deeper than the limit of {MAX_DEPTH} levels")
    return node


def make_array(
    spec: Any,
    shape: tuple[int, ...],
    rng: np.random.Generator,
    dtype: Any,
    *,
    density: float | None = None,
    scale: float | None = None,
    order: str = "C",
) -> np.ndarray:
    """Build an array of ``shape`` from an init ``spec``.

    Parameters
    ----------
    spec
        A number, ``bool``/``int``, an ndarray (copied and broadcast), or an init string.
    shape, dtype
        Shape and floating dtype of the result (dtype words in ``spec`` override it).
    rng
        The network's generator: the only source of randomness.
    density
        Fraction of elements kept non-zero (each kept with this probability).
    scale
        Multiplies the result.
    order
        ``'F'`` gives a column-major array (synapse matrices).

    Raises
    ------
    InitStringError
        For a spec outside the grammar (see the module docstring).
    ConfigurationTypeError
        For a ``dtype`` that is not bool, integer or floating (``object``, strings ...).
    """
    dtype = _array_dtype(dtype)
    if spec is None:
        spec = 0.0
    if spec is bool or spec is int or spec is float:
        kind, args, kwargs = "dtype", ((np.int64 if spec is int else spec if spec is bool else None),), {}
    elif isinstance(spec, str):
        kind, args, kwargs = parse(spec)
    elif isinstance(spec, (bool, np.bool_)):
        kind, args, kwargs = "constant", (bool(spec),), {}
        dtype = bool
    elif isinstance(spec, (int, float, np.number)):
        kind, args, kwargs = "constant", (spec,), {}
    elif isinstance(spec, np.ndarray) or isinstance(spec, (list, tuple)):
        try:
            arr = np.asarray(spec)
        except (TypeError, ValueError):
            arr = np.asarray(spec, dtype=object)
        if arr.dtype.kind not in ARRAY_KINDS:
            raise InitStringError(
                f"an array of {arr.dtype} cannot fill a state array: give numbers or bools ({ALLOWED})"
            )
        try:
            out = np.broadcast_to(arr, shape)
        except ValueError:
            raise InitStringError(
                f"array of shape {arr.shape} cannot fill shape {shape}"
            ) from None
        out_dtype = dtype if arr.dtype.kind == "f" else arr.dtype
        out = np.array(out, dtype=out_dtype, order=order)
        return _post(out, rng, density, scale)
    else:
        raise InitStringError(
            f"cannot build an array from {type(spec).__name__} {spec!r}; allowed: {ALLOWED}"
        )

    if kind == "constant":
        try:
            out = np.full(shape, args[0], dtype=dtype, order=order)
        except (OverflowError, ValueError, TypeError) as exc:
            raise InitStringError(f"the value {_shown(str(args[0]))} does not fit a {dtype} array: {exc}") from None
    elif kind == "dtype":
        out = np.zeros(shape, dtype=args[0] or dtype, order=order)
    else:
        out = _draw(kind, args, kwargs, shape, rng, spec, order)
        if out.dtype.kind == "f" or kind != "integers":
            out = out.astype(dtype, copy=False)
    return _post(out, rng, density, scale)


def _array_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a numpy dtype of kind bool, int, uint or float; anything else is refused."""
    try:
        out = np.dtype(dtype)
    except TypeError:
        out = None
    if out is None or out.kind not in ARRAY_KINDS:
        raise ConfigurationTypeError(
            f"arrays from init strings hold numbers: dtype must be bool, an integer or a floating type "
            f"(e.g. np.float32, np.int64, bool), got {dtype!r}"
        )
    return out


def _draw(kind, args, kwargs, shape, rng, spec, order):
    """Draw from a distribution; F order is made by drawing the transposed shape."""
    draw_shape = shape[::-1] if order == "F" else shape
    if kind == "range":
        low, high = args  # 'a;b' may be given high first, as the PymoNNto seed does ('0;-65')
        if not np.isfinite(float(high) - float(low)):
            raise InitStringError(f"init string {_shown(spec)}: the range from {low} to {high} is not finite")
        values = low + (high - low) * rng.random(draw_shape)
    elif kind in ("uniform", "random") and not args and not kwargs:
        values = rng.random(draw_shape)  # same stream as uniform(0, 1), without the affine pass
    else:
        try:
            values = getattr(rng, kind)(*args, size=draw_shape, **kwargs)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  numpy's TypeError, ValueError, OverflowError ... for these arguments
            raise InitStringError(f"init string {_shown(spec)}: {kind} refuses these arguments: "
                                  f"{type(exc).__name__}: {exc}") from None
    values = np.asarray(values)
    return values.T if order == "F" else values


def _post(out: np.ndarray, rng: np.random.Generator, density, scale) -> np.ndarray:
    """Apply ``density`` (random sparsification) and ``scale`` in place, keeping memory order."""
    if density is not None:
        if isinstance(density, bool) or not isinstance(density, (int, float, np.integer, np.floating)) or \
                not 0.0 <= density <= 1.0:
            raise InitStringError(f"density must be a number within [0, 1], got {density!r}")
        keep = rng.random(out.shape[::-1]).T < density if out.flags.f_contiguous else (
            rng.random(out.shape) < density
        )
        if out.dtype == bool:
            out &= keep
        else:
            out *= keep
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) or \
                not np.isfinite(scale):
            raise InitStringError(f"scale must be a finite number, got {scale!r}")
        if out.dtype.kind == "f":
            out *= out.dtype.type(scale)
        else:
            out = out * scale
    return out
