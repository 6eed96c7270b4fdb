"""What a worker runs: a function or a script on one run's parameters and seed, turned into a table row.

:func:`execute` never raises for a run that fails: the row carries the error (``'ZeroDivisionError:
division by zero (at model.py:12 in run)'``), so a sweep goes on. Only the loss of the worker
itself (its process killed) reaches the driver, which retries the run.
"""

from __future__ import annotations

import numbers
import os
import sys
import time
import traceback
from typing import Any

import numpy as np

from ..errors import ConfigurationError, ConfigurationTypeError
from .points import RESERVED

#: A returned list, tuple or 1-D array of at most this many numbers becomes columns ``name_0, name_1, ...``.
MAX_FLAT = 16


class RunFailed(Exception):
    """A run that failed but still has values for its row (a script's exit status and output)."""

    def __init__(self, message: str, values: dict[str, Any] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.values = values or {}
        self.extra = extra or {}


class FunctionTask:
    """``fn(params, seed) -> dict`` (or a number, or a list of numbers: the score)."""

    kind = "function"

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        module = getattr(fn, "__module__", None) or type(fn).__module__
        self.name = f"{module}.{getattr(fn, '__qualname__', type(fn).__qualname__)}"

    def __call__(self, params: dict[str, Any], seed: int, run: dict[str, Any]) -> tuple[dict, dict]:
        return values_of(self.fn(dict(params), seed), params), {}


def _location(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"


def describe_error(exc: BaseException) -> str:
    """``'Type: message (at file:line in function)'``: one line for the table's ``error`` column."""
    message = str(exc).strip().splitlines()
    first = message[0] if message else ""
    if isinstance(exc, RunFailed):
        return first
    return f"{type(exc).__name__}: {first}".rstrip(": ") + _location(exc)


def _flat(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        items = np.asarray(value, dtype=object).ravel().tolist() if isinstance(value, np.ndarray) else list(value)
        if np.ndim(value) != 1 or len(items) > MAX_FLAT:
            raise ConfigurationTypeError(
                f"returned {name!r} has shape {np.shape(value)}: a table holds numbers, bools, strings and lists of "
                f"at most {MAX_FLAT} numbers; return summary values (a mean, a count) instead")
        out: dict[str, Any] = {}
        for k, item in enumerate(items):
            out.update(_flat(f"{name}_{k}", item))
        return out
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, str)):
        return {name: value}
    if isinstance(value, numbers.Integral):
        return {name: int(value)}
    if isinstance(value, numbers.Real):
        return {name: float(value)}
    raise ConfigurationTypeError(f"returned {name!r} is a {type(value).__name__}: a table holds numbers, bools, "
                                 "strings and short lists of numbers")


def values_of(out: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The row values of what a run returned: a dict, or a number / list of numbers (the ``score``)."""
    if isinstance(out, dict):
        items = list(out.items())
    elif isinstance(out, (numbers.Real, np.generic, list, tuple, np.ndarray)) and not isinstance(out, (bool, np.bool_)):
        items = [("score", out)]
    else:
        raise ConfigurationTypeError(f"a run must return a dict of results (or a number: its score), "
                                     f"got {type(out).__name__} {out!r}")
    values: dict[str, Any] = {}
    for name, value in items:
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigurationError(f"returned names must be identifiers such as 'rate', got {name!r}")
        if name in RESERVED or name in params:
            raise ConfigurationError(f"returned {name!r} is also a column the table writes (a parameter or one of "
                                     f"{', '.join(RESERVED)}); rename it")
        values.update(_flat(name, value))
    return values


def worker_name() -> str:
    """The Dask worker's address when running on one, else ``'serial'``."""
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return str(get_worker().address)
        except ValueError:
            pass
    return "serial"


def execute(task: Any, params: dict[str, Any], seed: int, run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``task`` once and return ``{'values', 'extra', 'error', 'wall_s', 'worker'}``; never raises for a failed run."""
    start = time.perf_counter()
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    error = None
    try:
        values, extra = task(params, seed, run or {})
    except RunFailed as exc:
        values, extra, error = exc.values, exc.extra, describe_error(exc)
    except Exception as exc:  # the row keeps the error; the sweep goes on
        error = describe_error(exc)
    return {"values": values, "extra": extra, "error": error, "wall_s": time.perf_counter() - start,
            "worker": worker_name()}
