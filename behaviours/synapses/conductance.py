"""Conductance-based synapses with a reversal potential (COBA): exponential conductance, I = g (E - v)."""

# ruff: noqa: E741  (I is the input current, as in the equations)

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from pymonn.errors import ConfigurationError
from pymonn.synapse_group import SynapseGroup

from .._precision import clean_nonfinite, compiled_entry
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

__all__ = ["ConductanceSynapse"]


@njit(cache=True, fastmath=False, inline="always")
def _cond_pass(g, coef, E, v, I, overwrite):
    """``I += m g (E - v)`` (stored with ``overwrite``); then ``g *= a`` (flushed to 0 below ``TINY``).

    ``coef[0, 0]`` is ``a = exp(-dt/tau)``, ``coef[1, 0]`` is ``m = tau (1 - a) / dt``: ``m g`` is
    the exact mean conductance over the step.
    """
    if v.shape[0] != I.shape[0] or g.shape[1] != I.shape[0]:
        raise ValueError(SIZES)
    gc = g[0]
    a = coef[0, 0]
    m = coef[1, 0]
    if overwrite:
        for j in range(I.shape[0]):
            x = gc[j]
            I[j] = (x * m) * (E - v[j])
            y = x * a
            gc[j] = y if abs(y) >= TINY else 0.0
    else:
        for j in range(I.shape[0]):
            x = gc[j]
            I[j] += (x * m) * (E - v[j])
            y = x * a
            gc[j] = y if abs(y) >= TINY else 0.0


def _cond_pass_numpy(g, coef, E, v, I, overwrite):
    """Numpy twin of :func:`_cond_pass`."""
    out = (g[0] * coef[1, 0]) * (E - v)
    if overwrite:
        I[...] = out
    else:
        I += out
    g *= coef[0, 0]
    flush_numpy(g)


@njit(cache=True, fastmath=False)
def cond_sparse(fired, I, t, v, idx, indptr, indices, w, g, coef, E, overwrite):
    """One step of conductance synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, g, False)
    _cond_pass(g, coef, E, v, I, overwrite)


@njit(cache=True, fastmath=False)
def cond_dense(fired, I, t, v, idx, W, g, coef, E, overwrite):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, g, False)
    _cond_pass(g, coef, E, v, I, overwrite)


@njit(cache=True, fastmath=False)
def cond_sparse_delayed(fired, I, t, v, idx, indptr, indices, w, delays, buf, g, coef, E, overwrite):
    """One step, CSR connectivity with per-synapse delays (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, False)
    deliver_slot(g, buf, t % buf.shape[0])
    _cond_pass(g, coef, E, v, I, overwrite)


@njit(cache=True, fastmath=False)
def cond_dense_delayed(fired, I, t, v, idx, W, delays, buf, g, coef, E, overwrite):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, False)
    deliver_slot(g, buf, t % buf.shape[0])
    _cond_pass(g, coef, E, v, I, overwrite)


def cond_sparse_numpy(fired, I, t, v, idx, indptr, indices, w, g, coef, E, overwrite):
    """Numpy twin of :func:`cond_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, g, False)
    _cond_pass_numpy(g, coef, E, v, I, overwrite)


def cond_dense_numpy(fired, I, t, v, idx, W, g, coef, E, overwrite):
    """Numpy twin of :func:`cond_dense`."""
    arrive_dense_numpy(fired, idx, W, g, False)
    _cond_pass_numpy(g, coef, E, v, I, overwrite)


def cond_sparse_delayed_numpy(fired, I, t, v, idx, indptr, indices, w, delays, buf, g, coef, E, overwrite):
    """Numpy twin of :func:`cond_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, False)
    deliver_slot_numpy(g, buf, t % buf.shape[0])
    _cond_pass_numpy(g, coef, E, v, I, overwrite)


def cond_dense_delayed_numpy(fired, I, t, v, idx, W, delays, buf, g, coef, E, overwrite):
    """Numpy twin of :func:`cond_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, False)
    deliver_slot_numpy(g, buf, t % buf.shape[0])
    _cond_pass_numpy(g, coef, E, v, I, overwrite)


KERNELS = {
    ("numba", True, False): cond_sparse, ("numba", False, False): cond_dense,
    ("numba", True, True): cond_sparse_delayed, ("numba", False, True): cond_dense_delayed,
    ("numpy", True, False): cond_sparse_numpy, ("numpy", False, False): cond_dense_numpy,
    ("numpy", True, True): cond_sparse_delayed_numpy, ("numpy", False, True): cond_dense_delayed_numpy,
}


class ConductanceSynapse(SynapticTransmission):
    r"""Conductance-based synapses: an exponentially decaying conductance with a reversal potential.

    .. math::

        \tau \frac{dg}{dt} = -g, \quad g \leftarrow g + w \text{ on arrival}, \qquad
        I_{syn} = g \, (E - v)

    This behaviour itself turns the conductance into a current: each step it adds
    ``g_mean * (E - v)`` (nS x mV = pA) into ``dst.accumulator(target)``, using the destination's
    ``v`` as the neuron model left it at the end of the previous step and the exact mean
    conductance of the step, ``g_mean = g tau (1 - exp(-dt/tau)) / dt``, then decays ``g`` exactly
    by ``exp(-dt/tau)``. So one spike's conductance integrates to exactly ``w tau`` (nS ms), as
    :class:`ExponentialSynapse`'s current does. So any neuron model that reads its input current works with conductance
    synapses, and a COBA network (Vogels & Abbott 2005) is two synapse groups: excitatory
    (``E = 0 mV``, ``tau = 5 ms``) and inhibitory (``E = -80 mV``, ``tau = 10 ms``). The current
    drives ``v`` toward ``E``: positive (depolarising) below ``E``, zero at ``E``, negative above.

    Parameters
    ----------
    tau : float, ms
        Conductance decay time constant (default 5 ms; Vogels & Abbott 2005 excitatory).
    E : float, mV
        Reversal potential (default 0 mV, excitatory; use -80 mV for inhibition).
    target : str
        Name of the destination's input array (default ``'I'``, pA).
    mode, p, indegree, outdegree, i, j, W, weight, allow_self, delay
        Connectivity (see :mod:`pymonn.behaviours.synapses._base`); ``weight`` is the conductance
        increment in nS and must not be negative.
    backend, check_finite
        As for :class:`ExponentialSynapse`.

    Variables written on the synapse group
    --------------------------------------
    g : nS (network dtype), the conductance of each destination neuron at the start of the next
    step. Reads ``dst.v`` (mV); adds into ``dst.accumulator(target)`` (stores, when it is the step's
    first writer).

    Example
    -------
    >>> SynapseGroup(net, exc, P, behaviour={20: ConductanceSynapse(p=0.02, weight=0.6, tau=5.0, E=0.0)})
    >>> SynapseGroup(net, inh, P, behaviour={20: ConductanceSynapse(p=0.02, weight=6.7, tau=10.0, E=-80.0)})
    """

    def _read_split(self, sg: SynapseGroup) -> bool:
        self.tau = read_number(self, sg, "tau", 5.0, positive=True, unit="ms")
        self.E = read_number(self, sg, "E", 0.0, unit="mV")
        W = sg.W
        if W.size and W.min() < 0:
            raise ConfigurationError(
                f"ConductanceSynapse on {sg.describe()}: weights are conductances in nS and must not be "
                f"negative (smallest is {float(W.min())!r}); use E below rest for inhibition"
            )
        return False

    def _setup_state(self, sg: SynapseGroup) -> None:
        self.g = np.zeros((1, sg.dst.size), dtype=sg.dtype)
        sg.g = self.g[0]

    overwrites = True

    def _make_call(self, sg: SynapseGroup):
        taus = np.array([self.tau])
        #: rows: decay factor exp(-dt/tau); mean-conductance factor tau (1 - exp(-dt/tau)) / dt
        self.coef = np.array([np.exp(-self._dt / taus), -np.expm1(-self._dt / taus) * taus / self._dt],
                             dtype=sg.dtype)
        self.decay = self.coef[0]
        E = sg.dtype.type(self.E)
        kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg) + (self.g, self.coef, E)
        self._kernel, self._rest = kernel, rest
        self._entry = None
        self._seen = (None, None, None)
        return lambda fired, I, t, v, overwrite: kernel(fired, I, t, v, *rest, overwrite)

    def iteration(self, sg: SynapseGroup) -> None:
        if sg.W is not self._W or (sg._dt or self._net._dt) != self._dt:
            self._bind(sg)
        dst = self._dst
        I, first = dst.accumulator_fresh(self.target)
        fired, v = self._src.fired, dst.v
        seen = self._seen
        if fired is seen[0] and I is seen[1] and v is seen[2]:  # the compiled entry point (see base)
            self._entry(fired, I, self._net._iteration, v, *self._rest, first)
        else:
            self._call(fired, I, self._net._iteration, v, first)
            self._entry = compiled_entry(self._kernel, (fired, I, self._net._iteration, v) + self._rest + (first,))
            if self._entry is not None:
                self._seen = (fired, I, v)
        if self._clean:
            self._clean_state(sg)

    def _clean_state(self, sg: SynapseGroup) -> None:
        pairs = [(self.g, 0.0)] + ([(self.buffer, 0.0)] if self.buffer is not None else [])
        clean_nonfinite(sg, self, pairs)

    def reset_state(self) -> None:
        """Zero the conductances and the delay buffer."""
        super().reset_state()
        self.g.fill(0)
