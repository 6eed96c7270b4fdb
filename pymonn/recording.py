"""Recorders: behaviours that copy state into preallocated buffers every step (or every k-th).

``Recorder(['v', 'np.mean(v)'])`` keeps a (steps, ...) array per expression;
``EventRecorder('fired')`` keeps only the (time, index) pairs of True entries, which is all a
raster plot needs. Read them with ``rec['v']``, ``group['v', 0]`` or ``net['n.v', 0]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .behaviour import Behaviour
from .buffers import RowBuffer
from .errors import ConfigurationError, ExpressionError, RecordingError
from .expressions import CLOCK, compile_expression, normalize, variable_names

#: Optional compiled helper for :class:`EventRecorder` (see :func:`set_event_kernel`).
_event_kernel = None
_BOOL = np.dtype(bool)


def set_event_kernel(kernel: Any) -> Any:
    """Install a compiled helper that event recorders use for 1-D bool vectors; returns the old one.

    ``kernel(values, index_out, step_out, count, iteration) -> count`` must write the indices of
    the True entries of ``values`` (ascending) into ``index_out[count:]`` (int32) and
    ``iteration`` into as many entries of ``step_out[count:]`` (int64), and return the new count;
    the recorder calls it only when both buffers have room for every entry of ``values``. The
    behaviour library installs a numba kernel when it is imported (one call instead of
    ``nonzero`` and two slice copies: about 1 us less per recorded step); ``None`` restores the
    plain numpy path. The recordings are the same either way.
    """
    global _event_kernel
    old, _event_kernel = _event_kernel, kernel
    return old


def _positive_int(value: Any, name: str, who: str, *, optional: bool = False) -> int | None:
    if optional and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigurationError(f"{who}: {name} must be a positive int{' or None' if optional else ''}, got {value!r}")
    return int(value)


def _as_list(variables: Any, who: str) -> list[str]:
    if variables is None:
        return []
    if isinstance(variables, str):
        return [variables]
    if isinstance(variables, (list, tuple)) and all(isinstance(v, str) for v in variables):
        return list(variables)
    raise ConfigurationError(f"{who}: variables must be a str or a list of str, got {variables!r}")


class Recorder(Behaviour):
    """Record expressions of the object it is attached to into growing numpy buffers.

    Parameters
    ----------
    variables : str or list of str
        Expressions (``'v'``, ``'n.v'``, ``'np.mean(v)'``, ``'v[0:10]'``; see
        :mod:`pymonn.expressions`), each parsed, never evaluated as Python.
    tag : str, optional
    every : int
        Record on iterations divisible by ``every`` (default 1: every step).
    max_length : int, optional
        Keep only the newest ``max_length`` samples (ring buffer).
    chunk : int
        Rows allocated at a time before the first growth.
    gapwidth : int
        PymoNNto's spacing: record every ``gapwidth``-th step (0 and 1: every step).
    save_as_numpy : bool
        Accepted for PymoNNto scripts; recordings are always numpy arrays.

    Notes
    -----
    Recorders initialize after every other behaviour but run at their key like any other. The
    iterations and times (ms) of the samples are ``rec.iterations`` and ``rec.t``.

    At ``initialize`` every variable an expression reads must exist on the object, or be assigned
    by some behaviour of the network (found in its source: ``n.spike = ...`` made in the first
    step); otherwise :class:`~pymonn.errors.ExpressionError` names the expression and the variables
    the object has. A step records all expressions or none: when a step fails half-way (see
    ``Network.failed``) the samples of that step are dropped, so every recorder of the run ends at
    the same, last complete step.
    """

    initialize_last = True
    is_recorder = True

    def __init__(self, variables: Any = None, tag: str | None = None, every: int = 1,
                 max_length: int | None = None, chunk: int = 1024, gapwidth: int = 0,
                 save_as_numpy: bool = True, **kwargs: Any):
        super().__init__(tag=tag, **kwargs)
        who = type(self).__name__
        self.variables = _as_list(variables, who)
        every = _positive_int(every, "every", who)
        if isinstance(gapwidth, bool) or not isinstance(gapwidth, (int, np.integer)) or gapwidth < 0:
            raise ConfigurationError(f"{who}: gapwidth must be a non-negative int, got {gapwidth!r}")
        # PymoNNto's gapwidth g records every max(g, 1)-th step (its counter fires when it reaches g)
        self.every = every * max(1, int(gapwidth))
        self.max_length = _positive_int(max_length, "max_length", who, optional=True)
        self.chunk = _positive_int(chunk, "chunk", who)
        self.active = True
        self._buffers: dict[str, RowBuffer] = {}
        self._readers: list = []
        self._iterations = RowBuffer(chunk, max_length, "iteration")
        self._by_normal: dict[str, str] = {}
        for v in self.variables:
            self._add_buffer(v)

    def _add_buffer(self, expression: str) -> None:
        if expression in self._buffers:
            return
        self._buffers[expression] = RowBuffer(self.chunk, self.max_length, expression)
        self._by_normal.setdefault(normalize(expression), expression)

    def add_variable(self, expression: str) -> None:
        """Start recording one more expression (from the next recorded step on)."""
        self._add_buffer(expression)
        self.variables.append(expression)
        if self.parent is not None and self.initialized:
            self._compile()

    def _compile(self) -> None:
        self._readers = [(compile_expression(e, self.parent), self._buffers[e]) for e in self.variables]

    def initialize(self, obj: Any) -> None:
        self._compile()
        self._check_variables(obj)

    def _check_variables(self, obj: Any) -> None:
        """Every variable read must exist now or be assigned by some behaviour (else ExpressionError)."""
        missing: dict[str, str] = {}
        own = vars(obj)
        for expression in self.variables:
            for name in variable_names(expression):
                if name in own or (name in CLOCK and isinstance(getattr(type(obj), name, None), property)):
                    continue
                missing.setdefault(name, expression)
        if not missing:
            return
        for name, expression in missing.items():
            if hasattr(type(obj), name) or name in getattr(obj, "_shortcuts", {}):
                raise ExpressionError(
                    f"{type(self).__name__} on {obj.describe()}: {expression!r} reads {name!r}, which is not a "
                    f"variable of {obj.describe()} (a method, property or tag); expressions read only its "
                    "variables and t, iteration, dt"
                )
        network = getattr(obj, "network", None)
        if network is None or not hasattr(network, "all_objects"):
            return
        from .assigned import assigned_names

        assigned = assigned_names(network)
        if assigned is None:  # some behaviour's source is unknown: the first step will tell
            return
        for name, expression in missing.items():
            if name not in assigned:
                known = sorted(k for k, v in own.items() if not k.startswith("_") and _is_variable(v))
                raise ExpressionError(
                    f"{type(self).__name__} on {obj.describe()}: {expression!r} reads {name!r}, which "
                    f"{obj.describe()} does not have after initialize and no behaviour of the network assigns; "
                    f"its variables: {', '.join(known) or 'none'}"
                )

    def iteration(self, obj: Any) -> None:
        if not self.active:
            return
        iteration = obj.network._iteration
        if iteration % self.every:
            return
        values = [read() for read, _ in self._readers]
        done = 0
        try:  # all expressions or none: an error (or Ctrl-C) half-way takes back what was appended
            for (_, buffer), value in zip(self._readers, values, strict=True):
                buffer.append(value)
                done += 1
            self._iterations.append(iteration)
        except BaseException as err:
            for _, buffer in self._readers[:done]:
                buffer.drop_last(1)
            if isinstance(err, RecordingError):
                raise RecordingError(f"{type(self).__name__} on {obj.describe()}: {err}") from None
            raise

    def discard_from(self, iteration: int) -> None:
        """Drop the samples of steps ``>= iteration`` (a step that failed half-way)."""
        steps = self._iterations
        n = len(steps)
        if n == 0:
            return
        taken = steps.array()
        drop = n - int(np.searchsorted(taken, iteration, side="left"))
        if drop:
            for buffer in self._buffers.values():
                buffer.drop_last(min(drop, len(buffer)))
            steps.drop_last(drop)

    # -- reading -------------------------------------------------------------------------------
    def recorded(self, name: str) -> list[str]:
        """Expressions of this recorder matching ``name`` (exact or in normalized spelling)."""
        if name in self._buffers:
            return [name]
        key = self._by_normal.get(normalize(name))
        return [key] if key is not None else []

    def __getitem__(self, name: str) -> np.ndarray:
        """The samples of ``name`` as a (samples, ...) array, oldest first."""
        hits = self.recorded(name)
        if not hits:
            raise KeyError(f"{type(self).__name__} records {self.variables}, not {name!r}")
        return self._buffers[hits[0]].array()

    def __contains__(self, name: str) -> bool:
        return bool(self.recorded(name))

    @property
    def iterations(self) -> np.ndarray:
        """Network iterations at which samples were taken."""
        return self._iterations.array()

    @property
    def t(self) -> np.ndarray:
        """Times (ms) at which samples were taken."""
        net = self.network
        return self.iterations * (net.dt if net is not None else 1.0)

    @property
    def nbytes(self) -> int:
        """Memory allocated by this recorder's buffers."""
        return sum(b.nbytes for b in self._buffers.values()) + self._iterations.nbytes

    def clear(self) -> None:
        """Forget everything recorded so far."""
        for b in self._buffers.values():
            b.clear()
        self._iterations.clear()

    def clear_recorder(self) -> None:
        """PymoNNto's name for :meth:`clear`."""
        self.clear()

    def reset(self) -> None:
        """PymoNNto's name for :meth:`clear`."""
        self.clear()

    def add_variables(self, expressions: Any) -> None:
        """Start recording several more expressions."""
        for e in _as_list(expressions, type(self).__name__):
            self.add_variable(e)

    def add_varable(self, expression: str) -> None:
        """PymoNNto's spelling of :meth:`add_variable`."""
        self.add_variable(expression)

    def swaped(self, name: str) -> np.ndarray:
        """The recording of ``name`` with its first two axes swapped: (neurons, samples, ...)."""
        return np.swapaxes(np.asarray(self[name]), 0, 1)

    # -- tables (issue 6; pandas / neo imported lazily by pymonn.tables) --------------------------
    def to_dataframe(self, variables: Any = None):
        """The recording as a long-format pandas DataFrame; see :func:`pymonn.tables.to_dataframe`."""
        from .tables import to_dataframe

        return to_dataframe(self, variables)

    def to_neo(self, **kwargs: Any):
        """The recording as Neo SpikeTrains / AnalogSignals; see :func:`pymonn.tables.to_neo`."""
        from .tables import to_neo

        return to_neo(self, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.variables!r}, every={self.every}, max_length={self.max_length})"


class EventRecorder(Recorder):
    """Record where a boolean variable is True as (time, index) pairs: spikes for a raster.

    ``rec['fired']`` is a (spikes, 2) float array of (t in ms, neuron index);
    ``rec['fired.t']`` / ``rec['fired.i']`` give the two columns with their own dtypes and
    ``rec['fired.iteration']`` the steps. Memory is 12 bytes per event.
    """

    def __init__(self, variables: Any = "fired", tag: str | None = None, every: int = 1,
                 max_length: int | None = None, chunk: int = 4096, save_as_numpy: bool = True, **kwargs: Any):
        Behaviour.__init__(self, tag=tag, **kwargs)
        who = type(self).__name__
        self.variables = _as_list(variables, who)
        self.every = _positive_int(every, "every", who)
        self.max_length = _positive_int(max_length, "max_length", who, optional=True)
        self.chunk = _positive_int(chunk, "chunk", who)
        self.active = True
        self._events = {v: self._event_buffers(v) for v in self.variables}
        self._iterations = RowBuffer(chunk, None, "iteration")
        self._readers = []

    def _event_buffers(self, variable: str) -> tuple[RowBuffer, RowBuffer]:
        """Step stamps (int64) and indices (int32) of one variable's events."""
        return (RowBuffer(self.chunk, self.max_length, variable + ".iteration", np.int64),
                RowBuffer(self.chunk, self.max_length, variable + ".i", np.int32))

    def _compile(self) -> None:
        # the last list per reader caches what the compiled path last checked (see _arm)
        self._readers = [(compile_expression(v, self.parent), *self._events[v], [None, None, None, -1])
                         for v in self.variables]

    def add_variable(self, expression: str) -> None:
        self._events[expression] = self._event_buffers(expression)
        self.variables.append(expression)
        if self.initialized:
            self._compile()

    def initialize(self, obj: Any) -> None:
        super().initialize(obj)
        for read, *_ in self._readers:
            try:
                value = read()
            except ExpressionError:  # made in the first step (checked then)
                continue
            self._check_spikes(obj, read, value)

    def _check_spikes(self, obj: Any, read: Any, value: Any) -> None:
        """Events are the non-zero entries of a spike variable: bool or integers (counts), or floats
        that are all 0 or 1 (PymoNNto's float spike vectors); anything else is refused."""
        arr = np.asarray(value)
        if arr.dtype.kind in "biu":
            return
        wrong = None
        if arr.dtype.kind == "f":
            wrong = (arr != 0) & (arr != 1)
            if not np.any(wrong):
                return
        name = next((v for (r, *_), v in zip(self._readers, self.variables, strict=True) if r is read), "?")
        example = arr[wrong].flat[0] if wrong is not None else arr.dtype
        raise RecordingError(
            f"{type(self).__name__} on {obj.describe()}: {name!r} must be a spike variable to record events "
            f"(bool, integer counts, or floats that are all 0 or 1), got {arr.dtype} values such as {example!r}; "
            "record it with Recorder instead"
        )

    def iteration(self, obj: Any) -> None:
        if not self.active:
            return
        iteration = obj.network._iteration
        if iteration % self.every:
            return
        kernel = _event_kernel
        for read, steps, index, armed in self._readers:
            value = read()
            if kernel is not None:
                # same vector and buffers as checked before, and room for every entry: one compiled call
                c = index._count
                if (value is armed[0] and index._data is armed[1] and steps._data is armed[2] and c <= armed[3]
                        or self._arm(armed, value, steps, index)):
                    index._count = steps._count = kernel(value, armed[1], armed[2], c, iteration)
                    continue
            if getattr(value, "dtype", None) is not _BOOL:
                self._check_spikes(obj, read, value)
            # ndarray.nonzero is ~2x faster than np.flatnonzero for the usual 1-D bool vector
            hits = value.nonzero()[0] if getattr(value, "ndim", 0) == 1 else np.flatnonzero(value)
            if hits.size:
                index.append_many(hits)
                try:
                    steps.append_repeated(iteration, hits.size)
                except BaseException:
                    index.drop_last(hits.size)
                    raise

    def discard_from(self, iteration: int) -> None:
        """Drop the events of steps ``>= iteration`` (a step that failed half-way)."""
        for steps, index in self._events.values():
            n = len(steps)
            if n:
                taken = steps.array()
                drop = n - int(np.searchsorted(taken, iteration, side="left"))
                steps.drop_last(drop)
            if len(index) > len(steps):  # interrupted between the two appends
                index.drop_last(len(index) - len(steps))

    @staticmethod
    def _arm(armed: list, value: Any, steps: RowBuffer, index: RowBuffer) -> bool:
        """Check whether the compiled helper can record ``value`` now; cache what was checked.

        It can for a C-contiguous 1-D bool ndarray when both buffers are allocated, grow (no ring),
        hold the same number of rows and have room for every entry of ``value``. The cache (the
        value and buffer objects and the largest row count with room) lets the next steps skip
        the checks while those objects stay the same.
        """
        armed[0] = None
        idata, sdata = index._data, steps._data
        if not (type(value) is np.ndarray and value.dtype is _BOOL and value.ndim == 1 and value.flags.c_contiguous
                and idata is not None and sdata is not None and index.max_length is None
                and steps.max_length is None and steps._count == index._count):
            return False
        limit = min(idata.shape[0], sdata.shape[0]) - value.shape[0]
        if index._count > limit:
            return False
        armed[:] = [value, idata, sdata, limit]
        return True

    def recorded(self, name: str) -> list[str]:
        base, _, field = name.partition(".") if not name.startswith("n.") else name[2:].partition(".")
        for v in self.variables:
            if normalize(v) == normalize(base) and field in ("", "t", "i", "iteration"):
                return [name]
        return []

    def __getitem__(self, name: str) -> np.ndarray:
        if not self.recorded(name):
            raise KeyError(f"EventRecorder records {self.variables}, not {name!r}")
        base, _, field = name[2:].partition(".") if name.startswith("n.") else name.partition(".")
        key = next(v for v in self.variables if normalize(v) == normalize(base))
        it, i = self._event_arrays(key)
        dt = self.network.dt if self.network is not None else 1.0
        if field == "i":
            return i
        if field == "iteration":
            return it
        if field == "t":
            return it * dt
        return np.column_stack([it * dt, i]) if len(it) else np.empty((0, 2))

    def _event_arrays(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """All (iteration, index) events of variable ``key``, oldest first."""
        steps, index = self._events[key]
        return steps.array(), index.array()

    def count(self, name: str | None = None) -> int:
        """Number of events recorded for ``name`` (the first variable by default)."""
        key = name or self.variables[0]
        return len(self._events[key][1])

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes + b.nbytes for a, b in self._events.values())

    def clear(self) -> None:
        for a, b in self._events.values():
            a.clear()
            b.clear()

    def __repr__(self) -> str:
        return f"EventRecorder({self.variables!r})"


def _is_variable(value: Any) -> bool:
    from .expressions import is_data

    return is_data(value)
