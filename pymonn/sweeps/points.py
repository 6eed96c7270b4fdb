"""The runs of a sweep: grid points, their repetitions, seeds and keys (numpy and the standard library only).

A grid is a dict of value lists (their cartesian product, the last name varying fastest) or a list
of dicts (the points as given). Every run is one point and one repetition; its seed is

    ``SeedSequence(seed, spawn_key=(point, repeat))``  (= ``SeedSequence(seed).spawn(n)[point].spawn(r)[repeat]``)

drawn as one 32-bit integer, so a run's seed depends only on the sweep's seed and the run's place
in the grid, never on where or in which order it ran. A trial of a search has
``SeedSequence(seed, spawn_key=(trial,))``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ConfigurationError, ConfigurationTypeError

#: Columns every table has; no parameter or returned value may take these names.
RESERVED = ("point", "repeat", "trial", "seed", "key", "task", "error", "attempts", "wall_s", "worker",
            "returncode", "stdout", "state")
#: What a returned value may be called but a parameter may not (a script's score has this name).
PARAMETER_RESERVED = (*RESERVED, "score")


@dataclass
class Run:
    """One run: a grid point (``point``, ``params``) and a repetition, with its seed."""

    point: int
    repeat: int
    params: dict[str, Any]
    seed: int
    key: str = ""
    attempts: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = run_key(self.params, self.repeat, self.seed)


def derive_seed(seed: int, *index: int) -> int:
    """The seed of the run at ``index`` (point and repeat, or trial): 32 bits of ``SeedSequence(seed, spawn_key=index)``."""
    return int(np.random.SeedSequence(seed, spawn_key=tuple(int(i) for i in index)).generate_state(1, np.uint32)[0])


def run_key(params: dict[str, Any], repeat: int, seed: int) -> str:
    """A 16-hex-digit key naming a run by its parameters, repetition and seed (how a store finds it again)."""
    text = json.dumps([sorted(params.items()), int(repeat), int(seed)], separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_seed(seed: Any, who: str) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ConfigurationTypeError(f"{who}: seed must be a non-negative int, got {seed!r}")
    return int(seed)


def check_name(name: Any, who: str, what: str = "parameter") -> str:
    """A parameter or gene name: a Python identifier that is not one of the table's own columns."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigurationError(f"{who}: {what} names must be Python identifiers such as 'tau_m', got {name!r}")
    if name in PARAMETER_RESERVED:
        raise ConfigurationError(f"{who}: {what} name {name!r} is a column the table writes itself; "
                                 f"rename it (reserved: {', '.join(PARAMETER_RESERVED)})")
    return name


def scalar(value: Any, who: str) -> Any:
    """``value`` as a plain Python bool, int, float or str; a named error for anything else."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ConfigurationTypeError(f"{who}: values must be numbers, bools or strings, got {type(value).__name__} {value!r}")


def _kind(value: Any) -> str:
    return "bool" if isinstance(value, bool) else "str" if isinstance(value, str) else "number"


def _values(name: str, values: Any, who: str) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]  # a single value is a constant of the grid
    if isinstance(values, dict):
        raise ConfigurationTypeError(f"{who}: {name!r} must be a list of values, got a dict")
    if isinstance(values, np.ndarray):
        values = values.ravel().tolist()
    out = [scalar(v, f"{who}: {name!r}") for v in values]
    if not out:
        raise ConfigurationError(f"{who}: {name!r} has no values; give at least one")
    return out


def expand(grid: Any, who: str = "sweep") -> list[dict[str, Any]]:
    """The points of ``grid``: a dict of value lists (cartesian product) or a list of dicts.

    Raises
    ------
    ConfigurationError
        An empty grid, a name with no values, a name that is no identifier or is reserved, or a
        parameter whose values mix numbers, bools and strings (a table column holds one kind).
    ConfigurationTypeError
        A grid that is neither, or a value that is not a number, bool or string.
    """
    if isinstance(grid, dict):
        if not grid:
            raise ConfigurationError(f"{who}: the grid is empty; give at least one parameter with values, "
                                     "e.g. {'g': [3, 4, 5]}")
        names = [check_name(k, who) for k in grid]
        lists = [_values(k, grid[k], who) for k in names]
        points = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]
    elif isinstance(grid, (list, tuple)):
        if not grid:
            raise ConfigurationError(f"{who}: the grid is an empty list; give at least one point")
        points = []
        for k, point in enumerate(grid):
            if not isinstance(point, dict):
                raise ConfigurationTypeError(f"{who}: grid point {k} must be a dict of parameters, "
                                             f"got {type(point).__name__} {point!r}")
            points.append({check_name(n, who): scalar(v, f"{who}: point {k} {n!r}") for n, v in point.items()})
    else:
        raise ConfigurationTypeError(f"{who}: grid must be a dict of value lists or a list of dicts, "
                                     f"got {type(grid).__name__} {grid!r}")
    kinds: dict[str, set] = {}
    for point in points:
        for name, value in point.items():
            kinds.setdefault(name, set()).add(_kind(value))
    for name, found in kinds.items():
        if len(found) > 1:
            raise ConfigurationError(f"{who}: {name!r} mixes {' and '.join(sorted(found))} values; "
                                     "a table column holds one kind")
    return points


def make_runs(points: list[dict[str, Any]], repeats: int, seed: int, who: str = "sweep") -> list[Run]:
    """Every (point, repeat) run in table order, each with its derived seed."""
    if isinstance(repeats, (bool, np.bool_)) or not isinstance(repeats, numbers.Integral) or repeats < 1:
        raise ConfigurationError(f"{who}: repeats must be an int >= 1, got {repeats!r}")
    return [Run(k, r, dict(p), derive_seed(seed, k, r)) for k, p in enumerate(points) for r in range(int(repeats))]
