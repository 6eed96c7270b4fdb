"""Hindmarsh-Rose (1984) bursting neuron, dimensionless x/y/z."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from ._base import STATE_SIZES, NeuronModel, same_objects

__all__ = ["HindmarshRose"]


@njit(cache=True, fastmath=False, inline="always")
def _hr_rhs(x, y, z, I, a, b, c, d, r, s, x_R):  # noqa: E741
    return (y - a * x * x * x + b * x * x - z + I,
            c - d * x * x - y,
            r * (s * (x - x_R) - z))


@njit(cache=True, fastmath=False, inline="always")
def _hr_one(x0, y0, z0, I, a, b, c, d, r, s, x_R, x_th, dt):  # noqa: E741
    """One neuron, one RK4 step: returns (x, y, z, fired)."""
    h2 = dt / 2.0
    h6 = dt / 6.0
    k1x, k1y, k1z = _hr_rhs(x0, y0, z0, I, a, b, c, d, r, s, x_R)
    k2x, k2y, k2z = _hr_rhs(x0 + h2 * k1x, y0 + h2 * k1y, z0 + h2 * k1z, I, a, b, c, d, r, s, x_R)
    k3x, k3y, k3z = _hr_rhs(x0 + h2 * k2x, y0 + h2 * k2y, z0 + h2 * k2z, I, a, b, c, d, r, s, x_R)
    k4x, k4y, k4z = _hr_rhs(x0 + dt * k3x, y0 + dt * k3y, z0 + dt * k3z, I, a, b, c, d, r, s, x_R)
    xn = x0 + h6 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
    yn = y0 + h6 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
    zn = z0 + h6 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z)
    return xn, yn, zn, (x0 < x_th and xn >= x_th)


@njit(cache=True, fastmath=False)
def hr_step_numba(x, y, z, I, fired, P, dt):  # noqa: E741
    """One classical Runge-Kutta (RK4) step of the Hindmarsh-Rose model for every neuron (compiled).

    ``P`` rows: a, b, c, d, r, s, x_R, x_th; one column (shared) or one per neuron.
    """
    n = x.shape[0]
    if y.shape[0] != n or z.shape[0] != n or I.shape[0] != n or fired.shape[0] != n or (
            P.shape[1] != 1 and P.shape[1] != n):
        raise ValueError(STATE_SIZES)
    if P.shape[1] == 1:
        a0, b0, c0, d0, r0, s0, xr, th = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], P[6, 0], P[7, 0]
        for i in range(n):
            x[i], y[i], z[i], fired[i] = _hr_one(x[i], y[i], z[i], I[i], a0, b0, c0, d0, r0, s0, xr, th, dt)
    else:
        for i in range(n):
            x[i], y[i], z[i], fired[i] = _hr_one(x[i], y[i], z[i], I[i], P[0, i], P[1, i], P[2, i], P[3, i], P[4, i],
                                                 P[5, i], P[6, i], P[7, i], dt)


def _hr_rhs_numpy(x, y, z, I, a, b, c, d, r, s, x_R):  # noqa: E741
    return (y - a * x * x * x + b * x * x - z + I,
            c - d * x * x - y,
            r * (s * (x - x_R) - z))


def hr_step_numpy(x, y, z, I, fired, P, dt):  # noqa: E741
    """Plain-numpy twin of :func:`hr_step_numba` (same arithmetic, same results, bit for bit).

    As in the compiled kernel, the first slope is computed in the state's dtype and everything
    after it in float64 (``dt`` is a float64 there: numba promotes), rounding only when storing.
    """
    a, b, c, d, r, s, x_R, x_th = P
    h2 = np.float64(dt) / 2.0
    h6 = np.float64(dt) / 6.0
    args = (I, a, b, c, d, r, s, x_R)
    k1x, k1y, k1z = _hr_rhs_numpy(x, y, z, *args)
    k2x, k2y, k2z = _hr_rhs_numpy(x + h2 * k1x, y + h2 * k1y, z + h2 * k1z, *args)
    k3x, k3y, k3z = _hr_rhs_numpy(x + h2 * k2x, y + h2 * k2y, z + h2 * k2z, *args)
    k4x, k4y, k4z = _hr_rhs_numpy(x + dt * k3x, y + dt * k3y, z + dt * k3z, *args)
    xn = x + h6 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
    fired[...] = (x < x_th) & (xn >= x_th)
    y[...] = y + h6 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
    z[...] = z + h6 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z)
    x[...] = xn


class HindmarshRose(NeuronModel):
    r"""Hindmarsh & Rose's (1984, Proc. R. Soc. Lond. B 221:87) three-variable bursting neuron.

    .. math::

        \dot x = y - a x^3 + b x^2 - z + I, \qquad \dot y = c - d x^2 - y, \qquad
        \dot z = r\,(s\,(x - x_R) - z)

    ``x`` is the membrane potential, ``y`` the fast recovery (spiking) variable and ``z`` the slow
    adaptation current; all are dimensionless and time is in the model's units, taken as ms
    (dt = 0.05 is accurate). Integrated by classical Runge-Kutta (RK4) with ``I`` held constant
    over the step. A spike (``fired``) is an upward crossing of ``x_th`` by ``x``.

    Defaults are the standard bursting parameters: a = 1, b = 3, c = 1, d = 5, s = 4,
    r = 0.006 (the slow time scale; typically 0.001 - 0.01) and x_R = -1.6, the rounded leftmost
    equilibrium of the fast subsystem at I = 0, x = -(1 + sqrt 5)/2 = -1.618 (Hindmarsh & Rose
    1984). Regimes measured with these defaults (dt = 0.05): I = 2 bursts of 2 spikes, I = 2.5
    bursts of 3 spikes, I = 3 - 3.3 irregular (chaotic near 3.25) bursting, I >= 3.5 tonic
    spiking. With the 1984 paper's Fig. 6 value r = 0.001, I = 2 gives bursts of about 9 spikes.

    Parameters
    ----------
    a, b, c, d, r, s, x_R : float, init string or array
        Model parameters (see above); ``r`` must be positive.
    x_th : float
        Spike detection threshold on ``x`` (default 1.0).
    x : init value
        Initial x (default x_R); ``y`` defaults to ``c - d x^2`` and ``z`` to ``s (x - x_R)``
        (the rest point of the fast and slow subsystems) unless given.
    backend, check_finite
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.

    Variables written on the group
    ------------------------------
    x, y, z : network dtype; ``v`` is an alias of ``x`` (the same array) for recorders and
    plots. fired : bool. Reads ``n.accumulator('I')`` (dimensionless).

    Example
    -------
    >>> NeuronGroup(net, 2, {10: ConstantCurrent(amplitude=[2.0, 4.0]), 30: HindmarshRose(),
    ...                      90: EventRecorder('fired')})
    """

    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        raw = {
            "a": self.read_parameter(obj, "a", 1.0),
            "b": self.read_parameter(obj, "b", 3.0),
            "c": self.read_parameter(obj, "c", 1.0),
            "d": self.read_parameter(obj, "d", 5.0),
            "r": self.read_parameter(obj, "r", 0.006, "positive", "a positive rate (the slow time scale)"),
            "s": self.read_parameter(obj, "s", 4.0),
            "x_R": self.read_parameter(obj, "x_R", -1.6),
            "x_th": self.read_parameter(obj, "x_th", 1.0),
        }
        self.finish_parameters(obj, raw)
        x = self.init_state(obj, "x", raw["x_R"]).astype(np.float64)
        if "y" in self.init_kwargs:
            self.init_state(obj, "y", None)
        else:
            obj.y = (raw["c"] - raw["d"] * x * x).astype(obj.dtype)
        if "z" in self.init_kwargs:
            self.init_state(obj, "z", None)
        else:
            obj.z = (raw["s"] * (x - raw["x_R"])).astype(obj.dtype)
        obj.v = obj.x
        obj.fired = obj.vector(bool)
        c, d, x_R = raw["c"], raw["d"], raw["x_R"]
        self._reset = {"x": self.compute_array(x_R), "y": self.compute_array(c - d * x_R * x_R), "z": 0.0}
        self._kernel = hr_step_numba if self.backend == "numba" else hr_step_numpy
        self._tail = (self.P,)

    def iteration(self, obj: Any) -> None:
        arrays = (obj.x, obj.y, obj.z, obj.accumulator("I"), obj.fired)
        if not same_objects(arrays, self._verified):
            arrays = self._verified = self.verify_state(obj, ("x", "y", "z", "I", "fired"), arrays)
        if self._fast:
            self._kernel(*arrays, *self._tail, obj.dt)
            return
        state = arrays[:3]
        work = self._work.load(arrays[:4])
        self._kernel(*work, arrays[4], *self._tail, obj.dt)
        self.store(state, work[:3])
        if self._clean:
            r = self._reset
            self.clean(obj, [(obj.x, r["x"]), (obj.y, r["y"]), (obj.z, r["z"])])
