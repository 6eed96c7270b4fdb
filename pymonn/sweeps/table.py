"""Rows and tables: one row per run, columns in a fixed order, as a pandas DataFrame."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .points import Run

HEAD = ("point", "repeat", "trial")
TAIL = ("returncode", "stdout", "state", "error", "attempts", "wall_s", "worker", "task", "key")
BOOKKEEPING = ("task", "key")


def order(columns: Sequence[str], params: Sequence[str]) -> list[str]:
    """Columns as tables show them: point, repeat, the parameters, seed, the values, then the run's record."""
    present = set(columns)
    head = [c for c in HEAD if c in present] + [p for p in params if p in present] + (["seed"] if "seed" in present else [])
    tail = [c for c in TAIL if c in present]
    middle = [c for c in columns if c not in head and c not in tail]
    return head + middle + tail


def row(run: Run, result: dict[str, Any], task: str) -> dict[str, Any]:
    """The flat table row of a finished (or failed) run."""
    out: dict[str, Any] = {"point": run.point, "repeat": run.repeat, **run.params, "seed": run.seed}
    out.update(result["values"])
    out.update(result["extra"])
    wall = result["wall_s"]
    out.update(error=result["error"], attempts=run.attempts,
               wall_s=None if wall is None or (isinstance(wall, float) and math.isnan(wall)) else wall,
               worker=result["worker"] or None, task=task, key=run.key)
    return out


def frame(rows: list[dict[str, Any]], params: Sequence[str], keep_bookkeeping: bool = False):
    """A DataFrame of ``rows`` (already in table order)."""
    import pandas as pd

    columns: list[str] = []
    for r in rows:
        for c in r:
            if c not in columns:
                columns.append(c)
    columns = [c for c in order(columns, params) if keep_bookkeeping or c not in BOOKKEEPING]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
