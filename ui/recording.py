"""The explorer's own recordings: ring-buffer recorders it adds to the network and removes on close.

Panels never record anything themselves. They declare :class:`Need` s; the
:class:`RecordingManager` merges them into at most two recorders per neuron group (one
:class:`~pymonn.Recorder` for the traced expressions, one :class:`~pymonn.EventRecorder` for
spikes), each a ring buffer (``max_length``) attached under a key above every other behaviour and
tagged ``'pymonn.ui'``. Reading happens only while the simulation is paused between batches (see
:class:`~pymonn.ui.worker.SimulationLock`), and every read copies only the rows a panel shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pymonn import EventRecorder, Recorder

#: Tag carried by every recorder the explorer adds.
EXPLORER_TAG = "pymonn.ui"
#: First key tried for the explorer's recorders (after every ordinary behaviour).
EXPLORER_KEY = 1_000_000


@dataclass(frozen=True)
class Need:
    """What a panel wants recorded.

    Parameters
    ----------
    group : NeuronGroup
    expression : str
        A recorder expression (``'v'``, ``'np.mean(v)'``) or, with ``kind='events'``, a boolean
        variable (``'fired'``).
    kind : str
        ``'trace'`` (every step, one row per sample) or ``'events'`` ((step, index) pairs).
    steps : int, optional
        How many of the newest steps the panel wants to read (default: the explorer's buffer,
        twice the visible window). Honoured when the recorder is created; a trace ring is still
        capped by the manager's memory limit.
    """

    group: Any
    expression: str
    kind: str = "trace"
    steps: int | None = None


# -- reading ring buffers without copying the whole ring -------------------------------------------
def _segments(buf) -> list[np.ndarray]:
    """The rows of a RowBuffer in logical order, as one or two views (no copy)."""
    return buf.segments()


def tail_rows(buf, n: int, columns: Any = None) -> np.ndarray:
    """The newest ``n`` rows of a RowBuffer (oldest first), optionally only some columns."""
    segs = _segments(buf)
    out, need = [], n
    for seg in reversed(segs):
        if need <= 0:
            break
        part = seg[max(0, len(seg) - need):]
        need -= len(part)
        out.append(part if columns is None else part[:, columns])
    if not out:
        return np.empty((0,))
    out.reverse()
    return np.concatenate(out) if len(out) > 1 else np.array(out[0], copy=True)


def rows_from(buf, keys_buf, first_key: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``keys_buf`` (non-decreasing) that are >= ``first_key``, and the same rows of ``buf``."""
    key_segs, val_segs = _segments(keys_buf), _segments(buf)
    keys_out, vals_out = [], []
    for ks, vs in zip(key_segs, val_segs, strict=True):
        pos = int(np.searchsorted(ks, first_key, side="left"))
        if pos < len(ks):
            keys_out.append(ks[pos:])
            vals_out.append(vs[pos:])
    if not keys_out:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    return np.concatenate(keys_out), np.concatenate(vals_out)


class ExplorerEventRecorder(EventRecorder):
    """An :class:`~pymonn.EventRecorder` kept as a ring of ``max_length`` events (1,000,000 by default)."""

    def __init__(self, variables: Any = "fired", tag: str | None = None, max_length: int | None = None,
                 chunk: int = 4096) -> None:
        super().__init__(variables, tag=tag, max_length=max_length or 1_000_000, chunk=chunk)


class RecordingManager:
    """Adds, reads and removes the explorer's ring-buffer recorders.

    Parameters
    ----------
    net : Network
    buffer_steps : int
        Steps kept per recorder (traces); event buffers keep ``buffer_steps * size`` events at most.
    max_bytes : int
        Cap on one trace buffer's memory; large groups keep fewer steps.
    """

    def __init__(self, net, buffer_steps: int = 2000, max_bytes: int = 64 * 2 ** 20):
        self.net = net
        self.buffer_steps = int(buffer_steps)
        self.max_bytes = int(max_bytes)
        self._traces: dict[int, Recorder] = {}
        self._events: dict[int, EventRecorder] = {}
        self._means: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self.added: list[tuple[Any, float, Any]] = []

    # -- adding ---------------------------------------------------------------------------------
    def _free_key(self, obj) -> float:
        key = EXPLORER_KEY
        while key in obj.behaviours:
            key += 1
        return key

    def trace_rows(self, group, steps: int | None = None) -> int:
        """Ring length of a trace recorder on ``group`` (bounded by ``max_bytes``)."""
        per_step = max(1, group.size) * np.dtype(group.dtype).itemsize
        wanted = max(self.buffer_steps, int(steps or 0))
        return int(max(50, min(wanted, self.max_bytes // per_step)))

    def ensure(self, need: Need) -> bool:
        """Record what ``need`` asks for (no-op when already recorded); False when impossible."""
        group = need.group
        if need.kind == "events":
            rec = self._events.get(id(group))
            if rec is None:
                if not hasattr(group, need.expression):
                    return False
                cap = int(min(max(self.buffer_steps, int(need.steps or 0)) * group.size, 8_000_000))
                rec = ExplorerEventRecorder(need.expression, tag=EXPLORER_TAG, max_length=cap)
                self._add(group, rec)
                self._events[id(group)] = rec
            elif need.expression not in rec.variables:
                rec.add_variable(need.expression)
            return True
        rec = self._traces.get(id(group))
        if rec is not None and need.expression in rec.variables:
            return True
        try:
            from pymonn.expressions import compile_expression

            value = np.asarray(compile_expression(need.expression, group)())
        except Exception:
            return False
        if value.dtype == object:
            return False
        if rec is None:
            rec = Recorder([need.expression], tag=EXPLORER_TAG, max_length=self.trace_rows(group, need.steps), chunk=64)
            self._add(group, rec)
            self._traces[id(group)] = rec
        else:
            rec.add_variable(need.expression)
        return True

    def _add(self, group, rec) -> None:
        key = self._free_key(group)
        group.add_behavior(key, rec)
        self.added.append((group, key, rec))

    def drop_traces(self, group) -> None:
        """Stop recording traces on ``group`` (removes its trace recorder)."""
        rec = self._traces.pop(id(group), None)
        if rec is None:
            return
        for entry in list(self.added):
            if entry[2] is rec:
                if group.behaviours.get(entry[1]) is rec:
                    group.remove_behavior(rec)
                self.added.remove(entry)
        self._means = {k: v for k, v in self._means.items() if k[0] != id(group)}

    def remove_all(self) -> None:
        """Detach every recorder this manager added."""
        for group, key, rec in self.added:
            if group.behaviours.get(key) is rec:
                group.remove_behavior(rec)
        self.added.clear()
        self._traces.clear()
        self._events.clear()

    def clear(self) -> None:
        """Forget what was recorded (after a reset)."""
        for _, _, rec in self.added:
            rec.clear()
        self._means.clear()

    def recorders(self) -> list:
        """The recorders currently attached by the explorer."""
        return [rec for _, _, rec in self.added]

    # -- reading (network quiescent) ------------------------------------------------------------
    def trace(self, group, expression: str, steps: int, columns: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Times (ms) and values of ``expression`` over the newest ``steps`` samples.

        ``columns`` picks neurons (an index array) before copying, so reading a few traces of a
        large group copies only those.
        """
        rec = self._traces.get(id(group))
        if rec is None or expression not in rec._buffers:
            return np.empty(0), np.empty((0,))
        buf = rec._buffers[expression]
        k = min(int(steps), len(buf))
        values = tail_rows(buf, k, columns)
        iters = tail_rows(rec._iterations, k) if k else np.empty(0)
        return iters * self.net.dt, values

    def trace_mean(self, group, expression: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Times (ms) and the mean over neurons of a recorded per-neuron expression.

        Means are cached per recorded step, so each frame averages only the rows recorded since
        the previous one (no per-step cost, no full-window copy).
        """
        rec = self._traces.get(id(group))
        if rec is None or expression not in rec._buffers:
            return np.empty(0), np.empty(0)
        buf = rec._buffers[expression]
        k = min(int(steps), len(buf))
        if k == 0:
            return np.empty(0), np.empty(0)
        iters = tail_rows(rec._iterations, k)
        key = (id(group), expression)
        c_it, c_mean = self._means.get(key, (np.empty(0, np.int64), np.empty(0)))
        if c_it.size and (c_it[-1] > iters[-1] or not np.isin(c_it[-1], iters)):
            c_it, c_mean = np.empty(0, np.int64), np.empty(0)  # reset or a gap: start again
        new = int(np.count_nonzero(iters > (c_it[-1] if c_it.size else -1)))
        if new:
            rows = tail_rows(buf, new)
            fresh = rows.reshape(new, -1).mean(axis=1, dtype=np.float64)
            c_it = np.concatenate([c_it, iters[-new:]])
            c_mean = np.concatenate([c_mean, fresh])
        keep = c_it >= iters[0]
        c_it, c_mean = c_it[keep], c_mean[keep]
        self._means[key] = (c_it, c_mean)
        return c_it * self.net.dt, c_mean

    def events(self, group, variable: str = "fired", steps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Spike times (ms) and neuron indices of the newest ``steps`` steps (all kept when None)."""
        rec = self._events.get(id(group))
        if rec is None or variable not in rec._events:
            return np.empty(0), np.empty(0, np.int32)
        steps_buf, index_buf = rec._events[variable]
        first = -np.inf if steps is None else self.net.iteration - int(steps) + 1
        first = np.iinfo(np.int64).min if first == -np.inf else int(first)
        its, idx = rows_from(index_buf, steps_buf, first)
        return its * self.net.dt, idx

    def has_events(self, group) -> bool:
        """Whether spikes of ``group`` are recorded."""
        return id(group) in self._events

    def has_trace(self, group, expression: str) -> bool:
        """Whether ``expression`` of ``group`` is recorded."""
        rec = self._traces.get(id(group))
        return rec is not None and expression in rec._buffers
