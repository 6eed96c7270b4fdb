"""Leaky integrate-and-fire neuron with exact exponential integration and an exact refractory period."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from .._packed import AddressTable, entry_point, view, view2
from .._precision import compiled_entry
from ..synapses._propagation import TINY
from ._base import STATE_SIZES, NeuronModel, same_objects, steps_of

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
    if (I.shape[0] != n or ref.shape[0] != n or fired.shape[0] != n or (P.shape[1] != 1 and P.shape[1] != n)
            or n_ref.shape[0] != P.shape[1]):
        raise ValueError(STATE_SIZES)
    if P.shape[1] == 1:
        vr, vz, th, g, d, dl, nr = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], n_ref[0]
        for i in range(n):
            v[i], ref[i], fired[i] = _lif_one(v[i], I[i], ref[i], vr, vz, th, g, d, dl, nr)
    else:
        for i in range(n):
            v[i], ref[i], fired[i] = _lif_one(v[i], I[i], ref[i], P[0, i], P[1, i], P[2, i], P[3, i], P[4, i],
                                              P[5, i], n_ref[i])


@njit(cache=True, fastmath=False, inline="always")
def _exp_current(g0, g1, j, two, a0, a1, s0, s1):
    """Mean current of neuron ``j``'s exponential synapse channels over the step; decays them.

    The arithmetic of ``ExponentialSynapse``'s own pass (``_exp_pass``), so fusing changes no bit.
    """
    x0 = g0[j]
    y0 = x0 * a0
    g0[j] = y0 if abs(y0) >= TINY else 0.0
    if two:
        x1 = g1[j]
        y1 = x1 * a1
        g1[j] = y1 if abs(y1) >= TINY else 0.0
        return x0 * s0 + x1 * s1
    return x0 * s0


@njit(cache=True, fastmath=False, inline="always")
def _lif_exp_loop(v, I, first, store, ref, fired, P, n_ref, g0, g1, C):  # noqa: E741
    """The loop of :func:`lif_exp_step_numba`; ``store`` is a constant where it is inlined, so the
    loop without the store of ``I`` is compiled without it (the store costs a third of the loop)."""
    n = v.shape[0]
    two = C.shape[1] > 1
    a0, s0 = C[0, 0], C[1, 0]
    a1, s1 = C[0, C.shape[1] - 1], C[1, C.shape[1] - 1]
    if P.shape[1] == 1:
        vr, vz, th, g, d, dl, nr = P[0, 0], P[1, 0], P[2, 0], P[3, 0], P[4, 0], P[5, 0], n_ref[0]
        for i in range(n):
            c = _exp_current(g0, g1, i, two, a0, a1, s0, s1)
            x = c if first else I[i] + c
            if store:
                I[i] = x
            v[i], ref[i], fired[i] = _lif_one(v[i], x, ref[i], vr, vz, th, g, d, dl, nr)
    else:
        for i in range(n):
            c = _exp_current(g0, g1, i, two, a0, a1, s0, s1)
            x = c if first else I[i] + c
            if store:
                I[i] = x
            v[i], ref[i], fired[i] = _lif_one(v[i], x, ref[i], P[0, i], P[1, i], P[2, i], P[3, i], P[4, i],
                                              P[5, i], n_ref[i])


@njit(cache=True, fastmath=False)
def lif_exp_step_numba(v, I, first, store, ref, fired, P, n_ref, g0, g1, C):  # noqa: E741
    """One LIF step that also runs an exponential synapse's per-neuron pass (compiled).

    ``g0``, ``g1``: the synapse's currents (its ``state`` rows) after this step's arrivals, ``g1 is g0``
    (unused) for a single channel; ``C`` (2, channels): their decay factors and mean-current
    factors. The step's input is ``I`` (``first``: nobody else wrote it this step, so it counts as
    zero) plus the channels' mean currents, and the currents decay, exactly as the synapse would
    have done in its own pass. ``store``: also store that total input into ``I`` (else ``I`` keeps
    only what other behaviours added). (Rows passed as separate 1-D arrays: taken inside the
    kernel from the 2-D state, they made this loop 4x slower.)
    """
    n = v.shape[0]
    if (I.shape[0] != n or ref.shape[0] != n or fired.shape[0] != n or (P.shape[1] != 1 and P.shape[1] != n)
            or n_ref.shape[0] != P.shape[1] or g0.shape[0] != n or g1.shape[0] != n):
        raise ValueError(STATE_SIZES)
    if store:
        _lif_exp_loop_storing(v, I, first, ref, fired, P, n_ref, g0, g1, C)
    else:
        _lif_exp_loop_adding(v, I, first, ref, fired, P, n_ref, g0, g1, C)


# The two variants of the loop are separate compiled functions, never inlined into one: with both
# copies inlined in lif_exp_step_numba, LLVM optimised neither and the step took 7-10x longer
# (10,000 neurons: 85-97 us against 10-15 us; benchmarks/RESULTS.md, issue 16).
@njit(cache=True, fastmath=False, inline="never")
def _lif_exp_loop_storing(v, I, first, ref, fired, P, n_ref, g0, g1, C):  # noqa: E741
    _lif_exp_loop(v, I, first, True, ref, fired, P, n_ref, g0, g1, C)


@njit(cache=True, fastmath=False, inline="never")
def _lif_exp_loop_adding(v, I, first, ref, fired, P, n_ref, g0, g1, C):  # noqa: E741
    _lif_exp_loop(v, I, first, False, ref, fired, P, n_ref, g0, g1, C)


@njit(cache=True, fastmath=False)
def lif_exp_step_packed(table, first, store, like):  # noqa: E741
    """:func:`lif_exp_step_numba` with its arrays passed as one address table (see ``_packed``).

    Slots: v, I, refractory (int32), fired (bool), P (2-D), n_ref (int32), g0, g1, C (2-D); ``like``
    is a scalar of the state's dtype (it types the pointers).
    """
    i32 = np.int32(0)
    lif_exp_step_numba(view(table, 0, like), view(table, 2, like), first, store, view(table, 4, i32),
                       view(table, 6, False),
                       view2(table, 8, like), view(table, 11, i32), view(table, 13, like), view(table, 15, like),
                       view2(table, 17, like))


#: slot offsets of the table :func:`lif_exp_step_packed` reads
PACKED_OFFSETS = [0, 2, 4, 6, 8, 11, 13, 15, 17]


def lif_exp_step_numpy(v, I, first, store, ref, fired, P, n_ref, g0, g1, C):  # noqa: E741
    """Numpy twin of :func:`lif_exp_step_numba`."""
    rows = (g0,) if C.shape[1] == 1 else (g0, g1)
    c = g0 * C[1, 0] if len(rows) == 1 else g0 * C[1, 0] + g1 * C[1, 1]
    total = c if first else I + c
    if store:
        I[...] = total
    for k, g in enumerate(rows):
        g *= C[0, k]
        g[np.abs(g) < TINY] = 0
    lif_step_numpy(v, total, ref, fired, P, n_ref)


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


#: the state arrays the kernels take, checked whenever one of them is a new object
_STATE = ("v", "I", "refractory", "fired")

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
    fuse_synapses : bool
        Run the per-neuron pass of an :class:`~pymonn.behaviours.ExponentialSynapse` that feeds
        this group (and runs before this model) inside this model's own pass (default True): one
        pass over the neurons per step instead of two, with bit-for-bit the same spikes, ``v`` and
        ``sg.I_syn``, and ``n.I`` after the step is the total input (the other inputs plus the
        synaptic current) in both cases. What changes: the synapse's current is added when this
        model runs, not at the synapse's key. Set False for the separate passes (e.g. when a
        behaviour keyed between the synapse and the model reads ``n.I``). Only the compiled
        float32/float64 path fuses.
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
        self._seen = (None, None, None, None)
        self._update_dt(obj.dt)  # decay rows and n_ref exist from initialize on (state files see them)
        self._kernel = lif_step_numba if self.backend == "numba" else lif_step_numpy
        fuse = self.parameter("fuse_synapses", True)
        if not isinstance(fuse, (bool, np.bool_)):
            raise self._fail(obj, "fuse_synapses", "True or False", fuse)
        self.fuse = bool(fuse)
        #: the ExponentialSynapse whose per-neuron pass this model runs (see schedule_changed)
        self._fused = None
        self._held = (None,) * 4  # the arrays in the fused kernel's address table (none yet)

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
        self._seen = (None, None, None, None)  # the fast paths re-check their arrays
        self._held = (None,) * 4
        self._dt = dt

    def schedule_changed(self, obj: Any, schedule: list) -> None:
        """Take over the per-neuron pass of the first exponential synapse that feeds this group.

        Only a synapse that runs before this model in every step qualifies (see
        ``ExponentialSynapse.hand_over_pass``); one pass over the neurons then does both jobs.
        """
        if self._fused is not None and self._fused.fused_into is self:
            self._fused.take_back_pass()  # (a disabled synapse is not in the schedule to do it itself)
        self._fused = None
        self._held = (None,) * 4  # the arrays in the fused kernel's address table (none yet)
        if not (self._fast and self.backend == "numba" and self.fuse):
            return
        for o, b in schedule:
            if b is self:
                return
            offer = getattr(b, "hand_over_pass", None)
            if offer is not None and getattr(o, "dst", None) is obj and offer(self):
                self._fused = b
                return

    def step_function(self):
        return self._fused_step if self._fused is not None else self.iteration

    def iteration(self, obj: Any) -> None:
        dt = obj.dt
        if dt != self._dt:
            self._update_dt(dt)
        if self._fused is not None:  # (normally the schedule calls _fused_step directly)
            self._fused_step(obj)
            return
        v, I = obj.v, obj.accumulator("I")  # noqa: E741
        if self._fast:
            ref, fired = obj.refractory, obj.fired
            seen = self._seen
            if v is seen[0] and I is seen[1] and ref is seen[2] and fired is seen[3]:
                # the same arrays as when the entry point was looked up: skip numba's type dispatch
                self._entry(v, I, ref, fired, *self._tail)
            else:
                v, I, ref, fired = self.verify_state(obj, _STATE, (v, I, ref, fired))  # noqa: E741
                self._kernel(v, I, ref, fired, *self._tail)
                self._entry = compiled_entry(self._kernel, (v, I, ref, fired) + self._tail)
                if self._entry is not None:
                    self._seen = (v, I, ref, fired)
            return
        arrays = (v, I, obj.refractory, obj.fired)
        if not same_objects(arrays, self._verified):
            arrays = self._verified = self.verify_state(obj, _STATE, arrays)
        v, I, ref, fired = arrays  # noqa: E741
        wv, wI = self._work.load((v, I))
        self._kernel(wv, wI, ref, fired, *self._tail)
        self.store((v,), (wv,))
        self.clean(obj, [(v, self.p["v_reset"])])

    def _fused_step(self, obj: Any) -> None:
        """The step with an exponential synapse's pass fused in (compiled kernel, fast path only).

        The dozen arrays travel as one address table (about 1 us less per call than passing them
        one by one); it is rebuilt whenever any of them is no longer the same object.
        """
        dt = obj._dt or obj.network._dt  # obj.dt without the property call: this runs every step
        if dt != self._dt:
            self._update_dt(dt)
        v, ref, fired = obj.v, obj.refractory, obj.fired
        I, first = obj.accumulator_fresh("I")  # noqa: E741
        held = self._held
        if not (v is held[0] and I is held[1] and ref is held[2] and fired is held[3]
                and self._fused._pass_arrays is self._pass_held):
            self._pack(v, I, ref, fired)
        # the total input (other inputs + the synapse's mean current) is stored into I, so that n.I
        # means what it means without fusion, whatever is recorded (it costs about 1 us per 10k neurons)
        self._entry_fused(self._table, first, True, self._like)

    def _pack(self, v, I, ref, fired) -> None:  # noqa: E741
        """A new address table for the fused kernel (and its compiled entry point)."""
        v, I, ref, fired = self.verify_state(self.parent, _STATE, (v, I, ref, fired))  # noqa: E741
        pa = self._fused._pass_arrays
        g0, g1, C = pa
        tab = AddressTable(v, I, ref, fired, *self._tail, g0, g1, C)
        assert tab.offsets == PACKED_OFFSETS
        self._table, self._pass_held, self._held = tab.table, pa, tab.arrays
        self._tables = tab  # keeps the arrays alive with the table
        self._like = v.dtype.type(0)
        self._entry_fused = entry_point(lif_exp_step_packed, (tab.table, True, True, self._like))
