"""Piecewise-constant currents: a timed schedule (izhinet's wish) and Neurapse's square pulse."""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from ._base import InputBehaviour, snap

__all__ = ["TimedSchedule", "SquarePulse"]


class TimedSchedule(InputBehaviour):
    """A current that switches to new values at given times.

    The current is 0 before ``times[0]``, ``values[j]`` from ``times[j]`` (inclusive) to
    ``times[j+1]`` (exclusive), and ``values[-1]`` after the last time. Step ``k`` covers the
    interval ``((k-1)*dt, k*dt]``; it receives the mean of the schedule over that interval, which
    is exactly ``values[j]`` whenever the switch times lie on the step grid (a switch inside a step
    gives the time-weighted mean of the two values, so the delivered charge is always exact).

    Parameters
    ----------
    times : sequence of float, ms
        Switch times, strictly increasing, >= 0.
    values : sequence
        One entry per time: a number (all neurons) or an array of one value per neuron
        (pA, or the model's current unit).
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> TimedSchedule(times=[0, 100, 300], values=[0.0, 5.0, 0.0])   # 5 for 100 < t <= 300 ms
    """

    def _read_schedule(self, obj: Any) -> tuple[np.ndarray, np.ndarray]:
        times = self.parameter("times", None, required=True)
        values = self.parameter("values", None, required=True)
        try:
            t = np.asarray([self._time(obj, x) for x in times], dtype=np.float64)
        except TypeError:
            raise self._fail(obj, "times", "a sequence of times in ms", times) from None
        if t.ndim != 1 or t.size == 0:
            raise self._fail(obj, "times", "a non-empty sequence of times in ms", times)
        if np.any(t < 0) or np.any(np.diff(t) <= 0):
            raise self._fail(obj, "times", "non-negative and strictly increasing", times)
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) != t.size:
            raise self._fail(obj, "values", f"a sequence of {t.size} values (one per time)", values)
        rows = []
        for j, val in enumerate(values):
            try:
                arr = np.asarray(val, dtype=np.float64)
            except (TypeError, ValueError):
                raise self._fail(obj, f"values[{j}]", "a number or one value per neuron", val) from None
            if arr.shape not in ((), (1,), (obj.size,)):
                raise self._fail(obj, f"values[{j}]", f"a number or an array of shape ({obj.size},)", arr.shape)
            if not np.all(np.isfinite(arr)):
                raise self._fail(obj, f"values[{j}]", "finite", val)
            rows.append(np.broadcast_to(arr.reshape(-1), (obj.size,)) if arr.size > 1 else arr.reshape(1))
        per_neuron = any(r.size > 1 for r in rows)
        v = np.stack([np.broadcast_to(r, (obj.size,)) for r in rows]) if per_neuron else np.array([r[0] for r in rows])
        return t, v

    def _time(self, obj: Any, x: Any) -> float:
        from pymonn.units import to_ms

        if isinstance(x, (bool, np.bool_)):
            raise TypeError
        return to_ms(x) if isinstance(x, str) else float(x)

    def initialize(self, obj: Any) -> None:
        self.read_target(obj)
        self.times, self.values = self._read_schedule(obj)
        # values as float64 rows; a leading zero row stands for "before the first time"
        zero = np.zeros_like(self.values[:1])
        self._rows = np.concatenate([zero, self.values]).astype(obj.dtype if self.values.ndim == 2 else np.float64)
        self._dt = None

    def _update_dt(self, dt: float) -> None:
        self._s = snap(self.times / dt).tolist()  # switch times in units of steps
        self._dt = dt

    def value(self, k: int) -> Any:
        """The current delivered in step ``k`` (a float, or one value per neuron)."""
        s = self._s
        lo = bisect.bisect_right(s, k - 1)  # row active just after the step starts
        hi = bisect.bisect_left(s, k)       # row active just before it ends
        if lo == hi:
            return self._rows[lo] if self._rows.ndim == 2 else float(self._rows[lo])
        bounds = [k - 1.0] + s[lo:hi] + [float(k)]
        weights = np.diff(bounds)
        return np.tensordot(weights, self._rows[lo:hi + 1].astype(np.float64), axes=1)

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        val = self.value(obj.iteration)
        if self._rows.ndim == 1 and val == 0.0:
            obj.accumulator(self.target)  # the accumulator exists (zeroed) even when nothing is added
            return
        acc = obj.accumulator(self.target)
        acc += val


class SquarePulse(TimedSchedule):
    """A rectangular current pulse: ``amplitude`` from ``start`` to ``end`` ms, 0 otherwise.

    The pulse covers steps ``k`` with ``start < k*dt <= end`` (the steps whose interval lies in
    ``[start, end]``), so it lasts exactly ``end - start`` ms; edges off the step grid deliver the
    matching fraction in the edge step (Neurapse's ``SQUARE_PULSE``, in ms instead of steps).

    Parameters
    ----------
    start, end : float, ms
        Pulse onset and offset (``0 <= start < end``); strings such as ``'50ms'`` work too.
    amplitude : float, init string or array
        The current during the pulse (pA, or the model's unit); may differ per neuron.
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> SquarePulse(start=20, end=70, amplitude=10.0)   # 10 uA/cm2 for 50 ms into HodgkinHuxley
    """

    def _read_schedule(self, obj: Any) -> tuple[np.ndarray, np.ndarray]:
        start = self.read_time(obj, "start", required=True)
        end = self.read_time(obj, "end", required=True)
        if start < 0:
            raise self._fail(obj, "start", "a non-negative time in ms", start)
        if not end > start:
            raise self._fail(obj, "end", f"after start ({start} ms)", end)
        amp = self.read_amplitude(obj, "amplitude", required=True)
        self.start, self.end, self.amplitude = start, end, amp
        if isinstance(amp, float):
            return np.array([start, end]), np.array([amp, 0.0])
        return np.array([start, end]), np.stack([np.asarray(amp, np.float64), np.zeros(obj.size)])
