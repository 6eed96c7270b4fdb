"""Spike propagation primitives shared by every synapse kernel (compiled, each with a numpy twin).

A propagation step reads the source group's boolean ``fired`` (the spikes of the previous step),
finds the neurons that fired, and adds the weights of their synapses into a destination array:
``dest[channel, j]`` (the synaptic state, or the current itself for delta synapses) or, with
axonal delays, into the slot of a ring buffer ``buf[(t + d) % D, channel, j]``.

Summation order (this is what makes sparse and dense bit-for-bit identical in float64): fired
sources in ascending order; within a source, destinations in ascending order; each weight added
one at a time into the destination. A CSR row (sorted destinations) and a dense column visit the
same (source, destination) pairs in the same order; the dense column also adds 0.0 for absent
synapses, which leaves every value unchanged.

Decaying state is flushed to zero below :data:`TINY` (see there).

Channels: ``dest`` has one row per channel. With ``split`` set, negative weights go to channel 1
(inhibitory) and the rest to channel 0 (excitatory); otherwise everything goes to channel 0.

Bounds: the compiled kernels check what they index with, because scripts can set these arrays
(``sg.W``, ``sg.csr``, ``sg.delay``, a group's ``fired``): the sizes of the arrays against each
other once per call, every row range of ``indptr`` against the number of synapses once per
spiking source, and every destination index against the destination's size once per synapse
event (``IndexError`` / ``ValueError`` instead of writing outside an array). Measured on the CUBA
benchmark (benchmarks/library.py), the per-event check costs about 1 % of the run time.
Delays need no check: ``(t + delay) % D`` is always a slot of the ring buffer.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..connectivity import expand_rows

#: Decaying state below this magnitude is set to 0 (float32's smallest normal number, 1.2e-38): a
#: neuron that stays silent would otherwise decay into subnormal numbers, whose arithmetic is up to
#: 50x slower on x86 CPUs. Physically these values are zero in every unit pymonn uses.
TINY = 1.1754944e-38


SIZES = ("a synapse kernel got arrays whose sizes do not fit each other (a script replaced sg.W, sg.csr, "
         "sg.delay or a group's fired by an array of another size?)")
ROWS = "a CSR row reaches outside the synapses (indptr must start at 0, never decrease and end at nnz)"
TARGETS = "a CSR destination index lies outside the destination group (indices must lie in [0, n_dst))"


def flush_numpy(x):
    """Numpy twin of the kernels' flush: entries with ``|x| < TINY`` become 0 (in place)."""
    x[np.abs(x) < TINY] = 0

# -- finding the neurons that fired ---------------------------------------------------------------


@njit(cache=True, fastmath=False, inline="always")
def fired_indices(fired, out):
    """Write the indices of True entries of ``fired`` into ``out``; return how many.

    One-byte arrays (bool) are scanned eight entries at a time through a uint64 view, which is
    about 7x faster than a plain loop when few neurons fire.
    """
    n = fired.shape[0]
    if n > out.shape[0]:
        raise ValueError(SIZES)
    count = 0
    start = 0
    if fired.itemsize == 1:
        n8 = n // 8
        words = fired[: n8 * 8].view(np.uint64)
        for q in range(n8):
            if words[q] != 0:
                base = q * 8
                for i in range(base, base + 8):
                    if fired[i]:
                        out[count] = i
                        count += 1
        start = n8 * 8
    for i in range(start, n):
        if fired[i]:
            out[count] = i
            count += 1
    return count


def fired_indices_numpy(fired, out):
    """Numpy twin of :func:`fired_indices`."""
    idx = np.flatnonzero(fired)
    out[: idx.size] = idx
    return idx.size


# -- arrivals without delay ---------------------------------------------------------------------


@njit(cache=True, fastmath=False, inline="always")
def arrive_sparse(fired, idx, indptr, indices, w, dest, split):
    """Add the CSR weights of every fired source into ``dest[channel]``; return the spike count."""
    nnz = indices.shape[0]
    nd = dest.shape[1]
    if indptr.shape[0] != fired.shape[0] + 1 or w.shape[0] != nnz or (split and dest.shape[0] < 2):
        raise ValueError(SIZES)
    n = fired_indices(fired, idx)
    for q in range(n):
        i = idx[q]
        a, b = indptr[i], indptr[i + 1]
        if a < 0 or b > nnz or a > b:
            raise IndexError(ROWS)
        for k in range(a, b):
            x = w[k]
            j = indices[k]
            if j < 0 or j >= nd:
                raise IndexError(TARGETS)
            ch = 1 if split and x < 0 else 0
            dest[ch, j] += x
    return n


@njit(cache=True, fastmath=False, inline="always")
def arrive_dense(fired, idx, W, dest, split):
    """Add the columns of ``W`` (n_dst, n_src) of every fired source into ``dest``; return the count."""
    nd = W.shape[0]
    if W.shape[1] != fired.shape[0] or dest.shape[1] != nd or (split and dest.shape[0] < 2):
        raise ValueError(SIZES)
    n = fired_indices(fired, idx)
    d0 = dest[0]
    if split:
        d1 = dest[1]
        for q in range(n):
            i = idx[q]
            for j in range(nd):
                x = W[j, i]
                if x < 0:
                    d1[j] += x
                else:
                    d0[j] += x
    else:
        for q in range(n):
            i = idx[q]
            for j in range(nd):
                d0[j] += W[j, i]
    return n


# -- arrivals with per-synapse delays (ring buffer) ------------------------------------------------


@njit(cache=True, fastmath=False, inline="always")
def arrive_sparse_delayed(fired, idx, indptr, indices, w, delays, buf, t, split):
    """Like :func:`arrive_sparse`, into ``buf[(t + delay) % D]`` (``D = buf.shape[0]``)."""
    nnz = indices.shape[0]
    nd = buf.shape[2]
    if (indptr.shape[0] != fired.shape[0] + 1 or w.shape[0] != nnz or delays.shape[0] != nnz
            or (split and buf.shape[1] < 2)):
        raise ValueError(SIZES)
    n = fired_indices(fired, idx)
    D = buf.shape[0]
    for q in range(n):
        i = idx[q]
        a, b = indptr[i], indptr[i + 1]
        if a < 0 or b > nnz or a > b:
            raise IndexError(ROWS)
        for k in range(a, b):
            x = w[k]
            j = indices[k]
            if j < 0 or j >= nd:
                raise IndexError(TARGETS)
            s = (t + delays[k]) % D
            if split and x < 0:
                buf[s, 1, j] += x
            else:
                buf[s, 0, j] += x
    return n


@njit(cache=True, fastmath=False, inline="always")
def arrive_dense_delayed(fired, idx, W, delays, buf, t, split):
    """Like :func:`arrive_dense`, into ``buf[(t + delay) % D]``; ``delays`` is (n_dst, n_src)."""
    nd = W.shape[0]
    if (W.shape[1] != fired.shape[0] or delays.shape[0] != nd or delays.shape[1] != W.shape[1]
            or buf.shape[2] != nd or (split and buf.shape[1] < 2)):
        raise ValueError(SIZES)
    n = fired_indices(fired, idx)
    D = buf.shape[0]
    for q in range(n):
        i = idx[q]
        for j in range(nd):
            x = W[j, i]
            s = (t + delays[j, i]) % D
            if split and x < 0:
                buf[s, 1, j] += x
            else:
                buf[s, 0, j] += x
    return n


@njit(cache=True, fastmath=False, inline="always")
def deliver_slot(state, buf, slot):
    """Add ring-buffer slot ``slot`` into the state (``state += buf[slot]``) and clear the slot."""
    if buf.shape[1] < state.shape[0] or buf.shape[2] != state.shape[1]:
        raise ValueError(SIZES)
    for ch in range(state.shape[0]):
        for j in range(state.shape[1]):
            state[ch, j] += buf[slot, ch, j]
            buf[slot, ch, j] = 0


# -- numpy twins -----------------------------------------------------------------------------------


def deliver_slot_numpy(state, buf, slot):
    """Numpy twin of :func:`deliver_slot`."""
    state += buf[slot]
    buf[slot] = 0


def _channels(x, split):
    """Masks of the weights going to channel 0 and channel 1."""
    if not split:
        return (slice(None), None)
    neg = x < 0
    return (~neg, neg)


def arrive_sparse_numpy(fired, idx, indptr, indices, w, dest, split):
    """Numpy twin of :func:`arrive_sparse` (``np.add.at`` adds in the same order as the loop)."""
    rows = np.flatnonzero(fired)
    ks = expand_rows(indptr, rows)
    x, j = w[ks], indices[ks]
    for ch, m in enumerate(_channels(x, split)):
        if m is not None:
            np.add.at(dest[ch], j[m], x[m])
    return rows.size


def _dense_pairs(W, rows):
    nd = W.shape[0]
    x = W[:, rows].ravel(order="F")  # column after column, as the loop visits them
    j = np.tile(np.arange(nd), rows.size)
    return x, j


def arrive_dense_numpy(fired, idx, W, dest, split):
    """Numpy twin of :func:`arrive_dense`."""
    rows = np.flatnonzero(fired)
    x, j = _dense_pairs(W, rows)
    for ch, m in enumerate(_channels(x, split)):
        if m is not None:
            np.add.at(dest[ch], j[m], x[m])
    return rows.size


def arrive_sparse_delayed_numpy(fired, idx, indptr, indices, w, delays, buf, t, split):
    """Numpy twin of :func:`arrive_sparse_delayed`."""
    rows = np.flatnonzero(fired)
    ks = expand_rows(indptr, rows)
    x, j = w[ks], indices[ks]
    s = (t + delays[ks].astype(np.int64)) % buf.shape[0]
    ch = (x < 0).astype(np.int64) if split else np.zeros(x.size, dtype=np.int64)
    np.add.at(buf, (s, ch, j), x)
    return rows.size


def arrive_dense_delayed_numpy(fired, idx, W, delays, buf, t, split):
    """Numpy twin of :func:`arrive_dense_delayed`."""
    rows = np.flatnonzero(fired)
    x, j = _dense_pairs(W, rows)
    s = (t + delays[:, rows].ravel(order="F").astype(np.int64)) % buf.shape[0]
    ch = (x < 0).astype(np.int64) if split else np.zeros(x.size, dtype=np.int64)
    np.add.at(buf, (s, ch, j), x)
    return rows.size
