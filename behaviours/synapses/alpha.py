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

__all__ = ["AlphaSynapse"]


@njit(cache=True, fastmath=False, inline="always")
def _alpha_pass(x, y, coef, I, overwrite):
    """Output the step's mean current, then advance (x, y) exactly by one step, per channel.

    ``coef`` rows per channel: ``a = exp(-dt/tau)``, ``c = e dt / tau``, and the mean-current
    factors ``m_y = tau (1 - a) / dt`` and ``m_x = e tau (1 - a (1 + dt/tau)) / dt``:
    ``I += m_y y + m_x x`` (stored instead of added with ``overwrite``), then
    ``y <- a (y + c x)``, ``x <- a x``; values below ``TINY`` are flushed to 0.
    """
    n = I.shape[0]
    if x.shape[1] != n or y.shape[1] != n or y.shape[0] < x.shape[0]:
        raise ValueError(SIZES)
    for ch in range(x.shape[0]):
        xc = x[ch]
        yc = y[ch]
        a = coef[0, ch]
        c = coef[1, ch]
        my = coef[2, ch]
        mx = coef[3, ch]
        store = overwrite and ch == 0
        for j in range(n):
            xv = xc[j]
            yv = yc[j]
            out = my * yv + mx * xv
            if store:
                I[j] = out
            else:
                I[j] += out
            yn = a * (yv + c * xv)
            xn = a * xv
            yc[j] = yn if abs(yn) >= TINY else 0.0
            xc[j] = xn if abs(xn) >= TINY else 0.0


def _alpha_pass_numpy(x, y, coef, I, overwrite):
    """Numpy twin of :func:`_alpha_pass`."""
    for ch in range(x.shape[0]):
        out = coef[2, ch] * y[ch] + coef[3, ch] * x[ch]
        if overwrite and ch == 0:
            I[...] = out
        else:
            I += out
    a, c = coef[0][:, None], coef[1][:, None]
    y[...] = a * (y + c * x)
    x *= a
    flush_numpy(y)
    flush_numpy(x)


@njit(cache=True, fastmath=False)
def alpha_sparse(fired, I, t, idx, indptr, indices, w, x, y, coef, overwrite):
    """One step of alpha synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, x, x.shape[0] > 1)
    _alpha_pass(x, y, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def alpha_dense(fired, I, t, idx, W, x, y, coef, overwrite):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, x, x.shape[0] > 1)
    _alpha_pass(x, y, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def alpha_sparse_delayed(fired, I, t, idx, indptr, indices, w, delays, buf, x, y, coef, overwrite):
    """One step, CSR connectivity with per-synapse delays (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, x.shape[0] > 1)
    deliver_slot(x, buf, t % buf.shape[0])
    _alpha_pass(x, y, coef, I, overwrite)


@njit(cache=True, fastmath=False)
def alpha_dense_delayed(fired, I, t, idx, W, delays, buf, x, y, coef, overwrite):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, x.shape[0] > 1)
    deliver_slot(x, buf, t % buf.shape[0])
    _alpha_pass(x, y, coef, I, overwrite)


def alpha_sparse_numpy(fired, I, t, idx, indptr, indices, w, x, y, coef, overwrite):
    """Numpy twin of :func:`alpha_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, x, x.shape[0] > 1)
    _alpha_pass_numpy(x, y, coef, I, overwrite)


def alpha_dense_numpy(fired, I, t, idx, W, x, y, coef, overwrite):
    """Numpy twin of :func:`alpha_dense`."""
    arrive_dense_numpy(fired, idx, W, x, x.shape[0] > 1)
    _alpha_pass_numpy(x, y, coef, I, overwrite)


def alpha_sparse_delayed_numpy(fired, I, t, idx, indptr, indices, w, delays, buf, x, y, coef, overwrite):
    """Numpy twin of :func:`alpha_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, x.shape[0] > 1)
    deliver_slot_numpy(x, buf, t % buf.shape[0])
    _alpha_pass_numpy(x, y, coef, I, overwrite)


def alpha_dense_delayed_numpy(fired, I, t, idx, W, delays, buf, x, y, coef, overwrite):
    """Numpy twin of :func:`alpha_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, x.shape[0] > 1)
    deliver_slot_numpy(x, buf, t % buf.shape[0])
    _alpha_pass_numpy(x, y, coef, I, overwrite)


def _one_minus_a_times_one_plus_h(h: np.ndarray) -> np.ndarray:
    """``1 - exp(-h) (1 + h)`` without cancellation for small ``h`` (series below 0.5)."""
    h = np.asarray(h, dtype=np.float64)
    series = np.zeros_like(h)
    term = np.ones_like(h)  # (-h)^n / n!
    for n in range(1, 25):
        term = term * -h / n
        if n >= 2:
            series += (n - 1) * term
    return np.where(h < 0.5, series, 1.0 - np.exp(-h) * (1.0 + h))


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
    ``I_syn = y``), and each step delivers the exact *mean* of the current over that step:
    a spike arriving in step ``s`` contributes ``(F((k+1) dt) - F(k dt)) / dt`` in step ``s + k``,
    with ``F(t) = -e w (t + tau) exp(-t/tau)`` the integral of the formula, so one spike
    delivers the charge ``e w tau`` exactly (sampling the formula at the start of each step
    instead would be off by a relative ``(dt/tau)^2 / 12``) and the arrival step already carries
    current.

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
    I_syn : pA, the alpha current of each destination neuron at the start of the next step
    (excitatory part with ``tau_inh``); I_syn_inh : pA (with ``tau_inh``). Adds the step's mean
    current into ``dst.accumulator(target)`` (stores it when it is the step's first writer).

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

    #: the kernel stores into a fresh accumulator instead of zeroing it and adding
    overwrites = True

    def _make_call(self, sg: SynapseGroup):
        taus = np.array([self.tau] + ([self.tau_inh] if self.split else []))
        dt = self._dt
        a = np.exp(-dt / taus)
        one_minus_a = -np.expm1(-dt / taus)
        h = dt / taus
        rest_x = _one_minus_a_times_one_plus_h(h)
        #: rows: decay a, coupling e dt/tau, mean-current factors for y and for x
        self.coef = np.array([a, np.e * h, one_minus_a / h, np.e * rest_x / h], dtype=sg.dtype)
        self.decay = self.coef[0]
        kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg) + (self.x, self.y, self.coef)
        return self._compiled_call(kernel, rest)

    def _clean_state(self, sg: SynapseGroup) -> None:
        pairs = [(self.x, 0.0), (self.y, 0.0)] + ([(self.buffer, 0.0)] if self.buffer is not None else [])
        clean_nonfinite(sg, self, pairs)

    def reset_state(self) -> None:
        """Zero the synaptic state and the delay buffer."""
        super().reset_state()
        self.x.fill(0)
        self.y.fill(0)
