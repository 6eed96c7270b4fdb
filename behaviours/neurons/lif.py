"""Leaky integrate-and-fire neuron with exact exponential integration and an exact refractory period."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from ._base import NeuronModel, steps_of

__all__ = ["LIF"]


@njit(cache=True, fastmath=False)
def lif_step_numba(v, I, ref, fired, v_rest, v_reset, v_th, gain, decay, decay_last, n_ref, ps):  # noqa: E741
    """One LIF step for every neuron (compiled). Arrays are modified in place; see :class:`LIF`."""
    for i in range(v.shape[0]):
        j = i * ps
        r = ref[i]
        if r > 1:  # whole step inside the refractory period: clamped
            ref[i] = r - 1
            v[i] = v_reset[j]
            fired[i] = False
            continue
        if r == 1:  # the period ends inside (or at the start of) this step
            d = decay_last[j]
            ref[i] = 0
        else:
            d = decay[j]
        v_inf = v_rest[j] + gain[j] * I[i]
        x = v_inf + (v[i] - v_inf) * d
        if x >= v_th[j]:
            fired[i] = True
            v[i] = v_reset[j]
            ref[i] = n_ref[j]
        else:
            fired[i] = False
            v[i] = x


def lif_step_numpy(v, I, ref, fired, v_rest, v_reset, v_th, gain, decay, decay_last, n_ref, ps):  # noqa: E741
    """Plain-numpy twin of :func:`lif_step_numba` (same arithmetic, same results)."""
    clamped = ref > 1
    last = ref == 1
    d = np.where(last, decay_last, decay)
    v_inf = v_rest + gain * I
    x = v_inf + (v - v_inf) * d
    spike = (x >= v_th) & ~clamped
    reset = np.broadcast_to(v_reset, v.shape)
    v[...] = np.where(clamped | spike, reset, x)
    new_ref = np.where(clamped, ref - 1, np.where(last, 0, ref))
    ref[...] = np.where(spike, np.broadcast_to(n_ref, ref.shape), new_ref)
    fired[...] = spike


class LIF(NeuronModel):
    r"""Leaky integrate-and-fire neuron, integrated exactly, with an absolute refractory period.

    .. math::

        \tau_m \frac{dv}{dt} = -(v - v_{rest}) + R\,I, \qquad R = \tau_m / C_m

    When ``v >= v_th`` the neuron fires (``fired[i] = True`` in that step), ``v`` is set to
    ``v_reset`` and held there for ``t_ref`` ms; then integration resumes.

    Integration is exact for an input that is constant during a step (it is: inputs and synapses
    add into ``n.accumulator('I')`` once per step): ``v <- v_inf + (v - v_inf) exp(-dt/tau_m)``
    with ``v_inf = v_rest + R I``. The refractory period is exact too, also when ``t_ref`` is not a
    multiple of ``dt``: the step in which it ends integrates only over the part of the step after it.
    A neuron firing in step k therefore next fires after exactly ``t_ref + T`` ms of model time,
    where ``T`` is the integration time from ``v_reset`` to ``v_th``, rounded up to the step grid.

    Parameters
    ----------
    tau_m : float, ms
        Membrane time constant (default 10).
    C_m : float, pF
        Capacitance (default 250); sets ``R = tau_m / C_m`` in GOhm = mV/pA.
    R : float, MOhm, optional
        Membrane resistance instead of ``C_m`` (give one of them).
    v_rest, v_reset, v_th : float, mV
        Resting (-70), reset (-70) and threshold (-55) potentials.
    t_ref : float, ms
        Absolute refractory period (default 2).
    v : init value, mV
        Initial potential (default ``v_rest``); a number, an init string such as ``'-70;-55'``
        or one value per neuron.
    backend, check_finite
        See :class:`~pymonn.behaviours.neurons._base.NeuronModel`.

    Every parameter may be one number, an init string or one value per neuron.
    Defaults are NEST's ``iaf_psc_delta`` (the Brunel 2000 / Gerstner textbook values).

    Variables written on the group
    ------------------------------
    v : mV, network dtype.  fired : bool.  refractory : int32, steps left in the refractory
    period (internal).  Reads ``n.accumulator('I')`` (pA).

    Example
    -------
    >>> net = Network(dt=0.1, seed=1)
    >>> ng = NeuronGroup(net, 100, {10: ConstantCurrent(amplitude=400.0), 30: LIF(t_ref=2.0),
    ...                             90: EventRecorder('fired')})
    >>> net.run('1s')
    """

    def initialize(self, obj: Any) -> None:
        self._common_setup(obj)
        tau_m = self.read_parameter(obj, "tau_m", 10.0, "positive")
        has_c, has_r = "C_m" in self.init_kwargs, "R" in self.init_kwargs
        if has_c and has_r:
            raise self._fail(obj, "R", "left out when C_m is given (R = tau_m / C_m)", self.parameter("R"))
        if has_r:
            gain = self.read_parameter(obj, "R", None, "positive", "a positive resistance in MOhm") / 1000.0
        else:
            gain = tau_m / self.read_parameter(obj, "C_m", 250.0, "positive", "a positive capacitance in pF")
        v_rest = self.read_parameter(obj, "v_rest", -70.0)
        v_reset = self.read_parameter(obj, "v_reset", -70.0)
        v_th = self.read_parameter(obj, "v_th", -55.0)
        if np.any(v_reset >= v_th):
            raise self._fail(obj, "v_reset", f"below v_th (v_th = {v_th[:3]} mV)", v_reset[:3])
        t_ref = self.read_parameter(obj, "t_ref", 2.0, "non-negative", "a non-negative time in ms")
        raw = {"v_rest": v_rest, "v_reset": v_reset, "v_th": v_th, "gain": gain, "tau_m": tau_m, "t_ref": t_ref}
        self.p = self.finish_parameters(obj, raw)
        # float64 copies (expanded like the compute arrays) for the dt-dependent constants
        self._raw = {k: (np.full(obj.size, a[0]) if self.ps and a.size == 1 else a) for k, a in raw.items()}
        self.init_state(obj, "v", v_rest if v_rest.size == 1 else v_rest.astype(np.float64))
        obj.fired = obj.vector(bool)
        obj.refractory = np.zeros(obj.size, dtype=np.int32)
        self._dt = None
        self._kernel = lif_step_numba if self.backend == "numba" else lif_step_numpy

    def _update_dt(self, dt: float) -> None:
        """Decay factors and refractory step counts for the current dt."""
        tau = self._raw["tau_m"]
        whole, frac = steps_of(self._raw["t_ref"], dt)
        self.decay = self.compute_array(np.exp(-dt / tau))
        self.decay_last = self.compute_array(np.exp(-(1.0 - frac) * dt / tau))
        self.n_ref = np.ascontiguousarray(whole + 1, dtype=np.int32)
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        v, I = obj.v, obj.accumulator("I")  # noqa: E741
        wv, wI = self._work.load((v, I))
        p = self.p
        self._kernel(wv, wI, obj.refractory, obj.fired, p["v_rest"], p["v_reset"], p["v_th"], p["gain"],
                     self.decay, self.decay_last, self.n_ref, self.ps)
        self.store((v,), (wv,))
        self.clean(obj, [(v, p["v_reset"])])
