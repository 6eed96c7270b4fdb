"""Poisson spike trains of many virtual inputs, added as a current."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import InputBehaviour

__all__ = ["PoissonInput"]


class PoissonInput(InputBehaviour):
    """``N`` independent Poisson spike trains per neuron, each spike adding ``weight`` for one step.

    In every step each neuron receives ``c ~ Binomial(N, rate * dt / 1000)`` input spikes (drawn
    from ``net.rng``) and ``weight * c`` is added to its accumulator (``'I'`` by default). Added to
    ``I`` of a current-based model, one spike is a current pulse of ``weight`` lasting one step
    (charge ``weight * dt``); the mean added current is ``N * rate/1000 * weight``.
    The virtual inputs are not neurons: nothing is stored per input.

    Parameters
    ----------
    N : int
        Number of inputs per neuron (>= 1).
    rate : float, Hz
        Rate of each input (>= 0, with ``rate * dt / 1000 <= 1``); may differ per neuron.
    weight : float
        Added per input spike (pA, or the target's unit); may differ per neuron.
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> PoissonInput(N=1000, rate=5.0, weight=2.0)   # mean 10 pA, fluctuating
    """

    def initialize(self, obj: Any) -> None:
        self.read_target(obj)
        n = self.parameter("N", None, required=True)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise self._fail(obj, "N", "a positive int (inputs per neuron)", n)
        self.N = int(n)
        self.rate = self.read_amplitude(obj, "rate", required=True, check="non-negative", dtype=np.float64)
        self.weight = self.read_amplitude(obj, "weight", required=True)
        self._dt = None
        self._check(obj, obj.dt)

    def _check(self, obj: Any, dt: float) -> None:
        p = np.asarray(self.rate, dtype=np.float64) * dt / 1000.0
        if np.any(p > 1.0):
            raise self._fail(obj, "rate", f"at most {1000.0 / dt:g} Hz at dt = {dt} ms (one spike per step)",
                             self.rate)
        self._p = float(p) if p.ndim == 0 else p
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._check(obj, dt)
        counts = obj.rng.binomial(self.N, self._p, size=obj.size)
        acc = obj.accumulator(self.target)
        acc += self.weight * counts
