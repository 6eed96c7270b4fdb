"""Recorders that stream to an HDF5 file in chunks, so long runs keep bounded memory.

:class:`StreamingRecorder` keeps ``chunk_steps`` samples in a preallocated block and appends the
block to resizable HDF5 datasets whenever it is full (and on :meth:`~StreamingRecorder.flush`,
:meth:`~StreamingRecorder.close`, a checkpoint, or interpreter exit). After each flush the file
on disk is complete and consistent, so a run that crashes or is killed (even with SIGKILL)
leaves a readable file holding every flushed step; only the unflushed tail is lost.
:class:`StreamingEventRecorder` does the same for spikes as (iteration, index) pairs.

The file is created at the first flush (not at ``initialize``), so building a network again to
resume from a checkpoint does not wipe it: loading the checkpoint (``net.load``) tells the
recorder how many rows were flushed at that point; the next flush reopens the file, cuts it back
to those rows and appends from there. A resumed run therefore writes the same file as an
uninterrupted one.

File layout::

    /iteration                 (rows,) int64          StreamingRecorder: step of each sample
    /values/<expression>       (rows, ...) recorded dtype
    /events/<variable>/iteration, /events/<variable>/i   StreamingEventRecorder
    attributes: format='pymonn-stream', dt (ms), every, variables (JSON), source, last_iteration

Expressions containing ``/`` are stored with it escaped as ``%2F``. Read a file, also one left
by a killed run, with :func:`read_stream`. Needs h5py (extra ``[io]``).

Examples
--------
>>> rec = StreamingRecorder(['v'], 'run.h5', chunk_steps=1000)
>>> NeuronGroup(net, 1000, {30: LIF(), 90: rec})
>>> net.run('100s'); rec.close()
>>> data = read_stream('run.h5'); data['v'].shape, data['t'][:3]
"""

from __future__ import annotations

import json
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError, RecordingError
from .recording import EventRecorder, Recorder

__all__ = ["StreamingRecorder", "StreamingEventRecorder", "read_stream"]

FORMAT = "pymonn-stream"
_CHUNK_BYTES = 1 << 20  # HDF5 chunk size target


def _h5py():
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError("streaming to HDF5 needs h5py: pip install 'pymonn[io]'") from exc
    return h5py


def _escape(name: str) -> str:
    return name.replace("%", "%25").replace("/", "%2F")


def _unescape(name: str) -> str:
    return name.replace("%2F", "/").replace("%25", "%")


class _Sink:
    """An HDF5 file that resizable datasets are appended to. Holds no reference to the recorder."""

    def __init__(self, path: Path, attrs: dict):
        self.path = path
        self.attrs = attrs
        self.file = None
        self.rows: dict[str, int] = {}
        self.truncate: dict[str, int] | None = None  # set when resuming from a checkpoint

    def open(self):
        if self.file is not None:
            return self.file
        h5py = _h5py()
        if self.truncate is not None and self.path.exists():
            f = h5py.File(self.path, "a")
            keep = self.truncate

            def cut(name, node):
                if isinstance(node, h5py.Dataset):
                    node.resize(keep.get(name, 0), axis=0)
            f.visititems(cut)
            self.rows = {k: v for k, v in keep.items() if k in f}
        else:
            f = h5py.File(self.path, "w")
            self.rows = {}
        for k, v in self.attrs.items():
            f.attrs[k] = v
        self.truncate = None
        self.file = f
        return f

    def append(self, name: str, data: np.ndarray, start: int | None = None) -> None:
        """Write ``data`` as rows ``start:start+len(data)`` of dataset ``name`` (default: after its rows).

        Writing at an explicit start makes a flush repeatable: a flush cut short (an error, Ctrl-C)
        and done again writes the same rows instead of appending them twice.
        """
        f = self.open()
        data = np.asarray(data)
        if name not in f:
            row = data.shape[1:]
            row_bytes = max(1, int(np.prod(row, dtype=np.int64)) * data.dtype.itemsize)
            chunk_rows = int(max(1, min(max(len(data), 64), _CHUNK_BYTES // row_bytes)))
            f.create_dataset(name, shape=(0,) + row, maxshape=(None,) + row, dtype=data.dtype,
                             chunks=(chunk_rows,) + row)
            self.rows[name] = 0
        ds = f[name]
        if ds.shape[1:] != data.shape[1:]:
            raise RecordingError(f"streamed {name!r} changed shape from {ds.shape[1:]} to {data.shape[1:]}")
        if start is None:
            start = self.rows.get(name, ds.shape[0])
        ds.resize(start + len(data), axis=0)
        if len(data):
            ds[start:] = data
        self.rows[name] = start + len(data)

    def cut(self, rows: dict[str, int]) -> None:
        """Shorten datasets to the given row counts (rows written by a step that failed)."""
        if self.file is None:
            if self.truncate is not None:
                self.truncate = {k: min(v, rows.get(k, v)) for k, v in self.truncate.items()}
            return
        for name, n in rows.items():
            if name in self.file and self.rows.get(name, 0) > n:
                self.file[name].resize(n, axis=0)
                self.rows[name] = n

    def read(self, name: str) -> np.ndarray | None:
        if self.file is not None:
            return self.file[name][: self.rows.get(name, 0)] if name in self.file else None
        if self.truncate is not None or not self.path.exists():
            return None
        with _h5py().File(self.path, "r") as f:
            return f[name][()] if name in f else None

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            try:
                self.file.close()
            finally:
                self.file = None


def _check_chunk(chunk_steps: Any, who: str) -> int:
    if isinstance(chunk_steps, bool) or not isinstance(chunk_steps, (int, np.integer)) or chunk_steps < 1:
        raise ConfigurationError(f"{who}: chunk_steps must be a positive int, got {chunk_steps!r}")
    return int(chunk_steps)


class _Pending:
    """What a streaming recorder holds between flushes; shared with its exit-time finalizer."""

    def __init__(self, chunk_steps: int):
        self.block: dict[str, np.ndarray] = {}
        self.block_iterations = np.empty(chunk_steps, dtype=np.int64)
        self.fill = 0  # samples (or steps, for events) held
        self.last_iteration = 0
        self.events: dict | None = None  # event recorders: var -> (iteration RowBuffer, index RowBuffer)
        #: rows of each dataset that the last complete flush left in the file (None: take the file's)
        self.committed: dict[str, int] | None = None


def _start(sink: _Sink, p: _Pending, name: str) -> int | None:
    return None if p.committed is None else p.committed.get(name, 0)


def _commit(sink: _Sink, p: _Pending) -> None:
    p.committed = dict(sink.rows)


def _flush_dense(sink: _Sink, p: _Pending) -> None:
    n = p.fill
    if n == 0 and (sink.file is not None or not p.block):
        return
    if p.committed is None or sink.file is None:
        sink.open()
        p.committed = dict(sink.rows)
    for expression, block in p.block.items():
        name = f"values/{_escape(expression)}"
        sink.append(name, block[:n], _start(sink, p, name))
    sink.append("iteration", p.block_iterations[:n], _start(sink, p, "iteration"))
    sink.file.attrs["last_iteration"] = p.last_iteration
    _commit(sink, p)
    p.fill = 0


def _flush_events(sink: _Sink, p: _Pending) -> None:
    if p.fill == 0 and (sink.file is not None or p.last_iteration == 0):
        return
    if p.committed is None or sink.file is None:
        sink.open()
        p.committed = dict(sink.rows)
    for var, (steps, index) in p.events.items():
        base = f"events/{_escape(var)}"
        sink.append(f"{base}/iteration", np.asarray(steps.array(), dtype=np.int64).reshape(-1),
                    _start(sink, p, f"{base}/iteration"))
        sink.append(f"{base}/i", np.asarray(index.array(), dtype=np.int32).reshape(-1), _start(sink, p, f"{base}/i"))
    sink.file.attrs["last_iteration"] = p.last_iteration
    _commit(sink, p)
    for steps, index in p.events.values():  # only once every dataset holds them
        steps.clear()
        index.clear()
    p.fill = 0


def _close_at_exit(flush, sink: _Sink, p: _Pending) -> None:
    try:
        flush(sink, p)
    except Exception:  # noqa: BLE001 - closing at exit or collection must not raise
        pass
    sink.close()


class _StreamingMixin:
    """Flushing, closing and checkpoint state shared by both streaming recorders."""

    _flush_function = staticmethod(_flush_dense)

    def _setup_stream(self, path: str | Path, chunk_steps: int) -> None:
        self.path = Path(path)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir():
            raise ConfigurationError(
                f"{type(self).__name__}: cannot write {str(self.path)!r}: the folder {str(folder)!r} does not exist"
                + (" (it is a file)" if folder.exists() else "") + "; create it first"
            )
        self.chunk_steps = _check_chunk(chunk_steps, type(self).__name__)
        self._pending = _Pending(self.chunk_steps)
        self._sink = _Sink(self.path, {})
        # closes the file (after writing what is pending) at collection or interpreter exit
        self._finalizer = weakref.finalize(self, _close_at_exit, self._flush_function, self._sink, self._pending)

    def _stream_attrs(self, obj: Any) -> None:
        self._sink.attrs.update(format=FORMAT, dt=float(obj.network.dt), every=self.every,
                                variables=json.dumps(self.variables), source=obj.describe(),
                                size=int(getattr(obj, "size", 0)))

    def flush(self) -> None:
        """Write what is held in memory to the file and flush the file to the operating system."""
        self._flush_function(self._sink, self._pending)
        self._sink.flush()

    def close(self) -> None:
        """Flush and close the file (recording may go on: the next flush reopens it)."""
        self.flush()
        rows = dict(self._sink.rows)
        self._sink.close()
        if rows:
            self._sink.truncate = rows  # reopen in append mode where we stopped

    @property
    def rows_flushed(self) -> dict[str, int]:
        """Rows already in the file, per dataset."""
        return dict(self._sink.rows)

    def _drop_pending(self) -> None:
        self._pending.fill = 0
        if self._pending.events is not None:
            for steps, index in self._pending.events.values():
                steps.clear()
                index.clear()

    def clear(self) -> None:
        """Forget everything: the file is cut to zero rows at the next flush."""
        self._drop_pending()
        self._sink.close()
        self._sink.truncate = {}

    def state_dict(self) -> dict[str, Any]:
        """Flush, then the file position: what a resumed run needs to continue this file."""
        self.flush()
        return {"stream_rows": json.dumps(self._sink.rows), "last_iteration": int(self._pending.last_iteration),
                "active": bool(self.active), "every": int(self.every)}

    def _dataset_names(self) -> set[str]:
        if getattr(self, "_events", None) is not None and self._pending.events is not None:
            return {f"events/{_escape(v)}/{part}" for v in self.variables for part in ("iteration", "i")}
        return {"iteration"} | {f"values/{_escape(e)}" for e in self.variables}

    def check_state_dict(self, state: dict[str, Any]) -> list[str]:
        """Problems of a saved file position (from a state file) before it is loaded."""
        problems = []
        try:
            rows = json.loads(str(state.get("stream_rows")))
        except (ValueError, RecursionError):
            rows = None
        if not isinstance(rows, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**62 for v in rows.values()):
            problems.append("stream_rows must map dataset names to row counts")
        elif set(rows) - self._dataset_names():
            problems.append(f"stream_rows names datasets this recorder does not write: "
                            f"{sorted(set(rows) - self._dataset_names())[:5]}")
        for key, low in (("last_iteration", 0), ("every", 1)):
            v = state.get(key)
            if not (isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) and low <= v < 2**62):
                problems.append(f"{key} must be an int >= {low}, got {str(v)[:40]}")
        if not isinstance(state.get("active"), (bool, np.bool_)):
            problems.append("active must be true or false")
        return problems

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Resume: the next flush reopens the file and cuts it back to the saved rows."""
        self._sink.close()
        self._drop_pending()
        self._pending.committed = None
        self._sink.truncate = {k: int(v) for k, v in json.loads(str(state["stream_rows"])).items()}
        self._pending.last_iteration = int(state["last_iteration"])
        self.active = bool(state["active"])
        self.every = int(state["every"])


class StreamingRecorder(_StreamingMixin, Recorder):
    """A :class:`~pymonn.Recorder` that appends its samples to an HDF5 file every ``chunk_steps``.

    Parameters
    ----------
    variables : str or list of str
        Expressions, as for :class:`~pymonn.Recorder`.
    path : str or Path
        The HDF5 file (created, or replaced, at the first flush).
    chunk_steps : int
        Samples held in memory before they are written (default 1000). Memory use is
        ``chunk_steps`` times one sample of every expression, whatever the run's length.
    every : int
        Record every ``every``-th iteration.
    tag : str, optional

    Notes
    -----
    ``rec['v']``, ``rec.t`` and ``rec.iterations`` read back the flushed rows and the block in
    memory, so the analysis and plotting functions work on a streaming recorder too (loading
    the whole recording at that moment). :meth:`close` flushes and closes the file; so does
    interpreter exit. Saving the network's state (``net.save``, a Checkpointer) flushes first and
    records how many rows the file holds.
    """

    def __init__(self, variables: Any = None, path: str | Path = "recording.h5", *, chunk_steps: int = 1000,
                 every: int = 1, tag: str | None = None, **kwargs: Any):
        super().__init__(variables, tag=tag, every=every, chunk=1, **kwargs)
        self._setup_stream(path, chunk_steps)

    def initialize(self, obj: Any) -> None:
        super().initialize(obj)
        self._stream_attrs(obj)

    def iteration(self, obj: Any) -> None:
        if not self.active:
            return
        iteration = obj.network._iteration
        if iteration % self.every:
            return
        p = self._pending
        fill = p.fill
        for expression, (read, _) in zip(self.variables, self._readers, strict=True):
            value = np.asarray(read())
            block = p.block.get(expression)
            if block is None:
                block = p.block[expression] = np.empty((self.chunk_steps,) + value.shape, dtype=value.dtype)
            elif value.shape != block.shape[1:]:
                raise RecordingError(f"{type(self).__name__} on {obj.describe()}: {expression!r} changed shape "
                                     f"from {block.shape[1:]} to {value.shape}")
            block[fill] = value
        p.block_iterations[fill] = iteration
        p.last_iteration = iteration
        p.fill = fill + 1
        if p.fill == self.chunk_steps:
            self.flush()

    def _read(self, name: str, block: np.ndarray | None) -> np.ndarray:
        stored = self._sink.read(name)
        tail = block[: self._pending.fill] if block is not None and self._pending.fill else None
        parts = [part for part in (stored, tail) if part is not None]
        if not parts:
            return np.empty((0,))
        return np.concatenate(parts) if len(parts) > 1 else np.array(parts[0])

    def __getitem__(self, name: str) -> np.ndarray:
        hits = self.recorded(name)
        if not hits:
            raise KeyError(f"{type(self).__name__} records {self.variables}, not {name!r}")
        return self._read(f"values/{_escape(hits[0])}", self._pending.block.get(hits[0]))

    @property
    def iterations(self) -> np.ndarray:
        """Network iterations of the samples (flushed and pending)."""
        return self._read("iteration", self._pending.block_iterations).astype(np.int64)

    @property
    def nbytes(self) -> int:
        """Memory held (the in-memory block), independent of the run's length."""
        return sum(b.nbytes for b in self._pending.block.values()) + self._pending.block_iterations.nbytes

    def discard_from(self, iteration: int) -> None:
        """Drop the samples of steps ``>= iteration`` (a step that failed half-way), also flushed ones."""
        p, sink = self._pending, self._sink
        while p.fill and p.block_iterations[p.fill - 1] >= iteration:
            p.fill -= 1
        n = sink.rows.get("iteration", 0)
        if sink.file is None or not n or "iteration" not in sink.file:
            return
        steps = sink.file["iteration"]
        keep = n
        while keep and steps[keep - 1] >= iteration:  # (at most the one sample of the failed step)
            keep -= 1
        if keep < n:
            sink.cut({name: keep for name in self._dataset_names()})
            p.committed = dict(sink.rows)
        if not p.fill:
            p.last_iteration = int(steps[keep - 1]) if keep else 0

    def __repr__(self) -> str:
        return f"StreamingRecorder({self.variables!r}, {str(self.path)!r}, chunk_steps={self.chunk_steps})"


class StreamingEventRecorder(_StreamingMixin, EventRecorder):
    """An :class:`~pymonn.EventRecorder` that appends its events to an HDF5 file every ``chunk_steps``.

    Memory holds only the events of the current chunk of steps. ``rec['fired.t']`` and the
    other reads of :class:`~pymonn.EventRecorder` return flushed plus pending events. See
    :class:`StreamingRecorder` for flushing, closing and checkpoints.
    """

    _flush_function = staticmethod(_flush_events)

    def __init__(self, variables: Any = "fired", path: str | Path = "events.h5", *, chunk_steps: int = 1000,
                 tag: str | None = None, every: int = 1, **kwargs: Any):
        super().__init__(variables, tag=tag, every=every, **kwargs)
        self._setup_stream(path, chunk_steps)
        self._pending.events = self._events  # the same dict: variables added later stream too

    def initialize(self, obj: Any) -> None:
        super().initialize(obj)
        self._stream_attrs(obj)

    def iteration(self, obj: Any) -> None:
        if not self.active or obj.network._iteration % self.every:
            return
        super().iteration(obj)
        p = self._pending
        p.last_iteration = obj.network._iteration
        p.fill += 1
        if p.fill >= self.chunk_steps:
            self.flush()

    def _event_arrays(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Flushed events from the file followed by the pending ones in memory."""
        steps, index = self._events[key]
        stored_it = self._sink.read(f"events/{_escape(key)}/iteration")
        stored_i = self._sink.read(f"events/{_escape(key)}/i")
        it = np.concatenate([stored_it if stored_it is not None else np.empty(0, np.int64),
                             np.asarray(steps.array(), dtype=np.int64).reshape(-1)])
        i = np.concatenate([stored_i if stored_i is not None else np.empty(0, np.int32),
                            np.asarray(index.array(), dtype=np.int32).reshape(-1)])
        return it, i

    def discard_from(self, iteration: int) -> None:
        """Drop the events of steps ``>= iteration`` (a step that failed half-way), also flushed ones."""
        p, sink = self._pending, self._sink
        counted = p.last_iteration >= iteration
        EventRecorder.discard_from(self, iteration)  # the pending events
        if not counted:
            return
        if p.fill:
            p.fill -= 1
        elif sink.file is not None:
            rows = {}
            for var in self.variables:
                base = f"events/{_escape(var)}"
                name = f"{base}/iteration"
                keep = sink.rows.get(name, 0)
                if name in sink.file:
                    ds = sink.file[name]
                    while keep:
                        low = max(0, keep - 65536)
                        pos = int(np.searchsorted(ds[low:keep], iteration, side="left"))
                        keep = low + pos
                        if pos or not low:
                            break
                rows[name] = rows[f"{base}/i"] = keep
            sink.cut(rows)
            p.committed = dict(sink.rows)
        p.last_iteration = iteration - 1

    def count(self, name: str | None = None) -> int:
        """Events recorded so far (flushed and pending) for ``name`` (the first variable by default)."""
        return len(self[f"{name or self.variables[0]}.i"])

    def __repr__(self) -> str:
        return f"StreamingEventRecorder({self.variables!r}, {str(self.path)!r}, chunk_steps={self.chunk_steps})"


def read_stream(path: str | Path) -> dict[str, Any]:
    """Read a file written by a streaming recorder (also one left by a killed run).

    Returns
    -------
    dict
        ``'iteration'`` and ``'t'`` (ms) and one array per expression for a
        :class:`StreamingRecorder`; ``'<var>.iteration'``, ``'<var>.t'``, ``'<var>.i'`` for a
        :class:`StreamingEventRecorder`; ``'attrs'``: the file's attributes (``dt``,
        ``last_iteration``, ...).
    """
    h5py = _h5py()
    out: dict[str, Any] = {}
    with h5py.File(path, "r") as f:
        attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in f.attrs.items()}
        if attrs.get("format") != FORMAT:
            raise RecordingError(f"{str(path)!r} was not written by a pymonn streaming recorder")
        dt = float(attrs.get("dt", 1.0))
        if "iteration" in f:
            out["iteration"] = f["iteration"][()]
            out["t"] = out["iteration"] * dt
        if "values" in f:
            for name in f["values"]:
                out[_unescape(name)] = f["values"][name][()]
        if "events" in f:
            for name in f["events"]:
                var = _unescape(name)
                it = f["events"][name]["iteration"][()]
                out[f"{var}.iteration"] = it
                out[f"{var}.t"] = it * dt
                out[f"{var}.i"] = f["events"][name]["i"][()]
    out["attrs"] = attrs
    return out

