"""Gene specifications: the ranges and choices of a search, and the ``--gene`` strings of the command line.

A search (:func:`pymonn.sweeps.evolve`) takes ``genes={'a': (1.0, 5.0), 'tau': (1.0, 100.0, 'log'),
'n': [10, 20, 40], 'mode': 'fast'}``:

* a tuple ``(low, high)``: a range, searched as floats, or as ints when both ends are ints;
  ``(low, high, 'log')`` searches it on a log scale (``low > 0``);
* a list: the choices (categorical);
* a single value: fixed, passed to every trial and not searched.

On the command line, ``--gene a=1,2,3`` is a list of values and ``--gene g=3:6:4`` four values from
3 to 6 (``numpy.linspace``; ``low:high:count:log`` for ``numpy.geomspace``) for a grid; for a search
``--gene a=1.0:5.0`` is a range (``low:high:log`` on a log scale) and ``--gene n=10,20,40`` choices.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConfigurationError, ConfigurationTypeError
from .points import check_name, scalar


@dataclass(frozen=True)
class Gene:
    """One searched or fixed gene: ``kind`` is 'float', 'int', 'categorical' or 'fixed'."""

    name: str
    kind: str
    low: float | int | None = None
    high: float | int | None = None
    log: bool = False
    choices: tuple = ()
    value: Any = None


def _number(value: Any, who: str) -> int | float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ConfigurationTypeError(f"{who}: range ends must be numbers, got {value!r}")
    value = value.item() if isinstance(value, np.generic) else value
    if not math.isfinite(value):
        raise ConfigurationError(f"{who}: range ends must be finite, got {value!r}")
    return value


def gene(name: str, spec: Any, who: str = "evolve") -> Gene:
    """The :class:`Gene` that ``spec`` describes (see the module docstring); a named error when it is none."""
    name = check_name(name, who, "gene")
    where = f"{who}: gene {name!r}"
    if isinstance(spec, tuple):
        if len(spec) not in (2, 3) or (len(spec) == 3 and spec[2] != "log"):
            raise ConfigurationError(f"{where}: a range is (low, high) or (low, high, 'log'), got {spec!r}")
        low, high = _number(spec[0], where), _number(spec[1], where)
        log = len(spec) == 3
        if low >= high:
            raise ConfigurationError(f"{where}: the range ({low!r}, {high!r}) needs low < high")
        if log and low <= 0:
            raise ConfigurationError(f"{where}: a log range needs low > 0, got {low!r}")
        is_int = isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral)
        return Gene(name, "int" if is_int else "float", int(low) if is_int else float(low),
                    int(high) if is_int else float(high), log)
    if isinstance(spec, (list, np.ndarray)):
        choices = tuple(scalar(v, where) for v in (spec.tolist() if isinstance(spec, np.ndarray) else spec))
        if not choices:
            raise ConfigurationError(f"{where}: the list of choices is empty")
        if len(set(choices)) != len(choices):
            raise ConfigurationError(f"{where}: the choices {list(choices)!r} repeat a value")
        return Gene(name, "categorical", choices=choices)
    if isinstance(spec, dict) or isinstance(spec, (set, frozenset)):
        raise ConfigurationTypeError(f"{where}: expected (low, high), (low, high, 'log'), a list of choices "
                                     f"or a single value, got {type(spec).__name__} {spec!r}")
    return Gene(name, "fixed", value=scalar(spec, where))


def search_space(genes: Any, who: str = "evolve") -> dict[str, Gene]:
    """Every gene of ``genes`` (a dict), checked; at least one must be searched."""
    if not isinstance(genes, dict):
        raise ConfigurationTypeError(f"{who}: genes must be a dict such as {{'a': (1.0, 5.0), 'n': [10, 20]}}, "
                                     f"got {type(genes).__name__} {genes!r}")
    space = {name: gene(name, spec, who) for name, spec in genes.items()}
    if not any(g.kind != "fixed" for g in space.values()):
        raise ConfigurationError(f"{who}: no gene is searched; give a range (low, high) or a list of choices")
    return space


def parse_value(text: str) -> int | float | str | bool:
    """A command-line value: an int, else a float, else True/False, else the text itself."""
    text = text.strip()
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def _split(text: str, who: str) -> tuple[str, str]:
    name, sep, spec = text.partition("=")
    if not sep or not name.strip() or not spec.strip():
        raise ConfigurationError(f"{who}: --gene {text!r} must be NAME=VALUES, e.g. a=1,2,3 or g=3:6:4")
    return check_name(name.strip(), who, "gene"), spec.strip()


def _ends(parts: list[str], text: str, who: str) -> tuple[int | float, int | float]:
    low, high = parse_value(parts[0]), parse_value(parts[1])
    for end in (low, high):
        if isinstance(end, (bool, str)):
            raise ConfigurationError(f"{who}: --gene {text!r}: {end!r} is not a number")
    if low >= high:
        raise ConfigurationError(f"{who}: --gene {text!r}: the range needs low < high, got {low!r} >= {high!r}")
    return low, high


def parse_grid_gene(text: str, who: str = "grid") -> tuple[str, list]:
    """``'a=1,2,3'`` -> ('a', [1, 2, 3]); ``'g=3:6:4'`` -> ('g', [3.0, 4.0, 5.0, 6.0]); ``'x=1:100:3:log'`` -> geomspace."""
    name, spec = _split(text, who)
    if ":" not in spec:
        return name, [parse_value(v) for v in spec.split(",") if v.strip()] or [parse_value(spec)]
    parts = spec.split(":")
    if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "log"):
        raise ConfigurationError(f"{who}: --gene {text!r}: a grid range is low:high:count or low:high:count:log")
    low, high = _ends(parts, text, who)
    count = parse_value(parts[2])
    if isinstance(count, bool) or not isinstance(count, int) or count < 2:
        raise ConfigurationError(f"{who}: --gene {text!r}: the count must be an int >= 2, got {parts[2]!r}")
    if len(parts) == 4:
        if low <= 0:
            raise ConfigurationError(f"{who}: --gene {text!r}: a log range needs low > 0")
        return name, [float(v) for v in np.geomspace(low, high, count)]
    values = np.linspace(low, high, count)
    integral = isinstance(low, int) and isinstance(high, int) and np.all(values == np.round(values))
    return name, [int(v) for v in values] if integral else [float(v) for v in values]


def parse_search_gene(text: str, who: str = "evolve") -> tuple[str, Any]:
    """``'a=1.0:5.0'`` -> ('a', (1.0, 5.0)); ``'t=1:100:log'`` -> log range; ``'n=10,20'`` -> choices; ``'m=x'`` -> fixed."""
    name, spec = _split(text, who)
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
            raise ConfigurationError(f"{who}: --gene {text!r}: a search range is low:high or low:high:log")
        low, high = _ends(parts, text, who)
        return name, (low, high, "log") if len(parts) == 3 else (low, high)
    if "," in spec:
        return name, [parse_value(v) for v in spec.split(",") if v.strip()]
    return name, parse_value(spec)
