"""Poisson spike trains of many virtual inputs, added as a current."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import InputBehaviour

__all__ = ["PoissonInput"]


class PoissonInput(InputBehaviour):
    r"""``N`` independent Poisson spike trains per neuron, each spike delivering the charge ``weight``.

    In every step each neuron receives ``c ~ Binomial(N, rate * dt / 1000)`` input spikes (drawn
    from ``net.rng``) and ``weight * c / dt`` is added to its accumulator (``'I'`` by default):
    each spike is a pulse that delivers ``weight`` (pA ms = fC, or the target's unit times ms)
    within its step, the meaning of a delta synapse's weight in Brian2's ``PoissonInput`` and
    NEST (a jump of ``weight / C_m`` mV in a neuron of capacitance ``C_m`` pF, as ``dt -> 0``).
    So the mean added current,

    .. math:: \bar I = N \cdot \frac{rate}{1000} \cdot weight \quad \text{(pA)},

    and its fluctuations (variance ``N rate/1000 weight^2 / dt`` per step, the same charge
    variance per ms) do not depend on ``dt``: a network keeps its behaviour when only ``dt``
    changes. (Earlier pymonn added ``weight`` for one step, i.e. the charge ``weight * dt``:
    multiply such weights by the ``dt`` they were tuned at.)
    The virtual inputs are not neurons: nothing is stored per input.

    Parameters
    ----------
    N : int
        Number of inputs per neuron (>= 1).
    rate : float, Hz
        Rate of each input (>= 0, with ``rate * dt / 1000 <= 1``); may differ per neuron.
    weight : float, pA ms
        Charge delivered per input spike (or the target's unit times ms); may differ per neuron.
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> PoissonInput(N=1000, rate=5.0, weight=2.0)   # mean 1000 * 0.005 * 2 = 10 pA at any dt
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
        self._per_spike = self.weight / dt  # the current that delivers the charge weight within one step
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._check(obj, dt)
        counts = obj.rng.binomial(self.N, self._p, size=obj.size)
        acc = obj.accumulator(self.target)
        acc += self._per_spike * counts
