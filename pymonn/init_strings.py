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
"""

from __future__ import annotations

import ast
import functools
from typing import Any

import numpy as np

from .errors import InitStringError

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

ALLOWED = (
    "a number, 'a;b' (uniform in [a, b]), 'zeros', 'ones', 'bool', 'int', or a numpy "
    "distribution name with literal arguments such as 'uniform', 'normal(0, 1)', "
    "'lognormal(mean=1, sigma=1)'"
)


def _literal(node: ast.AST, text: str) -> float | int | bool:
    """Return the number a literal argument node stands for (``-3`` and ``+3`` included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, text)
        return -value if isinstance(node.op, ast.USub) else value
    raise InitStringError(
        f"init string {text!r}: arguments must be literal numbers, got {ast.unparse(node)!r}"
    )


def parse(text: str) -> tuple[str, tuple, dict]:
    """Parse an init string into ``(kind, args, kwargs)``.

    ``kind`` is ``'constant'`` (args = (value,)), ``'dtype'`` (args = (dtype,)),
    ``'range'`` (args = (a, b)) or a distribution name. Results are cached: behaviours call
    ``vector('uniform')`` every step, and parsing must not cost more than drawing.
    """
    if not isinstance(text, str):
        raise InitStringError(f"init string must be a str, got {type(text).__name__}")
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
            raise InitStringError(f"init string {text!r}: 'a;b' takes exactly two numbers")
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
        raise InitStringError(f"init string {text!r}: unknown name {name!r}; allowed: {ALLOWED}")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = _ALIASES.get(node.func.id, node.func.id)
        if name in _CONSTANTS and not node.args and not node.keywords:
            return "constant", (_CONSTANTS[name],), {}
        if name not in DISTRIBUTIONS:
            raise InitStringError(
                f"init string {text!r}: {name!r} is not an allowed distribution; allowed: {ALLOWED}"
            )
        args = tuple(_literal(a, text) for a in node.args)
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise InitStringError(f"init string {text!r}: '**' is not allowed")
            kwargs[kw.arg] = _literal(kw.value, text)
        return name, args, kwargs
    raise InitStringError(f"init string {text!r} is not understood; allowed: {ALLOWED}")


def _parse_expr(src: str, text: str) -> ast.AST:
    try:
        return ast.parse(src.strip(), mode="eval").body
    except SyntaxError:
        raise InitStringError(f"init string {text!r} is not understood; allowed: {ALLOWED}") from None


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
    """
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
        arr = np.asarray(spec)
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
        out = np.full(shape, args[0], dtype=dtype, order=order)
    elif kind == "dtype":
        out = np.zeros(shape, dtype=args[0] or dtype, order=order)
    else:
        out = _draw(kind, args, kwargs, shape, rng, spec, order)
        if out.dtype.kind == "f" or kind != "integers":
            out = out.astype(dtype, copy=False)
    return _post(out, rng, density, scale)


def _draw(kind, args, kwargs, shape, rng, spec, order):
    """Draw from a distribution; F order is made by drawing the transposed shape."""
    draw_shape = shape[::-1] if order == "F" else shape
    if kind == "range":
        low, high = args  # 'a;b' may be given high first, as the PymoNNto seed does ('0;-65')
        values = low + (high - low) * rng.random(draw_shape)
    elif kind in ("uniform", "random") and not args and not kwargs:
        values = rng.random(draw_shape)  # same stream as uniform(0, 1), without the affine pass
    else:
        try:
            values = getattr(rng, kind)(*args, size=draw_shape, **kwargs)
        except (TypeError, ValueError) as exc:
            raise InitStringError(f"init string {spec!r}: {exc}") from None
    values = np.asarray(values)
    return values.T if order == "F" else values


def _post(out: np.ndarray, rng: np.random.Generator, density, scale) -> np.ndarray:
    """Apply ``density`` (random sparsification) and ``scale`` in place, keeping memory order."""
    if density is not None:
        if not 0.0 <= density <= 1.0:
            raise InitStringError(f"density must be within [0, 1], got {density!r}")
        keep = rng.random(out.shape[::-1]).T < density if out.flags.f_contiguous else (
            rng.random(out.shape) < density
        )
        if out.dtype == bool:
            out &= keep
        else:
            out *= keep
    if scale is not None:
        if out.dtype.kind == "f":
            out *= out.dtype.type(scale)
        else:
            out = out * scale
    return out
