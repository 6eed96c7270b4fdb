"""Instantaneous (delta) current synapses: each arriving spike adds its weight to the input once."""

# ruff: noqa: E741  (I is the input current, as in the equations)

from __future__ import annotations

from typing import Any

from numba import njit

from pymonn.synapse_group import SynapseGroup

from .._precision import clean_nonfinite
from ._base import SynapticTransmission
from ._propagation import (
    SIZES,
    arrive_dense,
    arrive_dense_delayed,
    arrive_dense_delayed_numpy,
    arrive_dense_numpy,
    arrive_sparse,
    arrive_sparse_delayed,
    arrive_sparse_delayed_numpy,
    arrive_sparse_numpy,
)

__all__ = ["DeltaSynapse"]


@njit(cache=True, fastmath=False, inline="always")
def _deliver(buf, slot, I):
    """Add ring-buffer slot ``slot`` into the input and clear it."""
    row = buf[slot, 0]
    if row.shape[0] != I.shape[0]:
        raise ValueError(SIZES)
    for j in range(I.shape[0]):
        I[j] += row[j]
        row[j] = 0


def _deliver_numpy(buf, slot, I):
    """Numpy twin of :func:`_deliver`."""
    I += buf[slot, 0]
    buf[slot, 0] = 0


@njit(cache=True, fastmath=False)
def delta_sparse(fired, I, t, idx, indptr, indices, w):
    """One step of delta synapses, CSR connectivity, no delays (compiled)."""
    arrive_sparse(fired, idx, indptr, indices, w, I.reshape((1, I.shape[0])), False)


@njit(cache=True, fastmath=False)
def delta_dense(fired, I, t, idx, W):
    """One step, dense (n_dst, n_src) column-major weights, no delays (compiled)."""
    arrive_dense(fired, idx, W, I.reshape((1, I.shape[0])), False)


@njit(cache=True, fastmath=False)
def delta_sparse_delayed(fired, I, t, idx, indptr, indices, w, delays, buf):
    """One step, CSR connectivity with per-synapse delays (compiled)."""
    arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, False)
    _deliver(buf, t % buf.shape[0], I)


@njit(cache=True, fastmath=False)
def delta_dense_delayed(fired, I, t, idx, W, delays, buf):
    """One step, dense weights with per-synapse delays (compiled)."""
    arrive_dense_delayed(fired, idx, W, delays, buf, t, False)
    _deliver(buf, t % buf.shape[0], I)


def delta_sparse_numpy(fired, I, t, idx, indptr, indices, w):
    """Numpy twin of :func:`delta_sparse`."""
    arrive_sparse_numpy(fired, idx, indptr, indices, w, I[None, :], False)


def delta_dense_numpy(fired, I, t, idx, W):
    """Numpy twin of :func:`delta_dense`."""
    arrive_dense_numpy(fired, idx, W, I[None, :], False)


def delta_sparse_delayed_numpy(fired, I, t, idx, indptr, indices, w, delays, buf):
    """Numpy twin of :func:`delta_sparse_delayed`."""
    arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, False)
    _deliver_numpy(buf, t % buf.shape[0], I)


def delta_dense_delayed_numpy(fired, I, t, idx, W, delays, buf):
    """Numpy twin of :func:`delta_dense_delayed`."""
    arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, False)
    _deliver_numpy(buf, t % buf.shape[0], I)


KERNELS = {
    ("numba", True, False): delta_sparse, ("numba", False, False): delta_dense,
    ("numba", True, True): delta_sparse_delayed, ("numba", False, True): delta_dense_delayed,
    ("numpy", True, False): delta_sparse_numpy, ("numpy", False, False): delta_dense_numpy,
    ("numpy", True, True): delta_sparse_delayed_numpy, ("numpy", False, True): delta_dense_delayed_numpy,
}


class DeltaSynapse(SynapticTransmission):
    r"""Delta current synapses, per step by design: a spike adds ``weight`` (pA) to the input for one step.

    The charge of one spike is therefore ``weight * dt`` (pA ms) and depends on ``dt``; for a
    dt-independent charge ``q`` (pA ms; a jump of ``q / C_m`` mV) use ``weight = q / dt`` (and
    ``delay = round(D / dt)`` steps for a delay of ``D`` ms). :class:`~pymonn.behaviours.PoissonInput`
    takes the charge itself as its ``weight``.

    .. math::

        I_j(t) \mathrel{+}= \sum_{i\ \mathrm{fired\ at}\ t - 1 - d_{ij}} w_{ij}

    With a neuron model that integrates its input over the step (``v`` changes by
    ``w * R * (1 - exp(-dt/tau_m))`` for LIF), this is the discrete-time delta synapse. For a jump
    of exactly ``J`` mV in the membrane potential use a weight of ``J * C_m / dt`` pA with a
    non-leaky model, or the model's own voltage-jump input.

    Parameters
    ----------
    target : str
        Name of the destination's input array (default ``'I'``, pA).
    mode, p, indegree, outdegree, i, j, W, weight, allow_self, delay
        Connectivity (see :mod:`pymonn.behaviours.synapses._base`); ``weight`` in pA.
    backend : {'numba', 'numpy'}
        Compiled kernel (default) or its numpy twin (float16 networks always use the twin).
    check_finite : bool, optional
        Reset non-finite values of the delay buffer (default: float16 networks only).

    Variables written
    -----------------
    Adds into ``dst.accumulator(target)``; keeps no state besides the delay ring buffer
    (``self.buffer``, shape ``(max_delay + 1, 1, n_dst)``).

    Example
    -------
    >>> SynapseGroup(net, src, dst, behaviour={20: DeltaSynapse(p=0.1, weight=50.0, delay=15)})
    """

    def _make_call(self, sg: SynapseGroup):
        kernel = KERNELS[(self.backend, self.sparse, self.delayed)]
        rest: tuple[Any, ...] = (self._idx,) + self._conn_args(sg)
        return lambda fired, I, t: kernel(fired, I, t, *rest)

    def _clean_state(self, sg: SynapseGroup) -> None:
        if self.buffer is not None:
            clean_nonfinite(sg, self, [(self.buffer, 0.0)])


