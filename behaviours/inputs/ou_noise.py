"""Ornstein-Uhlenbeck noise current, updated exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._precision import compute_dtype
from ._base import InputBehaviour

__all__ = ["OUNoise"]


class OUNoise(InputBehaviour):
    r"""Ornstein-Uhlenbeck current, one independent process per neuron.

    .. math:: dx = \frac{\mu - x}{\tau}\,dt + \sigma\sqrt{2/\tau}\,dW

    updated with the exact discretisation (no time-step error at any dt):

    .. math:: x_k = \mu + (x_{k-1} - \mu)\,e^{-dt/\tau} + \sigma\sqrt{1 - e^{-2dt/\tau}}\;\xi_k,
              \qquad \xi_k \sim N(0, 1) \text{ from } net.rng .

    ``sigma`` is the stationary standard deviation and ``tau`` the correlation time:
    the autocorrelation is ``sigma^2 exp(-|lag|/tau)``. Step ``k`` adds ``x_k``.

    Parameters
    ----------
    mu : float
        Mean current (default 0; pA or the model's unit; may differ per neuron).
    sigma : float
        Stationary standard deviation (>= 0; may differ per neuron; required).
    tau : float, ms
        Correlation time (> 0; default 10).
    start : {'stationary', 'mean'}
        Initial value: a draw from the stationary distribution (default) or ``mu``.
    target : str
        Accumulator to add into (default ``'I'``).

    The process is kept in ``beh.x`` (network dtype).

    Example
    -------
    >>> OUNoise(mu=300.0, sigma=50.0, tau=5.0)
    """

    def initialize(self, obj: Any) -> None:
        self.read_target(obj)
        self.mu = self.read_amplitude(obj, "mu", 0.0, dtype=np.float64)
        self.sigma = self.read_amplitude(obj, "sigma", required=True, check="non-negative", dtype=np.float64)
        self.tau = self.read_time(obj, "tau", 10.0)
        if not self.tau > 0:
            raise self._fail(obj, "tau", "a positive time in ms", self.tau)
        start = self.parameter("start", "stationary")
        if start not in ("stationary", "mean"):
            raise self._fail(obj, "start", "'stationary' or 'mean'", start)
        self._draw_dtype = compute_dtype(obj.dtype)
        x = np.broadcast_to(np.asarray(self.mu, dtype=np.float64), (obj.size,)).copy()
        if start == "stationary":
            x += self.sigma * obj.rng.standard_normal(obj.size, dtype=self._draw_dtype)
        self.x = x.astype(obj.dtype)
        self._dt = None

    def _update_dt(self, dt: float) -> None:
        e = np.exp(-dt / self.tau)
        self._decay = e
        self._noise = self.sigma * np.sqrt(1.0 - e * e)
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        xi = obj.rng.standard_normal(obj.size, dtype=self._draw_dtype)
        x = self.mu + (self.x.astype(self._draw_dtype, copy=False) - self.mu) * self._decay + self._noise * xi
        self.x[...] = x
        acc = obj.accumulator(self.target)
        acc += self.x
