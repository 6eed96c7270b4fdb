"""Sinusoidal input current."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import InputBehaviour

__all__ = ["SineCurrent"]


class SineCurrent(InputBehaviour):
    r"""A sinusoidal current ``offset + amplitude * sin(2 pi f t + phase)``.

    Step ``k`` covers ``((k-1)*dt, k*dt]`` and receives the exact mean of the sine over it,

    .. math:: \bar I_k = o + A\,\frac{\cos(\omega t_{k-1} + \varphi) - \cos(\omega t_k + \varphi)}{\omega\,dt},
              \qquad \omega = 2\pi f / 1000 \text{ per ms},

    so the charge delivered is exact at any dt (for ``dt`` much shorter than the period the mean
    equals the sine at the middle of the step to second order).

    Parameters
    ----------
    amplitude : float, init string or array
        Peak current (pA, or the model's unit); may differ per neuron (required).
    frequency : float, Hz
        Frequency (> 0).
    phase : float, rad
        Phase at t = 0 (default 0); may differ per neuron.
    offset : float
        Constant added (default 0); may differ per neuron.
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> SineCurrent(amplitude=50.0, frequency=10.0, offset=300.0)
    """

    def initialize(self, obj: Any) -> None:
        self.read_target(obj)
        self.amplitude = self.read_amplitude(obj, "amplitude", required=True, dtype=np.float64)
        self.frequency = self.read_amplitude(obj, "frequency", required=True, check="positive")
        if not isinstance(self.frequency, float):
            raise self._fail(obj, "frequency", "one positive number in Hz", self.parameter("frequency"))
        self.phase = self.read_amplitude(obj, "phase", 0.0, dtype=np.float64)
        self.offset = self.read_amplitude(obj, "offset", 0.0, dtype=np.float64)
        self.omega = 2.0 * np.pi * self.frequency / 1000.0

    def value(self, k: int, dt: float) -> Any:
        """The mean current over step ``k`` (a float, or one value per neuron)."""
        w = self.omega
        t0, t1 = (k - 1) * dt, k * dt
        return self.offset + self.amplitude * (np.cos(w * t0 + self.phase) - np.cos(w * t1 + self.phase)) / (w * dt)

    def iteration(self, obj: Any) -> None:
        acc = obj.accumulator(self.target)
        acc += self.value(obj.iteration, obj.dt)
