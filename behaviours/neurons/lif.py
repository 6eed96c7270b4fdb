"""Leaky integrate-and-fire neuron with exact exponential integration and an exact refractory period."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from .._precision import compiled_entry
from ._base import NeuronModel, steps_of

__all__ = ["LIF"]


@njit(cache=True, fastmath=False, inline="always")
def _lif_one(v, I, r, v_rest, v_reset, v_th, gain, decay, decay_last, n_ref):  # noqa: E741
    """One neuron: returns (v, refractory steps left, fired), with selects instead of branches."""
    d = decay_last if r == 1 else decay  # r == 1: the refractory period ends inside this step
    v_inf = v_rest + gain * I
    x = v_inf + (v - v_inf) * d
    spike = (x >= v_th) and (r <= 1)  # r > 1: the whole step is refractory, v clamped
    return (v_reset if (r > 1 or spike) else x), (n_ref if spike else max(r - 1, 0)), spike


@njit(cache=True, fastmath=False)
def lif_step_numba(v, I, ref, fired, P, n_ref):  # noqa: E741
    """One LIF step for every neuron (compiled). Arrays are modified in place; see :class:`LIF`.

    ``P`` rows: v_rest, v_reset, v_th, gain, decay, decay_last; one column (shared, read once) or
    one per neuron. ``n_ref`` (int32, same length) is the refractory step count set on a spike.
    """
    n = v.shape[0]
    if P.shape[1] == 1:
        vr, vz, th, g, d, dl, nr = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], n_ref[0]
        for i in range(n):
            v[i], ref[i], fired[i] = _lif_one(v[i], I[i], ref[i], vr, vz, th, g, d, dl, nr)
    else:
        for i in range(n):
            v[i], ref[i], fired[i] = _lif_one(v[i], I[i], ref[i], P[0, i], P[1, i], P[2, i], P[3, i], P[4, i],
                                              P[5, i], n_ref[i])


def lif_step_numpy(v, I, ref, fired, P, n_ref):  # noqa: E741
    """Plain-numpy twin of :func:`lif_step_numba` (same arithmetic, same results)."""
    v_rest, v_reset, v_th, gain, decay, decay_last = P
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

    Every parameter may be one number, an init string or one value per neuron. At run time the
    rows ``beh.v_rest``, ``beh.v_reset``, ``beh.v_th`` and ``beh.gain`` (mV/pA) can be changed in
    place; after changing ``beh.tau_m`` or ``beh.t_ref`` call ``beh.refresh()``.
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
        raw = {"v_rest": v_rest, "v_reset": v_reset, "v_th": v_th, "gain": gain,
               "decay": np.zeros(1), "decay_last": np.zeros(1), "tau_m": tau_m, "t_ref": t_ref}
        self.finish_parameters(obj, raw)  # decay rows are filled for the current dt at the first step
        self.init_state(obj, "v", v_rest if v_rest.size == 1 else v_rest.astype(np.float64))
        obj.fired = obj.vector(bool)
        obj.refractory = np.zeros(obj.size, dtype=np.int32)
        self._dt = None
        self._seen = (None, None, None, None)
        self._kernel = lif_step_numba if self.backend == "numba" else lif_step_numpy

    def refresh(self) -> None:
        """Recompute the decay factors and refractory step counts after ``tau_m`` or ``t_ref`` changed."""
        self._dt = None

    def _update_dt(self, dt: float) -> None:
        """Decay factors and refractory step counts for the current dt (from the table's rows)."""
        tau = self.tau_m.astype(np.float64)
        whole, frac = steps_of(self.t_ref.astype(np.float64), dt)
        self.decay[:] = np.exp(-dt / tau)
        self.decay_last[:] = np.exp(-(1.0 - frac) * dt / tau)
        self.n_ref = np.ascontiguousarray(whole + 1, dtype=np.int32)
        self._tail = (self.P[:6], self.n_ref)
        self._seen = (None, None, None, None)  # the fast path re-checks its arrays
        self._dt = dt

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        v, I = obj.v, obj.accumulator("I")  # noqa: E741
        if self._fast:
            ref, fired = obj.refractory, obj.fired
            seen = self._seen
            if v is seen[0] and I is seen[1] and ref is seen[2] and fired is seen[3]:
                # the same arrays as when the entry point was looked up: skip numba's type dispatch
                self._entry(v, I, ref, fired, *self._tail)
            else:
                self._kernel(v, I, ref, fired, *self._tail)
                self._entry = compiled_entry(self._kernel, (v, I, ref, fired) + self._tail)
                if self._entry is not None:
                    self._seen = (v, I, ref, fired)
            return
        wv, wI = self._work.load((v, I))
        self._kernel(wv, wI, obj.refractory, obj.fired, *self._tail)
        self.store((v,), (wv,))
        self.clean(obj, [(v, self.p["v_reset"])])
