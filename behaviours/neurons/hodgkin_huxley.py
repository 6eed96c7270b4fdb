"""Hodgkin-Huxley (1952) squid giant axon, modern sign convention (rest near -65 mV)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from ._base import STATE_SIZES, NeuronModel, same_objects

__all__ = ["HodgkinHuxley", "hh_rates"]


@njit(cache=True, fastmath=False, inline="always")
def _efun(z):
    """z / (exp(z) - 1), continuous at z = 0 (the removable singularity of alpha_m, alpha_n)."""
    if abs(z) < 1e-6:
        return 1.0 - z / 2.0
    return z / (np.exp(z) - 1.0)


def _efun_numpy(z):
    z = np.asarray(z, dtype=np.result_type(z, np.float32))
    small = np.abs(z) < 1e-6
    safe = np.where(small, 1.0, z)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = safe / (np.exp(safe) - 1.0)
    return np.where(small, 1.0 - z / 2.0, out)


def hh_rates(v):
    """The six rate functions (1/ms) at ``v`` (mV): alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n."""
    v = np.asarray(v, dtype=np.float64)
    am = _efun_numpy(-(v + 40.0) / 10.0)
    bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    an = 0.1 * _efun_numpy(-(v + 55.0) / 10.0)
    bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


@njit(cache=True, fastmath=False, inline="always")
def _hh_one(v, m, h, n, I, C, g_Na, g_K, g_L, E_Na, E_K, E_L, v_spike, dt):  # noqa: E741
    """One neuron: returns (v, m, h, n, fired)."""
    am = _efun(-(v + 40.0) / 10.0)
    bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    an = 0.1 * _efun(-(v + 55.0) / 10.0)
    bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    sm = am + bm
    sh = ah + bh
    sn = an + bn
    mi = am / sm + (m - am / sm) * np.exp(-dt * sm)
    hi = ah / sh + (h - ah / sh) * np.exp(-dt * sh)
    ni = an / sn + (n - an / sn) * np.exp(-dt * sn)
    gna = g_Na * mi * mi * mi * hi
    n2 = ni * ni
    gk = g_K * n2 * n2
    gtot = gna + gk + g_L
    v_inf = (gna * E_Na + gk * E_K + g_L * E_L + I) / gtot
    vn = v_inf + (v - v_inf) * np.exp(-dt * gtot / C)
    return vn, mi, hi, ni, (v < v_spike and vn >= v_spike)


@njit(cache=True, fastmath=False)
def hh_step_numba(v, m, h, n, I, fired, P, dt):  # noqa: E741
    """One exponential-Euler Hodgkin-Huxley step for every neuron (compiled, in place).

    ``P`` rows: C, g_Na, g_K, g_L, E_Na, E_K, E_L, v_spike; one column (shared) or one per neuron.
    """
    size = v.shape[0]
    if (m.shape[0] != size or h.shape[0] != size or n.shape[0] != size or I.shape[0] != size
            or fired.shape[0] != size or (P.shape[1] != 1 and P.shape[1] != size)):
        raise ValueError(STATE_SIZES)
    if P.shape[1] == 1:
        c0, gna, gk, gl, ena, ek, el, vs = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], P[6, 0], P[7, 0]
        for i in range(size):
            v[i], m[i], h[i], n[i], fired[i] = _hh_one(v[i], m[i], h[i], n[i], I[i], c0, gna, gk, gl, ena, ek, el, vs,
                                                       dt)
    else:
        for i in range(size):
            v[i], m[i], h[i], n[i], fired[i] = _hh_one(v[i], m[i], h[i], n[i], I[i], P[0, i], P[1, i], P[2, i],
                                                       P[3, i], P[4, i], P[5, i], P[6, i], P[7, i], dt)


def hh_step_numpy(v, m, h, n, I, fired, P, dt):  # noqa: E741
    """Plain-numpy twin of :func:`hh_step_numba`: the same arithmetic, in float64 whatever the state's
    dtype (as the compiled kernel, whose literals are float64); only ``exp`` may differ in its last bit."""
    C, g_Na, g_K, g_L, E_Na, E_K, E_L, v_spike = P
    v0, v = v, v.astype(np.float64)
    am = _efun_numpy(-(v + 40.0) / 10.0)
    bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    an = 0.1 * _efun_numpy(-(v + 55.0) / 10.0)
    bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    sm, sh, sn = am + bm, ah + bh, an + bn
    mi = am / sm + (m - am / sm) * np.exp(-dt * sm)
    hi = ah / sh + (h - ah / sh) * np.exp(-dt * sh)
    ni = an / sn + (n - an / sn) * np.exp(-dt * sn)
    gna = g_Na * mi * mi * mi * hi
    n2 = ni * ni
    gk = g_K * n2 * n2
    gtot = gna + gk + g_L
    v_inf = (gna * E_Na + gk * E_K + g_L * E_L + I) / gtot
    vn = v_inf + (v - v_inf) * np.exp(-dt * gtot / C)
    fired[...] = (v0 < v_spike) & (vn >= v_spike)
    v0[...] = vn
    m[...] = mi
    h[...] = hi
    n[...] = ni


class HodgkinHuxley(NeuronModel):
    r"""Hodgkin & Huxley's (1952, J. Physiol. 117:500) squid giant axon, rest near -65 mV.

    .. math::

        C \frac{dV}{dt} = I - \bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K) - g_L (V - E_L)

        \frac{dx}{dt} = \alpha_x(V) (1 - x) - \beta_x(V)\, x, \qquad x \in \{m, h, n\}

    with (V in mV, rates in 1/ms)
    ``alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10))``, ``beta_m = 4 exp(-(V+65)/18)``,
    ``alpha_h = 0.07 exp(-(V+65)/20)``, ``beta_h = 1 / (1 + exp(-(V+35)/10))``,
    ``alpha_n = 0.01 (V+55) / (1 - exp(-(V+55)/10))``, ``beta_n = 0.125 exp(-(V+65)/80)``:
    the 1952 equations with the potential shifted to the modern convention (Dayan & Abbott 2001,
    Gerstner et al. 2014). Units: mV, ms, uF/cm2, mS/cm2 and uA/cm2 (the input ``I`` is a current
    density in uA/cm2).

    Integration: exponential Euler for all four variables. The gates relax exactly towards their
    steady state at the step's starting potential; then V relaxes exactly towards the
    conductance-weighted reversal potential with the new gates. Stable at dt = 0.025 ms and beyond.
    A spike (``fired``) is an upward crossing of ``v_spike``.

    Parameters
    ----------
    C : uF/cm2 (1);  g_Na, g_K, g_L : mS/cm2 (120, 36, 0.3);  E_Na, E_K, E_L : mV (50, -77, -54.387)
        Hodgkin & Huxley's values; E_L is chosen so that the resting potential is -65 mV.
        One number, an init string or one value per neuron each.
    v_spike : float, mV
        Spike detection threshold (default 0 mV).
    v : init value, mV
        Initial potential (default -65); m, h, n start at their steady state for it unless given.
    backend, check_finite
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.

    Variables written on the group
    ------------------------------
    v (mV), m, h, n : network dtype.  fired : bool.  Reads ``n.accumulator('I')`` (uA/cm2).

    Example
    -------
    >>> net = Network(dt=0.025)
    >>> NeuronGroup(net, 1, {10: SquarePulse(start=10, end=110, amplitude=10.0), 30: HodgkinHuxley(),
    ...                      90: Recorder(['v'])})
    """

    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        raw = {
            "C": self.read_parameter(obj, "C", 1.0, "positive", "a positive capacitance in uF/cm2"),
            "g_Na": self.read_parameter(obj, "g_Na", 120.0, "non-negative", "a non-negative conductance in mS/cm2"),
            "g_K": self.read_parameter(obj, "g_K", 36.0, "non-negative", "a non-negative conductance in mS/cm2"),
            "g_L": self.read_parameter(obj, "g_L", 0.3, "positive", "a positive conductance in mS/cm2"),
            "E_Na": self.read_parameter(obj, "E_Na", 50.0),
            "E_K": self.read_parameter(obj, "E_K", -77.0),
            "E_L": self.read_parameter(obj, "E_L", -54.387),
            "v_spike": self.read_parameter(obj, "v_spike", 0.0),
        }
        self.finish_parameters(obj, raw)
        v = self.init_state(obj, "v", -65.0)
        am, bm, ah, bh, an, bn = hh_rates(v.astype(np.float64))
        for name, steady in (("m", am / (am + bm)), ("h", ah / (ah + bh)), ("n", an / (an + bn))):
            if name in self.init_kwargs:
                gate = self.init_state(obj, name, None)
                if np.any((gate < 0) | (gate > 1)):
                    raise self._fail(obj, name, "a gating value within [0, 1]", self.parameter(name))
            else:
                setattr(obj, name, steady.astype(obj.dtype))
        obj.fired = obj.vector(bool)
        self._rest = {k: s.astype(self.work_dtype) for k, s in zip("mhn", self._steady(-65.0), strict=True)}
        self._kernel = hh_step_numba if self.backend == "numba" else hh_step_numpy
        self._tail = (self.P,)

    @staticmethod
    def _steady(v: float):
        am, bm, ah, bh, an, bn = hh_rates(v)
        return am / (am + bm), ah / (ah + bh), an / (an + bn)

    def iteration(self, obj: Any) -> None:
        arrays = (obj.v, obj.m, obj.h, obj.n, obj.accumulator("I"), obj.fired)
        if not same_objects(arrays, self._verified):
            arrays = self._verified = self.verify_state(obj, ("v", "m", "h", "n", "I", "fired"), arrays)
        if self._fast:
            self._kernel(*arrays, *self._tail, obj.dt)
            return
        state = arrays[:4]
        work = self._work.load(arrays[:5])
        self._kernel(*work, arrays[5], *self._tail, obj.dt)
        self.store(state, work[:4])
        if self._clean:
            r = self._rest
            self.clean(obj, [(obj.v, -65.0), (obj.m, r["m"]), (obj.h, r["h"]), (obj.n, r["n"])])
