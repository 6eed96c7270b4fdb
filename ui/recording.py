"""The explorer's own recordings: ring-buffer recorders it adds to the network and removes on close.

Panels never record anything themselves. They declare :class:`Need` s; the
:class:`RecordingManager` merges them into at most two recorders per neuron group (one
:class:`ExplorerTraceRecorder` for the traced expressions, one for the boolean event variables
such as spikes), each a ring buffer (``max_length``) attached under a key above every other
behaviour and tagged ``'pymonn.ui'``. Reading happens only while the simulation is paused between
batches (see :class:`~pymonn.ui.worker.SimulationLock`), and every read copies only the rows a
panel shows.

Spikes are kept as one boolean row per step (a plain copy of ``fired``, about a microsecond) and
turned into (step, index) events on the GUI side, only for the rows recorded since the previous
frame: the simulation pays the least, the GUI a ``nonzero`` over the new rows.
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
        A recorder expression (``'v'``, ``'np.mean(v)'``) or, with ``kind='events'``, a per-neuron
        spike variable (``'fired'``: a bool array, or numbers where non-zero means a spike).
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


def tail_views(buf, n: int) -> list[np.ndarray]:
    """The newest ``n`` rows of a RowBuffer (oldest first) as one or two read-only views (no copy)."""
    out, need = [], int(n)
    for seg in reversed(_segments(buf)):
        if need <= 0:
            break
        part = seg[max(0, len(seg) - need):]
        need -= len(part)
        out.append(part)
    out.reverse()
    return out


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


class ExplorerTraceRecorder(Recorder):
    """A :class:`~pymonn.Recorder` kept as a ring of ``max_length`` rows, with a lean step.

    Each step costs a read and a row copy per expression: rows are written straight into the
    ring's storage instead of going through the general ``RowBuffer.append`` (which the first
    row, a change of shape and a non-ring recorder still use, so errors stay the same).

    The recorders one :class:`RecordingManager` adds share a :class:`RecorderGroup`: the first of
    them in the network's schedule records for all of them and the others take no step of their
    own (one call per step instead of one per recorder; they all run after every ordinary
    behaviour, so the values are the same).
    """

    _group: RecorderGroup | None = None

    def iteration(self, obj: Any) -> None:
        _record((self,), obj.network._iteration)

    def schedule_changed(self, obj: Any, schedule: list) -> None:
        group = self._group
        if group is not None:  # every member computes the same list; the first one records for all
            group.members = tuple(b for _, b in schedule if isinstance(b, ExplorerTraceRecorder) and b._group is group)

    def step_function(self):
        group = self._group
        network = getattr(self.parent, "network", None)
        if group is None or network is None or not network.initialized:
            return self.iteration
        return self._record_group if group.members and group.members[0] is self else None

    def _record_group(self, obj: Any) -> None:
        _record(self._group.members, obj.network._iteration)


class RecorderGroup:
    """Recorders that one of them records for (see :class:`ExplorerTraceRecorder`)."""

    def __init__(self) -> None:
        self.members: tuple[ExplorerTraceRecorder, ...] = ()


def _record(recorders, iteration: int) -> None:
    """One step of each recorder: a row per expression straight into its ring."""
    for rec in recorders:
        if not rec.active or iteration % rec.every:
            continue
        for read, buf in rec._readers:
            value = read()
            data = buf._data
            if data is None or buf.max_length is None or getattr(value, "shape", None) != data.shape[1:]:
                buf.append(value)
            else:
                data[buf._count % buf.max_length] = value
                buf._count += 1
        its = rec._iterations
        if its._data is None or its.max_length is None:
            its.append(iteration)
        else:
            its._data[its._count % its.max_length] = iteration
            its._count += 1


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
        Steps kept per recorder (traces and the boolean rows of events; more when a Need asks).
    max_bytes : int
        Cap on one recorder's memory; large groups keep fewer steps.
    """

    def __init__(self, net, buffer_steps: int = 2000, max_bytes: int = 64 * 2 ** 20):
        self.net = net
        self.buffer_steps = int(buffer_steps)
        self.max_bytes = int(max_bytes)
        self._traces: dict[int, Recorder] = {}
        self._events: dict[int, ExplorerTraceRecorder] = {}  # boolean rows, one per step
        self._means: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        # (group id, variable) -> (event steps, event indices, newest step converted)
        self._event_cache: dict[tuple[int, str], tuple[np.ndarray, np.ndarray, int]] = {}
        self.added: list[tuple[Any, float, Any]] = []
        self._group = RecorderGroup()  # one step call records for every recorder added here

    # -- adding ---------------------------------------------------------------------------------
    def _free_key(self, obj) -> float:
        key = EXPLORER_KEY
        while key in obj.behaviours:
            key += 1
        return key

    def trace_rows(self, group, steps: int | None = None, itemsize: int | None = None) -> int:
        """Ring length of a trace recorder on ``group`` (bounded by ``max_bytes``).

        ``itemsize`` is the bytes per neuron and step (default: the group's dtype; 1 for the
        boolean rows of spikes).
        """
        per_step = max(1, group.size) * (itemsize or np.dtype(group.dtype).itemsize)
        wanted = max(self.buffer_steps, int(steps or 0))
        return int(max(50, min(wanted, self.max_bytes // per_step)))

    def ensure(self, need: Need) -> bool:
        """Record what ``need`` asks for (no-op when already recorded); False when impossible."""
        group = need.group
        if need.kind == "events":
            rec = self._events.get(id(group))
            if rec is None:
                value = getattr(group, need.expression, None)
                if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
                    return False
                # bytes per neuron and step: 1 for bool spikes, 8 for a float64 0/1 spike variable
                rows = self.trace_rows(group, need.steps, itemsize=value.dtype.itemsize)
                rec = ExplorerTraceRecorder([need.expression], tag=EXPLORER_TAG, max_length=rows, chunk=64)
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
            rec = ExplorerTraceRecorder([need.expression], tag=EXPLORER_TAG, max_length=self.trace_rows(group, need.steps),
                                        chunk=64)
            self._add(group, rec)
            self._traces[id(group)] = rec
        else:
            rec.add_variable(need.expression)
        return True

    def _add(self, group, rec) -> None:
        rec._group = self._group
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
        self._event_cache.clear()

    def clear(self) -> None:
        """Forget what was recorded (after a reset)."""
        for _, _, rec in self.added:
            rec.clear()
        self._means.clear()
        self._event_cache.clear()

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
        if c_it.size and (c_it[-1] > iters[-1] or c_it[-1] < iters[0]
                          or iters[int(np.searchsorted(iters, c_it[-1]))] != c_it[-1]):
            c_it, c_mean = np.empty(0, np.int64), np.empty(0)  # reset or a gap: start again
        new = k - int(np.searchsorted(iters, c_it[-1], side="right")) if c_it.size else k
        if new:
            # the mean of each new row, read from the ring in place (no copy of the rows)
            fresh = np.concatenate([part.reshape(len(part), -1).mean(axis=1, dtype=np.float64)
                                    for part in tail_views(buf, new)])
            c_it = np.concatenate([c_it, iters[-new:]])
            c_mean = np.concatenate([c_mean, fresh])
        if c_it[0] < iters[0]:
            pos = int(np.searchsorted(c_it, iters[0]))
            c_it, c_mean = c_it[pos:], c_mean[pos:]
        self._means[key] = (c_it, c_mean)
        return c_it * self.net.dt, c_mean

    def events(self, group, variable: str = "fired", steps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Spike times (ms) and neuron indices of the newest ``steps`` steps (all kept when None)."""
        its, idx = self.event_steps(group, variable, steps)
        return its * self.net.dt, idx

    def event_steps(self, group, variable: str = "fired", steps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`events` with the step numbers (int64) instead of times."""
        rec = self._events.get(id(group))
        if rec is None or variable not in rec._buffers:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        its, idx = self._event_arrays(id(group), rec, variable)
        if steps is not None:
            pos = int(np.searchsorted(its, self.net.iteration - int(steps) + 1, side="left"))
            its, idx = its[pos:], idx[pos:]
        return its.copy(), idx.copy()  # copies: the cache stays intact whatever the caller does

    def _event_arrays(self, gid: int, rec: Recorder, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """(steps, indices) of every event held in the ring of ``variable``, converting new rows only."""
        buf = rec._buffers[variable]
        rec_its = tail_rows(rec._iterations, len(buf)) if len(buf) else np.empty(0, np.int64)
        key = (gid, variable)
        if rec_its.size == 0:
            self._event_cache.pop(key, None)
            return np.empty(0, np.int64), np.empty(0, np.int32)
        c_its, c_idx, c_last = self._event_cache.get(key, (np.empty(0, np.int64), np.empty(0, np.int32), -1))
        if c_last > rec_its[-1]:  # the recordings were cleared (reset): start again
            c_its, c_idx, c_last = np.empty(0, np.int64), np.empty(0, np.int32), -1
        new = rec_its.size - int(np.searchsorted(rec_its, c_last, side="right"))
        if new:
            new_its, parts_its, parts_idx, done = rec_its[-new:], [c_its], [c_idx], 0
            for part in tail_views(buf, new):  # read in place: no copy of the boolean rows
                rows = part.reshape(len(part), -1)
                flat = np.flatnonzero(rows)  # 1-D nonzero: several times faster than a 2-D one
                r, i = np.divmod(flat, rows.shape[1])
                parts_its.append(new_its[done:done + len(part)][r].astype(np.int64, copy=False))
                parts_idx.append(i.astype(np.int32))
                done += len(part)
            c_its, c_idx = np.concatenate(parts_its), np.concatenate(parts_idx)
        if c_its.size and c_its[0] < rec_its[0]:  # drop what the ring no longer holds
            pos = int(np.searchsorted(c_its, rec_its[0], side="left"))
            c_its, c_idx = c_its[pos:], c_idx[pos:]
        self._event_cache[key] = (c_its, c_idx, int(rec_its[-1]))
        return c_its, c_idx

    def has_events(self, group) -> bool:
        """Whether spikes of ``group`` are recorded."""
        return id(group) in self._events

    def has_trace(self, group, expression: str) -> bool:
        """Whether ``expression`` of ``group`` is recorded."""
        rec = self._traces.get(id(group))
        return rec is not None and expression in rec._buffers
