"""Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005), Naud et al. 2008 presets."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.errors import ConfigurationError

from ._base import STATE_SIZES, NeuronModel, steps_of

__all__ = ["AdEx", "ADEX_PRESETS"]

#: Naud, Marcille, Clopath & Gerstner 2008 (Biol. Cybern. 99:335), Table 1, with the step current
#: of their Fig. 4 in ``I_step`` (pA; a hint for protocols, not a parameter of the model).
#: Keys: C (pF), g_L (nS), E_L (mV), V_T (mV), Delta_T (mV), a (nS), tau_w (ms), b (pA), V_r (mV).
ADEX_PRESETS: dict[str, dict[str, float]] = {
    "tonic": dict(C=200.0, g_L=10.0, E_L=-70.0, V_T=-50.0, Delta_T=2.0, a=2.0, tau_w=30.0, b=0.0,
                  V_r=-58.0, I_step=500.0),
    "adapting": dict(C=200.0, g_L=12.0, E_L=-70.0, V_T=-50.0, Delta_T=2.0, a=2.0, tau_w=300.0, b=60.0,
                     V_r=-58.0, I_step=500.0),
    "initial_burst": dict(C=130.0, g_L=18.0, E_L=-58.0, V_T=-50.0, Delta_T=2.0, a=4.0, tau_w=150.0, b=120.0,
                          V_r=-50.0, I_step=400.0),
    "regular_bursting": dict(C=200.0, g_L=10.0, E_L=-58.0, V_T=-50.0, Delta_T=2.0, a=2.0, tau_w=120.0,
                             b=100.0, V_r=-46.0, I_step=210.0),
    "delayed_accelerating": dict(C=200.0, g_L=12.0, E_L=-70.0, V_T=-50.0, Delta_T=2.0, a=-10.0, tau_w=300.0,
                                 b=0.0, V_r=-58.0, I_step=300.0),
    "delayed_regular_bursting": dict(C=100.0, g_L=10.0, E_L=-65.0, V_T=-50.0, Delta_T=2.0, a=-10.0, tau_w=90.0,
                                     b=30.0, V_r=-47.0, I_step=110.0),
    "transient": dict(C=100.0, g_L=10.0, E_L=-65.0, V_T=-50.0, Delta_T=2.0, a=10.0, tau_w=90.0, b=100.0,
                      V_r=-47.0, I_step=180.0),
    "irregular": dict(C=100.0, g_L=12.0, E_L=-60.0, V_T=-50.0, Delta_T=2.0, a=-11.0, tau_w=130.0, b=30.0,
                      V_r=-48.0, I_step=160.0),
}

#: Largest exponent used in the exponential term: above it the neuron is spiking anyway, and
#: exp(80) ~ 5.5e34 keeps float32 finite.
_EXP_MAX = 80.0


@njit(cache=True, fastmath=False, inline="always")
def _adex_one(v, w, I, r, C, g_L, E_L, V_T, Delta_T, a, tau_w, b, V_r, v_peak, n_ref, dt):  # noqa: E741
    """One neuron: returns (v, w, refractory steps left, fired)."""
    dw = (a * (v - E_L) - w) / tau_w
    arg = min((v - V_T) / Delta_T, _EXP_MAX)
    dv = (-g_L * (v - E_L) + g_L * Delta_T * np.exp(arg) - w + I) / C
    vn = v + dt * dv
    wn = w + dt * dw
    clamped = r > 0  # refractory: v held at V_r, w evolves
    spike = (vn >= v_peak) and not clamped
    return ((V_r if (clamped or spike) else vn), (wn + b if spike else wn), (n_ref if spike else max(r - 1, 0)),
            spike)


@njit(cache=True, fastmath=False)
def adex_step_numba(v, w, I, ref, fired, P, n_ref, dt):  # noqa: E741
    """One forward-Euler AdEx step for every neuron (compiled, in place).

    ``P`` rows: C, g_L, E_L, V_T, Delta_T, a, tau_w, b, V_r, v_peak; one column (shared) or one
    per neuron. ``n_ref``: refractory steps set on a spike (int32, same length).
    """
    n = v.shape[0]
    if (w.shape[0] != n or I.shape[0] != n or ref.shape[0] != n or fired.shape[0] != n
            or (P.shape[1] != 1 and P.shape[1] != n) or n_ref.shape[0] != P.shape[1]):
        raise ValueError(STATE_SIZES)
    if P.shape[1] == 1:
        c0, gl, el, vt, dT, a0, tw, b0, vr, vp = (P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], P[6, 0],
                                                  P[7, 0], P[8, 0], P[9, 0])
        nr = n_ref[0]
        for i in range(n):
            v[i], w[i], ref[i], fired[i] = _adex_one(v[i], w[i], I[i], ref[i], c0, gl, el, vt, dT, a0, tw, b0, vr,
                                                     vp, nr, dt)
    else:
        for i in range(n):
            v[i], w[i], ref[i], fired[i] = _adex_one(v[i], w[i], I[i], ref[i], P[0, i], P[1, i], P[2, i], P[3, i],
                                                     P[4, i], P[5, i], P[6, i], P[7, i], P[8, i], P[9, i], n_ref[i],
                                                     dt)


def adex_step_numpy(v, w, I, ref, fired, P, n_ref, dt):  # noqa: E741
    """Plain-numpy twin of :func:`adex_step_numba`: the same arithmetic in the same dtypes (float64
    from the exponential on, as numba promotes there); only ``exp`` may differ in its last bit."""
    C, g_L, E_L, V_T, Delta_T, a, tau_w, b, V_r, v_peak = P
    dt = np.float64(dt)
    dw = (a * (v - E_L) - w) / tau_w
    clamped = ref > 0
    arg = np.minimum((v - V_T) / Delta_T, np.float64(_EXP_MAX))
    dv = (-g_L * (v - E_L) + g_L * Delta_T * np.exp(arg) - w + I) / C
    vn = v + dt * dv
    wn = w + dt * dw
    spike = (vn >= v_peak) & ~clamped
    reset = np.broadcast_to(V_r, v.shape)
    v[...] = np.where(clamped | spike, reset, vn)
    w[...] = np.where(spike, wn + b, wn)
    ref[...] = np.where(spike, np.broadcast_to(n_ref, ref.shape), np.where(clamped, ref - 1, ref))
    fired[...] = spike


class AdEx(NeuronModel):
    r"""Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005, J. Neurophysiol. 94:3637).

    .. math::

        C \frac{dV}{dt} = -g_L (V - E_L) + g_L \Delta_T \exp\!\left(\frac{V - V_T}{\Delta_T}\right) - w + I

        \tau_w \frac{dw}{dt} = a (V - E_L) - w

        \text{if } V \ge v_{peak}: \quad V \leftarrow V_r, \; w \leftarrow w + b

    Units: mV, ms, pF, nS, pA (nS * mV = pA). Forward Euler with the network's dt (use
    dt <= 0.1 ms; the exponential term makes the upstroke stiff). During an optional refractory
    period ``t_ref`` (whole steps, rounded) ``V`` is held at ``V_r`` while ``w`` evolves.
    The exponential's argument is capped at 80 (the neuron is past ``v_peak`` long before), so
    float32 state never overflows.

    Parameters
    ----------
    preset : str, optional
        A firing pattern of Naud et al. 2008, Table 1: 'tonic', 'adapting', 'initial_burst',
        'regular_bursting', 'delayed_accelerating', 'delayed_regular_bursting', 'transient',
        'irregular' (see :data:`ADEX_PRESETS`; each pattern appears with the step current
        ``ADEX_PRESETS[name]['I_step']``). Explicit parameters override the preset's.
        Default: the Brette & Gerstner 2005 regular-spiking cell (C 281, g_L 30, E_L -70.6,
        V_T -50.4, Delta_T 2, a 4, tau_w 144, b 80.5, V_r -70.6).
    C : pF;  g_L : nS;  E_L, V_T, Delta_T, V_r : mV;  a : nS;  tau_w : ms;  b : pA
        Model parameters (one number, an init string or one value per neuron).
    v_peak : float, mV
        Spike cut-off (default 0 mV, as in Naud et al. 2008).
    t_ref : float, ms
        Refractory period (default 0).
    v : init value, mV
        Initial potential (default ``E_L``).
    w : init value, pA
        Initial adaptation current (default 0).
    backend, check_finite
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.

    Variables written on the group
    ------------------------------
    v (mV), w (pA) : network dtype.  fired : bool.  refractory : int32.
    Reads ``n.accumulator('I')`` (pA).

    Example
    -------
    >>> p = ADEX_PRESETS['adapting']
    >>> NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=p['I_step']), 30: AdEx(preset='adapting')})
    """

    _BRETTE_GERSTNER = dict(C=281.0, g_L=30.0, E_L=-70.6, V_T=-50.4, Delta_T=2.0, a=4.0, tau_w=144.0, b=80.5,
                            V_r=-70.6)

    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        preset = self.parameter("preset", None)
        if preset is None:
            base = dict(self._BRETTE_GERSTNER)
        elif isinstance(preset, str) and preset.lower() in ADEX_PRESETS:
            base = dict(ADEX_PRESETS[preset.lower()])
            base.pop("I_step")
        else:
            raise ConfigurationError(
                f"AdEx on {obj.describe()}: parameter 'preset' must be one of {sorted(ADEX_PRESETS)} or None, "
                f"got {preset!r}"
            )
        self.preset = preset
        checks = {"C": "positive", "g_L": "positive", "Delta_T": "positive", "tau_w": "positive"}
        raw = {k: self.read_parameter(obj, k, base[k], checks.get(k, "finite")) for k in base}
        raw["v_peak"] = self.read_parameter(obj, "v_peak", 0.0)
        if np.any(raw["V_r"] >= raw["v_peak"]):
            raise self._fail(obj, "V_r", f"below v_peak ({raw['v_peak'][:3]} mV)", raw["V_r"][:3])
        t_ref = self.read_parameter(obj, "t_ref", 0.0, "non-negative", "a non-negative time in ms")
        raw["t_ref"] = t_ref
        self.finish_parameters(obj, raw)
        self._t_ref = np.full(obj.size, t_ref[0]) if self.ps and t_ref.size == 1 else t_ref
        self.init_state(obj, "v", raw["E_L"])
        self.init_state(obj, "w", 0.0)
        obj.fired = obj.vector(bool)
        obj.refractory = np.zeros(obj.size, dtype=np.int32)
        self._kernel = adex_step_numba if self.backend == "numba" else adex_step_numpy
        self._update_dt(obj.dt)  # n_ref exists from initialize on (state files see it)

    def _update_dt(self, dt: float) -> None:
        whole, frac = steps_of(self._t_ref, dt)
        self.n_ref = np.ascontiguousarray(whole + (frac >= 0.5), dtype=np.int32)
        self._tail = (self.P[:10], self.n_ref, dt)
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        arrays = (obj.v, obj.w, obj.accumulator("I"), obj.refractory, obj.fired)
        c = self._verified
        if not (c and arrays[0] is c[0] and arrays[1] is c[1] and arrays[2] is c[2] and arrays[3] is c[3]
                and arrays[4] is c[4]):
            arrays = self._verified = self.verify_state(obj, ("v", "w", "I", "refractory", "fired"), arrays)
        v, w, I, ref, fired = arrays  # noqa: E741
        if self._fast:
            self._kernel(v, w, I, ref, fired, *self._tail)
            return
        wv, ww, wI = self._work.load((v, w, I))
        p = self.p
        self._kernel(wv, ww, wI, ref, fired, *self._tail)
        self.store((v, w), (wv, ww))
        if self._clean:
            self.clean(obj, [(v, p["V_r"]), (w, 0.0)])
