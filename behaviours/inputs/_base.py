"""Shared machinery of the input behaviours: the target accumulator and per-neuron amplitudes.

Time convention (see docs/writing_behaviours.md): step ``k`` (``net.iteration == k``) advances the
state from ``(k-1)*dt`` to ``k*dt = net.t``. An input defines the current during that interval;
when a time-dependent input changes inside the interval, the value added is its mean over the step.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError, ConfigurationTypeError, InitStringError

#: Tolerance (in steps) under which a time is taken to lie on the step grid.
GRID_TOL = 1e-9


def snap(x: np.ndarray) -> np.ndarray:
    """Round values within :data:`GRID_TOL` of an integer to it (times in units of steps)."""
    x = np.asarray(x, dtype=np.float64)
    r = np.rint(x)
    return np.where(np.abs(x - r) < GRID_TOL, r, x)


class InputBehaviour(Behaviour):
    """Base class of the input behaviours (not used directly).

    Common parameters
    -----------------
    target : str
        Name of the accumulator the input adds into (default ``'I'``; e.g. ``'g_e'``).
    """

    #: Key under which inputs are usually attached (input 10 < synapses 20 < model 30).
    default_key = 10

    def state_loaded(self) -> None:
        """A state file was loaded: recompute what is derived from the parameters at the next step."""
        if "_dt" in vars(self):
            self._dt = None

    def _fail(self, obj: Any, name: str, expected: str, value: Any) -> ConfigurationError:
        shown = value if not isinstance(value, np.ndarray) or value.size <= 6 else f"array {value.shape}"
        return ConfigurationError(
            f"{type(self).__name__} on {obj.describe()}: parameter {name!r} must be {expected}, got {shown!r}"
        )

    def read_target(self, obj: Any) -> str:
        target = self.parameter("target", "I")
        if not isinstance(target, str) or not target.isidentifier():
            raise self._fail(obj, "target", "the name of an accumulator such as 'I' or 'g_e'", target)
        if not hasattr(obj, "accumulator"):
            raise ConfigurationTypeError(
                f"{type(self).__name__} must be attached to a NeuronGroup (it adds into an accumulator), "
                f"not to {obj.describe()}"
            )
        self.target = target
        obj.accumulator(target)  # exists from initialize on (recorders and state files see it)
        return target

    def read_amplitude(self, obj: Any, name: str, default: Any = None, *, required: bool = False,
                       check: str | None = None, dtype: Any = None) -> Any:
        """A float (shared) or a per-neuron array in ``dtype`` (network dtype by default).

        Accepts a number, an init string or one value per neuron; ``check`` may be
        ``'positive'`` or ``'non-negative'``.
        """
        raw = self.parameter(name, default, required=required)
        if raw is None or isinstance(raw, (bool, np.bool_)):
            raise self._fail(obj, name, "a number, an init string or one value per neuron", raw)
        if isinstance(raw, numbers.Real):
            value: Any = float(raw)
            test = np.array([value])
        else:
            if isinstance(raw, str):
                try:
                    arr = obj.vector(raw, dtype=np.float64)
                except InitStringError as exc:
                    raise InitStringError(
                        f"{type(self).__name__} on {obj.describe()}: parameter {name!r}: {exc}"
                    ) from None
            else:
                try:
                    arr = np.asarray(raw, dtype=np.float64)
                except (TypeError, ValueError):
                    raise ConfigurationTypeError(
                        f"{type(self).__name__} on {obj.describe()}: parameter {name!r} must be a number, an "
                        f"init string or an array of {obj.size} values, got {type(raw).__name__}"
                    ) from None
                if arr.shape not in ((), (1,), (obj.size,)):
                    raise self._fail(obj, name, f"a number or an array of shape ({obj.size},)", arr.shape)
            test = arr.reshape(-1)
            value = float(test[0]) if arr.size == 1 else np.ascontiguousarray(arr, dtype=dtype or obj.dtype)
        if not np.all(np.isfinite(test)):
            raise self._fail(obj, name, "finite", raw)
        if check == "positive" and not np.all(test > 0):
            raise self._fail(obj, name, "positive", raw)
        if check == "non-negative" and not np.all(test >= 0):
            raise self._fail(obj, name, "non-negative", raw)
        return value

    def read_time(self, obj: Any, name: str, default: Any = None, *, required: bool = False) -> float:
        """A time in ms (a number, or a duration string such as ``'250ms'``)."""
        from pymonn.units import to_ms

        raw = self.parameter(name, default, required=required)
        if isinstance(raw, (bool, np.bool_)):
            raise self._fail(obj, name, "a time in ms (number or '250ms')", raw)
        try:
            value = to_ms(raw) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise self._fail(obj, name, "a time in ms (number or '250ms')", raw) from None
        if not np.isfinite(value):
            raise self._fail(obj, name, "a finite time in ms", raw)
        return value
