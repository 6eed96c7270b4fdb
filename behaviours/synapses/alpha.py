"""Current-based synapses with an alpha-function current (rise and decay with one time constant)."""

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

__all__ = ["AlphaSynapse"]


@njit(cache=True, fastmath=False, inline="always")
def _alpha_pass(x, y, decay, coef, I):
    """``I += y``; then advance (x, y) exactly by one step, per channel.

    ``y <- a (y + c x)``, ``x <- a x`` with ``a = exp(-dt/tau)`` and ``c = e dt / tau``; values
    below ``TINY`` are flushed to 0.
    """
    n = I.shape[0]
    for ch in range(x.shape[0]):
        xc = x[ch]
        yc = y[ch]
        a = decay[ch]
        c = coef[ch]
        for j in range(n):
            xv = xc[j]
            yv = yc[j]
            I[j] += yv
            yn = a * (yv + c * xv)
            xn = a * xv
            yc[j] = yn if abs(yn) >= TINY else 0.0
            xc[j] = xn if abs(xn) >= TINY else 0.0


def _alpha_pass_numpy(x, y, decay, coef, I):
    """Numpy twin of :func:`_alpha_pass`."""
    for ch in range(x.shape[0]):
        I += y[ch]
    y[...] = decay[:, None] * (y + coef[:, None] * x)
    x *= decay[:, None]
    flush_numpy(y)
    flush_numpy(x)


@njit(cache=True, fastmath=False)
def alpha_sparse(fired, I, t, idx, indptr, indices, w, x, y, decay, coef, split):
    """One step of alpha synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, x, split)
    _alpha_pass(x, y, decay, coef, I)


@njit(cache=True, fastmath=False)
def alpha_dense(fired, I, t, idx, W, x, y, decay, coef, split):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, x, split)
    _alpha_pass(x, y, decay, coef, I)


@njit(cache=True, fastmath=False)
def alpha_sparse_delayed(fired, I, t, idx, indptr, indices, w, delays, buf, x, y, decay, coef, split):
    """One step, CSR connectivity with per-synapse delays (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, split)
    deliver_slot(x, buf, t % buf.shape[0])
    _alpha_pass(x, y, decay, coef, I)


@njit(cache=True, fastmath=False)
def alpha_dense_delayed(fired, I, t, idx, W, delays, buf, x, y, decay, coef, split):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, split)
    deliver_slot(x, buf, t % buf.shape[0])
    _alpha_pass(x, y, decay, coef, I)


def alpha_sparse_numpy(fired, I, t, idx, indptr, indices, w, x, y, decay, coef, split):
    """Numpy twin of :func:`alpha_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, x, split)
    _alpha_pass_numpy(x, y, decay, coef, I)


def alpha_dense_numpy(fired, I, t, idx, W, x, y, decay, coef, split):
    """Numpy twin of :func:`alpha_dense`."""
    arrive_dense_numpy(fired, idx, W, x, split)
    _alpha_pass_numpy(x, y, decay, coef, I)


def alpha_sparse_delayed_numpy(fired, I, t, idx, indptr, indices, w, delays, buf, x, y, decay, coef, split):
    """Numpy twin of :func:`alpha_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, split)
    deliver_slot_numpy(x, buf, t % buf.shape[0])
    _alpha_pass_numpy(x, y, decay, coef, I)


def alpha_dense_delayed_numpy(fired, I, t, idx, W, delays, buf, x, y, decay, coef, split):
    """Numpy twin of :func:`alpha_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, split)
    deliver_slot_numpy(x, buf, t % buf.shape[0])
    _alpha_pass_numpy(x, y, decay, coef, I)


KERNELS = {
    ("numba", True, False): alpha_sparse, ("numba", False, False): alpha_dense,
    ("numba", True, True): alpha_sparse_delayed, ("numba", False, True): alpha_dense_delayed,
    ("numpy", True, False): alpha_sparse_numpy, ("numpy", False, False): alpha_dense_numpy,
    ("numpy", True, True): alpha_sparse_delayed_numpy, ("numpy", False, True): alpha_dense_delayed_numpy,
}


class AlphaSynapse(SynapticTransmission):
    r"""Current-based synapses with an alpha-function current, normalised to peak at ``w``.

    .. math::

        I_{syn}(t) = w \, \frac{t}{\tau} \, e^{1 - t/\tau} \quad (t \ge 0 \text{ after arrival})

    which rises to its peak ``w`` at ``t = tau`` and decays with ``tau``. It is integrated exactly
    as the linear system ``tau x' = -x``, ``tau y' = -y + e x`` (a spike adds ``w`` to ``x``;
    ``I_syn = y``), so the sampled current equals the formula at every step: a spike arriving in
    step ``s`` contributes ``w (k dt / tau) exp(1 - k dt / tau)`` in step ``s + k``.

    With ``tau_inh`` given, negative weights use that time constant (one group carrying both
    excitation and inhibition, as :class:`ExponentialSynapse`).

    Parameters
    ----------
    tau : float, ms
        Rise-and-decay time constant and time to peak (default 2 ms, a fast AMPA-like current;
        Rall 1967 introduced the alpha function).
    tau_inh : float, ms, optional
        Time constant of negative (inhibitory) weights.
    target : str
        Name of the destination's input array (default ``'I'``, pA).
    mode, p, indegree, outdegree, i, j, W, weight, allow_self, delay
        Connectivity (see :mod:`pymonn.behaviours.synapses._base`); ``weight`` = peak current in pA.
    backend, check_finite
        As for :class:`ExponentialSynapse`.

    Variables written on the synapse group
    --------------------------------------
    I_syn : pA, the alpha current of each destination neuron (excitatory part with
    ``tau_inh``); I_syn_inh : pA (with ``tau_inh``). Adds into ``dst.accumulator(target)``.

    Example
    -------
    >>> SynapseGroup(net, inp, exc, behaviour={20: AlphaSynapse(p=0.1, weight=30.0, tau=2.0)})
    """

    def _read_split(self, sg: SynapseGroup) -> bool:
        self.tau = read_number(self, sg, "tau", 2.0, positive=True, unit="ms")
        if self.parameter("tau_inh", None) is None:
            return False
        self.tau_inh = read_number(self, sg, "tau_inh", None, positive=True, unit="ms")
        return True

    def _setup_state(self, sg: SynapseGroup) -> None:
        self.x = np.zeros((self.n_channels, sg.dst.size), dtype=sg.dtype)
        self.y = np.zeros((self.n_channels, sg.dst.size), dtype=sg.dtype)
        sg.I_syn = self.y[0]
        if self.split:
            sg.I_syn_inh = self.y[1]

    def _make_call(self, sg: SynapseGroup):
        taus = np.array([self.tau] + ([self.tau_inh] if self.split else []))
        self.decay = np.exp(-self._dt / taus).astype(sg.dtype)
        self.coef = (np.e * self._dt / taus).astype(sg.dtype)
        kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg) + (self.x, self.y, self.decay, self.coef,
                                                                       self.split)
        return lambda fired, I, t: kernel(fired, I, t, *rest)

    def _clean_state(self, sg: SynapseGroup) -> None:
        pairs = [(self.x, 0.0), (self.y, 0.0)] + ([(self.buffer, 0.0)] if self.buffer is not None else [])
        clean_nonfinite(sg, self, pairs)

    def reset_state(self) -> None:
        """Zero the synaptic state and the delay buffer."""
        super().reset_state()
        self.x.fill(0)
        self.y.fill(0)
