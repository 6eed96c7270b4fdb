"""Izhikevich (2003) simple model, with the named cell classes of Izhikevich 2003/2004."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.errors import ConfigurationError

from ._base import STATE_SIZES, NeuronModel

__all__ = ["Izhikevich", "IZHIKEVICH_PRESETS"]

#: (a, b, c, d) of the cell classes in Izhikevich 2003, Fig. 2 (also Izhikevich 2004, Fig. 1).
IZHIKEVICH_PRESETS: dict[str, tuple[float, float, float, float]] = {
    "RS": (0.02, 0.2, -65.0, 8.0),    # regular spiking (excitatory, adapting)
    "IB": (0.02, 0.2, -55.0, 4.0),    # intrinsically bursting (initial burst, then tonic)
    "CH": (0.02, 0.2, -50.0, 2.0),    # chattering (fast rhythmic bursts)
    "FS": (0.1, 0.2, -65.0, 2.0),     # fast spiking (inhibitory, no adaptation)
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking (inhibitory, rebound spikes)
    "TC": (0.02, 0.25, -65.0, 0.05),  # thalamo-cortical (tonic, or rebound burst after hyperpolarisation)
    "RZ": (0.1, 0.26, -65.0, 2.0),    # resonator
}


@njit(cache=True, fastmath=False, inline="always")
def _izhikevich_one(v, u, I, a, b, c, d, v_peak, dt):  # noqa: E741
    """One neuron: returns (v, u, fired)."""
    vn = v + dt * (0.04 * v * v + 5.0 * v + 140.0 - u + I)
    un = u + dt * (a * (b * vn - u))
    spike = vn >= v_peak
    return (c if spike else vn), (un + d if spike else un), spike


@njit(cache=True, fastmath=False)
def izhikevich_step_numba(v, u, I, fired, P, dt):  # noqa: E741
    """One forward-Euler step of the Izhikevich model for every neuron (compiled, in place).

    ``P`` rows: a, b, c, d, v_peak; one column (shared) or one per neuron.
    """
    n = v.shape[0]
    if u.shape[0] != n or I.shape[0] != n or fired.shape[0] != n or (P.shape[1] != 1 and P.shape[1] != n):
        raise ValueError(STATE_SIZES)
    if P.shape[1] == 1:
        a0, b0, c0, d0, p0 = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0]
        for i in range(n):
            v[i], u[i], fired[i] = _izhikevich_one(v[i], u[i], I[i], a0, b0, c0, d0, p0, dt)
    else:
        for i in range(n):
            v[i], u[i], fired[i] = _izhikevich_one(v[i], u[i], I[i], P[0, i], P[1, i], P[2, i], P[3, i], P[4, i], dt)


def izhikevich_step_numpy(v, u, I, fired, P, dt):  # noqa: E741
    """Plain-numpy twin of :func:`izhikevich_step_numba` (same arithmetic, same results, bit for bit).

    The compiled kernel computes in float64 whatever the state's dtype (its literals and ``dt`` are
    float64, and numba promotes), rounding only when it stores; so does this twin.
    """
    a, b, c, d, v_peak = P
    w = v.astype(np.float64)
    vn = w + dt * (0.04 * w * w + 5.0 * w + 140.0 - u + I)
    un = u + dt * (a * (b * vn - u))
    spike = vn >= v_peak
    v[...] = np.where(spike, np.broadcast_to(c, v.shape), vn)
    u[...] = np.where(spike, un + d, un)
    fired[...] = spike


class Izhikevich(NeuronModel):
    r"""Izhikevich's simple spiking model (Izhikevich 2003, IEEE Trans. Neural Netw. 14:1569).

    .. math::

        \frac{dv}{dt} = 0.04 v^2 + 5 v + 140 - u + I, \qquad \frac{du}{dt} = a (b v - u)

        \text{if } v \ge v_{peak}: \quad v \leftarrow c, \; u \leftarrow u + d

    In the paper's units: ``v`` in mV, ``t`` in ms, ``I`` dimensionless (its mV/ms scale).
    Integrated by forward Euler with the network's dt; ``u`` is updated with the new ``v``, as
    in the paper's code (whose two 0.5 ms half steps equal ``dt = 0.5``). Spikes are reported in
    the step in which ``v`` reaches ``v_peak``; ``v`` then already holds ``c``.

    Parameters
    ----------
    preset : str, optional
        A cell class of Izhikevich 2003/2004 giving ``a, b, c, d``: 'RS' (0.02, 0.2, -65, 8),
        'IB' (0.02, 0.2, -55, 4), 'CH' (0.02, 0.2, -50, 2), 'FS' (0.1, 0.2, -65, 2),
        'LTS' (0.02, 0.25, -65, 2), 'TC' (0.02, 0.25, -65, 0.05), 'RZ' (0.1, 0.26, -65, 2).
        Parameters given explicitly override the preset's. Default: 'RS'.
    a, b, c, d : float, init string or array
        Recovery time scale (1/ms), sensitivity of u to v, reset potential (mV), reset jump of
        u. Per-neuron values make the 2003 random network: e.g. ``c=-65 + 15 * r**2``.
    v_peak : float, mV
        Spike cut-off (default 30).
    v : init value, mV
        Initial potential (default -65, as in the paper's code).
    u : init value
        Initial recovery variable (default ``b * v``).
    backend, check_finite
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.

    Variables written on the group
    ------------------------------
    v, u : network dtype.  fired : bool.  Reads ``n.accumulator('I')``.

    Example
    -------
    >>> ng = NeuronGroup(net, 800, {10: ConstantCurrent(amplitude=10.0), 30: Izhikevich(preset='CH')})
    >>> re = np.random.default_rng(0).random(800)            # the 2003 network's excitatory cells
    >>> Izhikevich(a=0.02, b=0.2, c=-65 + 15 * re**2, d=8 - 6 * re**2)
    """

    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        preset = self.parameter("preset", "RS")
        if not isinstance(preset, str) or preset.upper() not in IZHIKEVICH_PRESETS:
            raise ConfigurationError(
                f"Izhikevich on {obj.describe()}: parameter 'preset' must be one of "
                f"{sorted(IZHIKEVICH_PRESETS)}, got {preset!r}"
            )
        self.preset = preset.upper()
        pa, pb, pc, pd = IZHIKEVICH_PRESETS[self.preset]
        a = self.read_parameter(obj, "a", pa, "positive", "a positive rate in 1/ms")
        b = self.read_parameter(obj, "b", pb)
        c = self.read_parameter(obj, "c", pc)
        d = self.read_parameter(obj, "d", pd)
        v_peak = self.read_parameter(obj, "v_peak", 30.0)
        if np.any(c >= v_peak):
            raise self._fail(obj, "c", f"below v_peak ({v_peak[:3]} mV)", c[:3])
        self.finish_parameters(obj, {"a": a, "b": b, "c": c, "d": d, "v_peak": v_peak})
        v = self.init_state(obj, "v", -65.0)
        if "u" in self.init_kwargs:
            self.init_state(obj, "u", None)
        else:
            obj.u = (np.broadcast_to(b, v.shape) * v.astype(np.float64)).astype(obj.dtype)
        obj.fired = obj.vector(bool)
        self._kernel = izhikevich_step_numba if self.backend == "numba" else izhikevich_step_numpy
        self._tail = (self.P,)

    def iteration(self, obj: Any) -> None:
        arrays = (obj.v, obj.u, obj.accumulator("I"), obj.fired)
        c = self._verified
        if not (c and arrays[0] is c[0] and arrays[1] is c[1] and arrays[2] is c[2] and arrays[3] is c[3]):
            arrays = self._verified = self.verify_state(obj, ("v", "u", "I", "fired"), arrays)
        v, u, I, fired = arrays  # noqa: E741
        if self._fast:
            self._kernel(v, u, I, fired, *self._tail, obj.dt)
            return
        wv, wu, wI = self._work.load((v, u, I))
        p = self.p
        self._kernel(wv, wu, wI, fired, *self._tail, obj.dt)
        self.store((v, u), (wv, wu))
        if self._clean:
            self.clean(obj, [(v, p["c"]), (u, p["b"] * p["c"])])
