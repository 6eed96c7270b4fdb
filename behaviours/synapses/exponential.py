"""Current-based synapses with an exponentially decaying current (CUBA)."""

# ruff: noqa: E741  (I is the input current, as in the equations)

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.synapse_group import SynapseGroup

from .._packed import AddressTable, entry_point, view, view2
from .._precision import clean_nonfinite
from ._base import SynapticTransmission, read_number
from ._propagation import (
    SIZES,
    TINY,
    arrive_dense,
    arrive_dense_delayed,
    arrive_dense_delayed_numpy,
    arrive_dense_numpy,
    arrive_sparse,
    arrive_sparse_delayed,
    arrive_sparse_delayed_numpy,
    arrive_sparse_numpy,
    deliver_slot,
    deliver_slot_numpy,
    flush_numpy,
)

__all__ = ["ExponentialSynapse"]


# -- the per-neuron pass: deliver, output, decay ------------------------------------------------


@njit(cache=True, fastmath=False, inline="always")
def _exp_pass(state, coef, I, overwrite):
    """Output the step's mean current and decay every channel (fused; values below ``TINY`` -> 0).

    ``coef[0]`` holds each channel's decay factor ``exp(-dt/tau)``, ``coef[1]`` the factor
    ``tau (1 - exp(-dt/tau)) / dt`` that turns the current at the start of the step into its exact
    mean over the step. ``overwrite``: store into ``I`` instead of adding (this synapse is the
    step's first writer of the accumulator, which was not zeroed).
    """
    n = I.shape[0]
    if state.shape[1] != n:
        raise ValueError(SIZES)
    g0 = state[0]
    a0 = coef[0, 0]
    s0 = coef[1, 0]
    if state.shape[0] == 1:
        if overwrite:
            for j in range(n):
                x = g0[j]
                I[j] = x * s0
                y = x * a0
                g0[j] = y if abs(y) >= TINY else 0.0
        else:
            for j in range(n):
                x = g0[j]
                I[j] += x * s0
                y = x * a0
                g0[j] = y if abs(y) >= TINY else 0.0
    else:
        g1 = state[1]
        a1 = coef[0, 1]
        s1 = coef[1, 1]
        if overwrite:
            for j in range(n):
                x0 = g0[j]
                x1 = g1[j]
                I[j] = x0 * s0 + x1 * s1
                y0 = x0 * a0
                y1 = x1 * a1
                g0[j] = y0 if abs(y0) >= TINY else 0.0
                g1[j] = y1 if abs(y1) >= TINY else 0.0
        else:
            for j in range(n):
                x0 = g0[j]
                x1 = g1[j]
                I[j] += x0 * s0 + x1 * s1
                y0 = x0 * a0
                y1 = x1 * a1
                g0[j] = y0 if abs(y0) >= TINY else 0.0
                g1[j] = y1 if abs(y1) >= TINY else 0.0


def _exp_pass_numpy(state, coef, I, overwrite):
    """Numpy twin of :func:`_exp_pass`."""
    if state.shape[0] == 1:
        out = state[0] * coef[1, 0]
    else:
        out = state[0] * coef[1, 0] + state[1] * coef[1, 1]
    if overwrite:
        I[...] = out
    else:
        I += out
    state *= coef[0][:, None]
    flush_numpy(state)


# -- the four arrangements (sparse / dense, with / without delays) ------------------------------
# Channels: ``state`` (channels, n_dst); two channels mean the sign split (``tau_inh``).


@njit(cache=True, fastmath=False)
def exp_sparse(fired, I, t, idx, indptr, indices, w, state, coef, overwrite):
    """One step of exponential current synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, state, state.shape[0] > 1)
    _exp_pass(state, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def exp_dense(fired, I, t, idx, W, state, coef, overwrite):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, state, state.shape[0] > 1)
    _exp_pass(state, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def exp_sparse_delayed(fired, I, t, idx, indptr, indices, w, delays, buf, state, coef, overwrite):
    """One step, CSR connectivity with per-synapse delays in a ring buffer (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, state.shape[0] > 1)
    deliver_slot(state, buf, t % buf.shape[0])
    _exp_pass(state, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def exp_dense_delayed(fired, I, t, idx, W, delays, buf, state, coef, overwrite):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, state.shape[0] > 1)
    deliver_slot(state, buf, t % buf.shape[0])
    _exp_pass(state, coef, I, overwrite)


def exp_sparse_numpy(fired, I, t, idx, indptr, indices, w, state, coef, overwrite):
    """Numpy twin of :func:`exp_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, state, state.shape[0] > 1)
    _exp_pass_numpy(state, coef, I, overwrite)


def exp_dense_numpy(fired, I, t, idx, W, state, coef, overwrite):
    """Numpy twin of :func:`exp_dense`."""
    arrive_dense_numpy(fired, idx, W, state, state.shape[0] > 1)
    _exp_pass_numpy(state, coef, I, overwrite)


def exp_sparse_delayed_numpy(fired, I, t, idx, indptr, indices, w, delays, buf, state, coef, overwrite):
    """Numpy twin of :func:`exp_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, state.shape[0] > 1)
    deliver_slot_numpy(state, buf, t % buf.shape[0])
    _exp_pass_numpy(state, coef, I, overwrite)


def exp_dense_delayed_numpy(fired, I, t, idx, W, delays, buf, state, coef, overwrite):
    """Numpy twin of :func:`exp_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, state.shape[0] > 1)
    deliver_slot_numpy(state, buf, t % buf.shape[0])
    _exp_pass_numpy(state, coef, I, overwrite)


# -- arrivals only: the destination's LIF runs the per-neuron pass (see ``ExponentialSynapse``) --------


@njit(cache=True, fastmath=False)
def exp_sparse_arrive(fired, I, t, idx, indptr, indices, w, state, coef, overwrite):
    """Arrivals only, CSR connectivity, no delays (compiled; the pass is fused into the model)."""
    arrive_sparse(fired, idx, indptr, indices, w, state, state.shape[0] > 1)


@njit(cache=True, fastmath=False)
def exp_dense_arrive(fired, I, t, idx, W, state, coef, overwrite):
    """Arrivals only, dense weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, state, state.shape[0] > 1)


@njit(cache=True, fastmath=False)
def exp_sparse_delayed_arrive(fired, I, t, idx, indptr, indices, w, delays, buf, state, coef, overwrite):
    """Arrivals and the delivery of this step's ring-buffer slot only, CSR connectivity (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, state.shape[0] > 1)
    deliver_slot(state, buf, t % buf.shape[0])


@njit(cache=True, fastmath=False)
def exp_dense_delayed_arrive(fired, I, t, idx, W, delays, buf, state, coef, overwrite):
    """Arrivals and the delivery of this step's ring-buffer slot only, dense weights (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, state.shape[0] > 1)
    deliver_slot(state, buf, t % buf.shape[0])


@njit(cache=True, fastmath=False)
def exp_sparse_arrive_packed(table, like):
    """:func:`exp_sparse_arrive` with its arrays as one address table (see ``_packed``).

    Slots: fired (bool), idx (int64), indptr (int64), indices (int32), w, state (2-D); ``like`` is a
    scalar of the weights' dtype.
    """
    arrive_sparse(view(table, 0, False), view(table, 2, np.int64(0)), view(table, 4, np.int64(0)),
                  view(table, 6, np.int32(0)), view(table, 8, like), view2(table, 10, like), table[11] > 1)


#: slot offsets of the table :func:`exp_sparse_arrive_packed` reads
PACKED_OFFSETS = [0, 2, 4, 6, 8, 10]

#: the arrival-only kernels, by (sparse, delayed), used while the destination's model runs the pass
ARRIVE_KERNELS = {
    (True, False): exp_sparse_arrive, (False, False): exp_dense_arrive,
    (True, True): exp_sparse_delayed_arrive, (False, True): exp_dense_delayed_arrive,
}

KERNELS = {
    ("numba", True, False): exp_sparse, ("numba", False, False): exp_dense,
    ("numba", True, True): exp_sparse_delayed, ("numba", False, True): exp_dense_delayed,
    ("numpy", True, False): exp_sparse_numpy, ("numpy", False, False): exp_dense_numpy,
    ("numpy", True, True): exp_sparse_delayed_numpy, ("numpy", False, True): exp_dense_delayed_numpy,
}


class ExponentialSynapse(SynapticTransmission):
    r"""Current-based synapses whose current decays exponentially (the CUBA synapse).

    .. math::

        \tau \frac{dI_{syn}}{dt} = -I_{syn}, \qquad I_{syn} \leftarrow I_{syn} + w
        \text{ when a spike arrives}

    The current is integrated exactly: each step (after the arrivals of that step are added)
    the destination's input ``dst.accumulator(target)`` receives the *mean* of ``I_syn`` over the
    step, ``I_syn tau (1 - exp(-dt/tau)) / dt``, and then ``I_syn`` decays by ``exp(-dt/tau)``.
    A spike arriving in step ``s`` therefore contributes ``w exp(-k dt/tau) tau (1 - exp(-dt/tau)) /
    dt`` in step ``s + k`` and delivers the charge ``w tau`` exactly (sum over all steps times
    ``dt``), whatever the ratio of ``dt`` to ``tau``; adding ``I_syn`` itself for the whole step
    would deliver ``w dt / (1 - exp(-dt/tau))``, 10 % too much at ``dt = 0.1``, ``tau = 0.5`` ms.
    A spike of the source in step ``t - 1`` arrives in step ``t`` (``t - 1 + d + 1`` with a delay
    of ``d`` steps).

    Fusion: when the destination's neuron model is a :class:`~pymonn.behaviours.LIF` that runs
    after this synapse, the LIF runs this synapse's per-neuron pass (mean current and decay) in its
    own loop over the neurons and the synapse only adds the arriving spikes (see
    :meth:`hand_over_pass`); every value after the step is the same bit for bit.

    Dale's law / two time constants: with ``tau_inh`` given, negative weights feed a second
    current that decays with ``tau_inh`` (Brian2's CUBA example: ``tau = 5``, ``tau_inh = 10``), so
    one synapse group carries both excitation and inhibition.

    Parameters
    ----------
    tau : float, ms
        Decay time constant (default 5 ms, the excitatory synapse of Brian2's CUBA example after
        Vogels & Abbott 2005).
    tau_inh : float, ms, optional
        Time constant of the negative (inhibitory) weights; without it all weights share ``tau``.
    target : str
        Name of the destination's input array (default ``'I'``, pA).
    mode, p, indegree, outdegree, i, j, W, weight, allow_self, delay
        Connectivity (see :mod:`pymonn.behaviours.synapses._base`): dense (default when no
        rule is given) or sparse CSR (default with a rule); ``weight`` in pA (number, init string
        or one value per synapse); ``delay`` in whole steps.
    backend : {'numba', 'numpy'}
        Compiled kernel (default) or its numpy twin (float16 networks always use the twin).
    check_finite : bool, optional
        Reset non-finite state after each step (default: float16 networks only).

    Variables written on the synapse group
    --------------------------------------
    I_syn : pA (network dtype), the current of each destination neuron at the start of the next
    step (excitatory part when ``tau_inh`` is given); I_syn_inh : pA, the inhibitory part (with
    ``tau_inh``). Adds the step's mean current into ``dst.accumulator(target)`` (or stores it,
    when it is the step's first writer: the accumulator is then not zeroed first).

    Example
    -------
    >>> net = Network(dt=0.1, seed=1)
    >>> P = NeuronGroup(net, 4000, {30: LIF()}, tag='P')
    >>> SynapseGroup(net, P, P, behaviour={20: ExponentialSynapse(p=0.02, weight=16.2, tau=5.0)})
    """

    def _read_split(self, sg: SynapseGroup) -> bool:
        self.tau = read_number(self, sg, "tau", 5.0, positive=True, unit="ms")
        tau_inh = self.parameter("tau_inh", None)
        if tau_inh is None:
            return False
        self.tau_inh = read_number(self, sg, "tau_inh", None, positive=True, unit="ms")
        return True

    def _setup_state(self, sg: SynapseGroup) -> None:
        self.state = np.zeros((self.n_channels, sg.dst.size), dtype=sg.dtype)
        sg.I_syn = self.state[0]
        if self.split:
            sg.I_syn_inh = self.state[1]

    #: the kernel stores into a fresh accumulator instead of zeroing it and adding
    overwrites = True

    def _make_call(self, sg: SynapseGroup):
        taus = np.array([self.tau] + ([self.tau_inh] if self.split else []))
        decay = np.exp(-self._dt / taus)
        #: rows: decay factor exp(-dt/tau); mean-current factor tau (1 - exp(-dt/tau)) / dt
        self.coef = np.array([decay, -np.expm1(-self._dt / taus) * taus / self._dt], dtype=sg.dtype)
        self.decay = self.coef[0]
        if self.fused_into is not None:
            kernel = ARRIVE_KERNELS[(self.sparse, self.delayed)]
            self._spare = self.state[0]  # stands in for the accumulator, which the kernel leaves alone
            #: what the fused model's kernel takes: both current rows (the first twice for one channel), coef
            self._pass_arrays = (self.state[0], self.state[-1], self.coef)
            self._held_fired = None  # the packed arrival call re-packs its address table
        else:
            kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg) + (self.state, self.coef)
        return self._compiled_call(kernel, rest)

    # -- fusion with the destination's model -------------------------------------------------------
    def schedule_changed(self, sg: SynapseGroup, schedule: list) -> None:
        # every schedule change starts unfused; a model later in the schedule may take the pass over
        self.take_back_pass()

    def take_back_pass(self) -> None:
        """Run the per-neuron pass here again (undoes :meth:`hand_over_pass`)."""
        if self.fused_into is not None:
            self.fused_into = None
            self._bind(self.parent)

    def hand_over_pass(self, model: Any) -> bool:
        """Let ``model`` (the destination group's neuron model) run this synapse's per-neuron pass.

        Called by a model from its :meth:`~pymonn.Behaviour.schedule_changed` hook. Accepted when
        the synapse runs the compiled kernels without NaN checks, feeds ``'I'`` of the model's
        group and is not fused with another model yet; the synapse then only adds the arriving
        spikes into ``state`` each step, and the model, later in the same step, adds the mean
        current ``state * coef[1]`` into its input and decays ``state`` by ``coef[0]`` (the same
        arithmetic as :func:`_exp_pass`, so results are unchanged bit for bit), taking the arrays
        from ``_pass_arrays``. Returns whether it was accepted.
        """
        sg = self.parent
        if (self.fused_into is not None or self.backend != "numba" or self._clean or self.target != "I"
                or sg.dst is not model.parent or self.state.dtype != np.dtype(model.work_dtype)):
            return False
        self.fused_into = model
        self._bind(sg)
        return True

    def step_function(self):
        # fused with a model, sparse, no delays (the usual recurrent network): arrivals through one
        # address table instead of a dozen arguments
        if self.fused_into is not None and self.sparse and not self.delayed:
            return self._arrive_packed
        return self.iteration

    def _arrive_packed(self, sg: SynapseGroup) -> None:
        """One step while fused: add the arriving spikes into ``state`` (the model does the rest)."""
        if sg.W is not self._W or (sg._dt or self._net._dt) != self._dt:
            self._bind(sg)
        fired = self._src.fired
        if fired is not self._held_fired:
            tab = AddressTable(fired, self._idx, sg.csr.indptr, sg.csr.indices, sg.W, self.state)
            assert tab.offsets == PACKED_OFFSETS
            self._tables, self._table, self._held_fired = tab, tab.table, fired
            self._like = sg.W.dtype.type(0)
            self._entry_packed = entry_point(exp_sparse_arrive_packed, (tab.table, self._like))
        self._entry_packed(self._table, self._like)

    def _clean_state(self, sg: SynapseGroup) -> None:
        pairs = [(self.state, 0.0)] + ([(self.buffer, 0.0)] if self.buffer is not None else [])
        clean_nonfinite(sg, self, pairs)

    def reset_state(self) -> None:
        """Zero the synaptic currents and the delay buffer."""
        super().reset_state()
        self.state.fill(0)
