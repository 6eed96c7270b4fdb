"""Spike source that replays given spike times."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError

__all__ = ["SpikeGenerator"]


class SpikeGenerator(Behaviour):
    """Make given neurons fire at given times.

    Spike ``s`` of neuron ``indices[s]`` at ``times[s]`` ms is emitted in the step whose end time
    ``net.t = iteration * dt`` is nearest to it, i.e. in step ``round(times[s] / dt)``; a spike time
    on the step grid is therefore emitted exactly when ``net.t == times[s]`` and recorded with
    that time. The first step is iteration 1 (``t = dt``), so times must be at least ``dt / 2``.
    Synapses see the spike in the next step, like any other spike.

    Parameters
    ----------
    indices : sequence of int
        Neuron of each spike (0 <= index < group size).
    times : sequence of float, ms
        Time of each spike (any order). Two spikes of one neuron in the same step are an error.

    Variables written on the group
    ------------------------------
    fired : bool.

    Example
    -------
    >>> NeuronGroup(net, 3, {30: SpikeGenerator(indices=[0, 2, 0], times=[1.0, 1.0, 5.5])})
    """

    default_key = 30

    def initialize(self, obj: Any) -> None:
        self._obj = obj
        obj.fired = obj.vector(bool)
        indices = self.parameter("indices", None, required=True)
        times = self.parameter("times", None, required=True)
        try:
            idx = np.asarray(indices)
            t = np.asarray(times, dtype=np.float64)
        except (TypeError, ValueError):
            raise self._fail("times", "a sequence of times in ms", times) from None
        if idx.ndim != 1 or t.ndim != 1 or idx.size != t.size:
            raise self._fail("indices", f"a 1-d sequence as long as times ({t.size})", indices)
        if idx.size and (idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= obj.size):
            raise self._fail("indices", f"integers in [0, {obj.size})", indices)
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise self._fail("times", "non-negative finite times in ms", times)
        self.indices = idx.astype(np.int64)
        self.times = t
        self._dt = None

    def check_loaded_state(self, obj: Any, value_of) -> list[str]:
        """Problems of a state file's spikes: indices within the group, finite non-negative times."""
        idx, t = value_of(self, "indices"), value_of(self, "times")
        problems = []
        if isinstance(idx, np.ndarray) and idx.size and (idx.min() < 0 or idx.max() >= obj.size):
            problems.append(f"indices must lie in [0, {obj.size})")
        if isinstance(t, np.ndarray) and t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
            problems.append("times must be finite and non-negative")
        return problems

    def state_loaded(self) -> None:
        """A state file was loaded: recompute what is derived from the parameters at the next step."""
        if "_dt" in vars(self):
            self._dt = None

    def _fail(self, name: str, expected: str, value: Any) -> ConfigurationError:
        shown = value if np.size(value) <= 8 else f"{type(value).__name__} of {np.size(value)} values"
        return ConfigurationError(
            f"SpikeGenerator on {self._obj.describe()}: parameter {name!r} must be {expected}, got {shown!r}"
        )

    def _update_dt(self, dt: float) -> None:
        steps = np.floor(self.times / dt + 0.5 + 1e-9).astype(np.int64)
        if steps.size and steps.min() < 1:
            raise self._fail("times", f"at least dt/2 = {dt / 2} ms (the first step ends at t = dt)", self.times.min())
        order = np.lexsort((self.indices, steps))
        self._steps, self._idx = steps[order], self.indices[order]
        dup = (np.diff(self._steps) == 0) & (np.diff(self._idx) == 0)
        if np.any(dup):
            where = int(np.flatnonzero(dup)[0])
            raise self._fail("times", "at most one spike per neuron and step",
                             f"two spikes of neuron {self._idx[where]} in step {self._steps[where]}")
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        fired = obj.fired
        fired.fill(False)
        k = obj.iteration
        lo = np.searchsorted(self._steps, k, "left")
        hi = np.searchsorted(self._steps, k, "right")
        if hi > lo:
            fired[self._idx[lo:hi]] = True
