"""Durations: ``'250ms'``, ``'1.5 s'``, ``'2 second'`` or a plain number of milliseconds."""

from __future__ import annotations

import re
from typing import Any

from .errors import DurationError

_UNITS_MS = {
    "ms": 1.0, "msecond": 1.0, "msec": 1.0, "millisecond": 1.0, "milliseconds": 1.0,
    "s": 1000.0, "sec": 1000.0, "second": 1000.0, "seconds": 1000.0,
    "us": 1e-3, "usecond": 1e-3, "microsecond": 1e-3,
    "min": 60_000.0, "minute": 60_000.0, "minutes": 60_000.0,
}
_DURATION_RE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*\*?\s*([A-Za-z]+)?\s*$")


def to_ms(duration: Any) -> float:
    """Convert a duration to milliseconds; a bare number is taken as ms."""
    if isinstance(duration, bool):
        raise DurationError(f"duration must be a number of ms or a string like '250ms', got {duration!r}")
    if isinstance(duration, (int, float)):
        value = float(duration)
    elif isinstance(duration, str):
        match = _DURATION_RE.match(duration)
        if not match or (match.group(2) and match.group(2) not in _UNITS_MS):
            raise DurationError(
                f"duration {duration!r} is not understood; use a number and one of "
                f"{sorted(set(_UNITS_MS))}, e.g. '250ms' or '1.5s'"
            )
        value = float(match.group(1)) * _UNITS_MS[match.group(2) or "ms"]
    else:
        raise DurationError(f"duration must be a number of ms or a string like '250ms', got {type(duration).__name__}")
    if value < 0:
        raise DurationError(f"duration must not be negative, got {duration!r}")
    return value
