"""Current-based synapses with an exponentially decaying current (CUBA)."""

# ruff: noqa: E741  (I is the input current, as in the equations)

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.synapse_group import SynapseGroup

from .._precision import clean_nonfinite
from ._base import SynapticTransmission, read_number
from ._propagation import (
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
def _exp_pass(state, decay, I):
    """``I += g`` then ``g *= decay`` for every channel (fused); values below ``TINY`` are flushed to 0."""
    n = I.shape[0]
    g0 = state[0]
    a0 = decay[0]
    if state.shape[0] == 1:
        for j in range(n):
            x = g0[j]
            I[j] += x
            y = x * a0
            g0[j] = y if abs(y) >= TINY else 0.0
    else:
        g1 = state[1]
        a1 = decay[1]
        for j in range(n):
            x0 = g0[j]
            x1 = g1[j]
            I[j] += x0 + x1
            y0 = x0 * a0
            y1 = x1 * a1
            g0[j] = y0 if abs(y0) >= TINY else 0.0
            g1[j] = y1 if abs(y1) >= TINY else 0.0


def _exp_pass_numpy(state, decay, I):
    """Numpy twin of :func:`_exp_pass`."""
    if state.shape[0] == 1:
        I += state[0]
    else:
        I += state[0] + state[1]
    state *= decay[:, None]
    flush_numpy(state)


# -- the four arrangements (sparse / dense, with / without delays) ------------------------------


@njit(cache=True, fastmath=False)
def exp_sparse(fired, I, t, idx, indptr, indices, w, state, decay, split):
    """One step of exponential current synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, state, split)
    _exp_pass(state, decay, I)


@njit(cache=True, fastmath=False)
def exp_dense(fired, I, t, idx, W, state, decay, split):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, state, split)
    _exp_pass(state, decay, I)


@njit(cache=True, fastmath=False)
def exp_sparse_delayed(fired, I, t, idx, indptr, indices, w, delays, buf, state, decay, split):
    """One step, CSR connectivity with per-synapse delays in a ring buffer (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, split)
    deliver_slot(state, buf, t % buf.shape[0])
    _exp_pass(state, decay, I)


@njit(cache=True, fastmath=False)
def exp_dense_delayed(fired, I, t, idx, W, delays, buf, state, decay, split):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, split)
    deliver_slot(state, buf, t % buf.shape[0])
    _exp_pass(state, decay, I)


def exp_sparse_numpy(fired, I, t, idx, indptr, indices, w, state, decay, split):
    """Numpy twin of :func:`exp_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, state, split)
    _exp_pass_numpy(state, decay, I)


def exp_dense_numpy(fired, I, t, idx, W, state, decay, split):
    """Numpy twin of :func:`exp_dense`."""
    arrive_dense_numpy(fired, idx, W, state, split)
    _exp_pass_numpy(state, decay, I)


def exp_sparse_delayed_numpy(fired, I, t, idx, indptr, indices, w, delays, buf, state, decay, split):
    """Numpy twin of :func:`exp_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, split)
    deliver_slot_numpy(state, buf, t % buf.shape[0])
    _exp_pass_numpy(state, decay, I)


def exp_dense_delayed_numpy(fired, I, t, idx, W, delays, buf, state, decay, split):
    """Numpy twin of :func:`exp_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, split)
    deliver_slot_numpy(state, buf, t % buf.shape[0])
    _exp_pass_numpy(state, decay, I)


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

    Each step (after the arrivals of that step are added) ``I_syn`` is added into the
    destination's input ``dst.accumulator(target)`` and then decays by ``exp(-dt/tau)`` (the exact
    solution), so a spike arriving in step ``s`` contributes ``w exp(-k dt / tau)`` in step
    ``s + k``. A spike of the source in step ``t - 1`` arrives in step ``t`` (``t - 1 + d + 1``
    with a delay of ``d`` steps).

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
    I_syn : pA (network dtype), the current of each destination neuron (excitatory part when
    ``tau_inh`` is given); I_syn_inh : pA, the inhibitory part (with ``tau_inh``). Adds into
    ``dst.accumulator(target)``.

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

    def _make_call(self, sg: SynapseGroup):
        taus = [self.tau] + ([self.tau_inh] if self.split else [])
        self.decay = np.exp(-self._dt / np.array(taus)).astype(sg.dtype)
        kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg) + (self.state, self.decay, self.split)
        return lambda fired, I, t: kernel(fired, I, t, *rest)

    def _clean_state(self, sg: SynapseGroup) -> None:
        pairs = [(self.state, 0.0)] + ([(self.buffer, 0.0)] if self.buffer is not None else [])
        clean_nonfinite(sg, self, pairs)

    def reset_state(self) -> None:
        """Zero the synaptic currents and the delay buffer."""
        super().reset_state()
        self.state.fill(0)
