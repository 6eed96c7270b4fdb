"""Placing blocks of per-source values into CSR order: a compiled kernel and its numpy twin.

A connectivity builder that draws the synapses of one block of sources (e.g. one pair of
populations) at a time, grouped by source, writes each source's values into its row of a CSR
array. ``place_runs(out, block, starts, counts)`` copies ``block`` run by run: source ``s``'s
``counts[s]`` consecutive values go to ``out[starts[s]:starts[s] + counts[s]]``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["place_runs", "place_runs_numpy"]


@njit(cache=True)
def _place_runs(out, block, starts, counts):
    k = 0
    for s in range(counts.shape[0]):
        a = starts[s]
        for q in range(counts[s]):
            out[a + q] = block[k]
            k += 1


def _check(out: np.ndarray, block: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> None:
    if starts.shape != counts.shape or starts.ndim != 1:
        raise ValueError(f"place_runs: starts and counts must be 1-D of one length, got {starts.shape} and "
                         f"{counts.shape}")
    total = int(counts.sum())
    if block.shape != (total,):
        raise ValueError(f"place_runs: block must hold sum(counts) = {total} values, got shape {block.shape}")
    if counts.size and (counts.min() < 0 or starts.min() < 0 or int((starts + counts).max()) > out.shape[0]):
        raise ValueError(f"place_runs: runs must lie within out (length {out.shape[0]}) and counts be >= 0")


def place_runs(out: np.ndarray, block: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> None:
    """Copy ``block`` into ``out`` run by run (compiled); see the module docstring.

    Parameters
    ----------
    out : ndarray, 1-D
        The CSR array (``indices``, ``data``, delays ...), written in place.
    block : ndarray, 1-D
        ``sum(counts)`` values, source after source.
    starts, counts : ndarray of int, 1-D
        Where each source's run begins in ``out``, and its length.
    """
    starts, counts = np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    _check(out, block, starts, counts)
    _place_runs(out, block.astype(out.dtype, copy=False), starts, counts)


def place_runs_numpy(out: np.ndarray, block: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> None:
    """Numpy twin of :func:`place_runs` (an index array as long as ``block``)."""
    starts, counts = np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    _check(out, block, starts, counts)
    first = np.cumsum(counts) - counts  # where each run begins in block
    out[np.repeat(starts - first, counts) + np.arange(block.shape[0])] = block
