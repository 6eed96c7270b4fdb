"""Sparse connectivity: the :class:`CSR` container and builders that never form an N x N matrix.

Synapses are stored by SOURCE neuron (compressed sparse rows, one row per presynaptic neuron):

``indptr``  int64, ``n_src + 1`` entries: the synapses of source ``i`` are ``indptr[i]:indptr[i+1]``
``indices`` int32, one per synapse: the destination neuron, ascending within a row
``data``    the weights, one per synapse, in the network's dtype

So a spike of source ``i`` touches one contiguous slice, and a synapse costs 4 bytes of index plus
its weight (8 bytes in float32, 12 in float64) and nothing else; ``indptr`` is O(N).

Builders (all randomness from the generator passed in, normally ``net.rng``):

* :func:`fixed_probability` - every pair independently with probability ``p`` (Erdos-Renyi), drawn
  by geometric skipping: the gaps between consecutive synapses of a row are geometric, so the work
  is proportional to the number of synapses, not to ``n_src * n_dst``.
* :func:`fixed_indegree` / :func:`fixed_outdegree` - exactly ``k`` distinct partners per
  destination / source neuron, drawn uniformly without replacement.
* :func:`from_indices` - from arrays of (source, destination) pairs.

Each returns ``(indptr, indices)`` (``from_indices`` also the order that sorts its pairs), and
:class:`CSR` puts structure and weights together.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.errors import ConfigurationError, ConfigurationTypeError

from ._runs import place_runs, place_runs_numpy

__all__ = ["CSR", "fixed_probability", "fixed_indegree", "fixed_outdegree", "from_indices", "expand_rows",
           "all_to_all", "place_runs", "place_runs_numpy"]

#: Elements per temporary block while drawing (bounds the builders' scratch memory).
_BLOCK = 1 << 21


class CSR:
    """Synapses stored by source neuron (see the module docstring for the layout).

    Parameters
    ----------
    indptr : array of int, shape (n_src + 1,)
    indices : array of int, shape (nnz,)
        Destination neuron of each synapse.
    data : array of float, shape (nnz,)
        Weight of each synapse.
    n_src, n_dst : int
        Sizes of the source and destination groups.

    Notes
    -----
    ``post_index()`` builds (once, on demand) the transposed view that postsynaptic plasticity
    needs: for each destination neuron the positions of its synapses in ``data`` and their
    sources (8 more bytes per synapse, only for plastic synapse groups).
    """

    __slots__ = ("indptr", "indices", "data", "n_src", "n_dst", "_post")

    def __init__(self, indptr: Any, indices: Any, data: Any, n_src: int, n_dst: int):
        self.indptr = np.ascontiguousarray(indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(indices, dtype=np.int32)
        self.data = np.ascontiguousarray(data)
        self.n_src, self.n_dst = int(n_src), int(n_dst)
        if self.indptr.shape != (self.n_src + 1,):
            raise ConfigurationError(f"CSR: indptr must have n_src + 1 = {self.n_src + 1} entries, got {self.indptr.shape}")
        nnz = int(self.indptr[-1]) if self.indptr.size else 0
        if self.indptr[0] != 0 or np.any(np.diff(self.indptr) < 0):
            raise ConfigurationError("CSR: indptr must start at 0 and never decrease")
        if self.indices.shape != (nnz,) or self.data.shape != (nnz,):
            raise ConfigurationError(
                f"CSR: indices and data must both have indptr[-1] = {nnz} entries, got {self.indices.shape} "
                f"and {self.data.shape}"
            )
        if nnz and (self.indices.min() < 0 or self.indices.max() >= self.n_dst):
            raise ConfigurationError(f"CSR: destination indices must lie in [0, {self.n_dst})")
        self._post: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # -- state files -------------------------------------------------------------------------
    @staticmethod
    def check_state(fields: dict) -> list[str]:
        """Problems of CSR ``fields`` loaded from a state file (ranges the kernels index with).

        ``indptr`` must start at 0, never decrease and end at the number of synapses; every
        ``indices`` entry must lie in ``[0, n_dst)``; the weights must be finite. (Shapes and
        dtypes were checked against the live CSR already.)
        """
        indptr, indices, data = fields.get("indptr"), fields.get("indices"), fields.get("data")
        n_dst = fields.get("n_dst")
        problems = []
        if indptr is not None and indptr.size:
            if indptr[0] != 0 or np.any(np.diff(indptr) < 0) or (indices is not None and indptr[-1] != indices.size):
                problems.append(f"indptr must start at 0, never decrease and end at {getattr(indices, 'size', '?')} "
                                "(the number of synapses)")
        if indices is not None and indices.size and isinstance(n_dst, int) and (
                indices.min() < 0 or indices.max() >= n_dst):
            problems.append(f"indices must lie in [0, {n_dst}) (destination neurons), got "
                            f"[{int(indices.min())}, {int(indices.max())}]")
        if data is not None and data.dtype.kind == "f" and not np.all(np.isfinite(data)):
            problems.append("the weights must be finite")
        return problems

    def state_loaded(self) -> None:
        """Called after a state file set this CSR's arrays: rebuild the post index in place (if built)."""
        if self._post is None:
            return
        post = self._post
        self._post = None
        fresh = self.post_index()
        for old, new in zip(post, fresh, strict=True):
            np.copyto(old, new, casting="unsafe")
        self._post = post  # the same arrays, which plasticity kernels hold

    # -- sizes ---------------------------------------------------------------------------------
    @property
    def nnz(self) -> int:
        """Number of synapses."""
        return int(self.indices.shape[0])

    @property
    def shape(self) -> tuple[int, int]:
        """(n_dst, n_src), the shape of the equivalent dense matrix."""
        return (self.n_dst, self.n_src)

    @property
    def nbytes(self) -> int:
        """Bytes held: weights + indices + indptr (+ the post index when built)."""
        total = self.data.nbytes + self.indices.nbytes + self.indptr.nbytes
        if self._post is not None:
            total += sum(a.nbytes for a in self._post)
        return total

    def out_degrees(self) -> np.ndarray:
        """Synapses per source neuron."""
        return np.diff(self.indptr)

    def in_degrees(self) -> np.ndarray:
        """Synapses per destination neuron."""
        return np.bincount(self.indices, minlength=self.n_dst)

    def sources(self) -> np.ndarray:
        """Source neuron of each synapse (int32, built on demand: 4 bytes per synapse)."""
        return np.repeat(np.arange(self.n_src, dtype=np.int32), self.out_degrees())

    # -- conversions ---------------------------------------------------------------------------
    def to_dense(self, order: str = "F") -> np.ndarray:
        """The (n_dst, n_src) weight matrix (column-major by default). Duplicated pairs add up."""
        out = np.zeros((self.n_dst, self.n_src), dtype=self.data.dtype, order=order)
        np.add.at(out, (self.indices, self.sources()), self.data)
        return out

    def mask(self, order: str = "F") -> np.ndarray:
        """Boolean (n_dst, n_src) matrix of the pairs that have a synapse."""
        out = np.zeros((self.n_dst, self.n_src), dtype=bool, order=order)
        out[self.indices, self.sources()] = True
        return out

    @classmethod
    def from_dense(cls, W: np.ndarray, mask: np.ndarray | None = None) -> CSR:
        """Synapses at the non-zero entries of a (n_dst, n_src) matrix (or where ``mask`` is True)."""
        W = np.asarray(W)
        if W.ndim != 2:
            raise ConfigurationError(f"CSR.from_dense needs a 2-D (n_dst, n_src) matrix, got shape {W.shape}")
        keep = (W != 0) if mask is None else np.asarray(mask, dtype=bool)
        src, dst = np.nonzero(keep.T)  # row-major over (src, dst): sorted by source, then destination
        indptr = np.zeros(W.shape[1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=W.shape[1]), out=indptr[1:])
        return cls(indptr, dst, W[dst, src], W.shape[1], W.shape[0])

    # -- transposed view for postsynaptic updates ---------------------------------------------
    def post_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(post_ptr, post_syn, post_src)``: for destination ``j``, ``post_syn[post_ptr[j]:post_ptr[j+1]]``
        are positions in ``data`` of its synapses (ascending source) and ``post_src`` their sources."""
        if self._post is None:
            order = np.argsort(self.indices, kind="stable")
            syn_dtype = np.int32 if self.nnz < 2**31 else np.int64
            post_ptr = np.zeros(self.n_dst + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.indices, minlength=self.n_dst), out=post_ptr[1:])
            post_src = self.sources()[order]
            self._post = (post_ptr, order.astype(syn_dtype), post_src)
        return self._post

    def __repr__(self) -> str:
        return f"CSR({self.n_src} -> {self.n_dst}, nnz={self.nnz}, dtype={self.data.dtype.name})"


# -- helpers -----------------------------------------------------------------------------------
def expand_rows(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions of all synapses of the given rows, row after row (vectorised range expansion)."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


def _check_size(name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ConfigurationError(f"connectivity: {name} must be a positive int, got {n!r}")
    return int(n)


def _indptr_from_counts(counts: np.ndarray) -> np.ndarray:
    indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


def all_to_all(n_src: int, n_dst: int, *, allow_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Every source to every destination (without ``i == i`` pairs when ``allow_self`` is False)."""
    n_src, n_dst = _check_size("n_src", n_src), _check_size("n_dst", n_dst)
    if allow_self or n_src != n_dst:
        indices = np.tile(np.arange(n_dst, dtype=np.int32), n_src)
        return _indptr_from_counts(np.full(n_src, n_dst, dtype=np.int64)), indices
    grid = np.tile(np.arange(n_dst - 1, dtype=np.int32), n_src).reshape(n_src, n_dst - 1)
    grid += grid >= np.arange(n_src, dtype=np.int32)[:, None]
    return _indptr_from_counts(np.full(n_src, n_dst - 1, dtype=np.int64)), grid.ravel()


def fixed_probability(n_src: int, n_dst: int, p: float, rng: np.random.Generator, *,
                      allow_self: bool = True, _width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each (source, destination) pair connected independently with probability ``p``.

    Geometric skipping: for each source row the gaps between successive connected destinations
    are drawn from Geometric(p), so time and memory are O(synapses + n_src), never
    O(n_src * n_dst). With ``allow_self=False`` (only meaningful when both groups are the same
    size, i.e. a recurrent group) the pairs ``i -> i`` are left out.

    Returns
    -------
    indptr : int64 array (n_src + 1,)
    indices : int32 array (nnz,), ascending within each row
    """
    n_src, n_dst = _check_size("n_src", n_src), _check_size("n_dst", n_dst)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0.0 <= p <= 1.0:
        raise ConfigurationError(f"fixed_probability: p must be a probability in [0, 1], got {p!r}")
    p = float(p)
    if p == 0.0:
        return np.zeros(n_src + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    if p == 1.0:
        return all_to_all(n_src, n_dst, allow_self=allow_self)
    mean = n_dst * p
    # draws per row in the first pass: enough for all but a > 6 sigma tail, which is completed below
    width = _width or int(np.ceil(mean + 6.0 * np.sqrt(mean * (1.0 - p)) + 8))
    rows_per_block = max(1, _BLOCK // width)
    counts = np.zeros(n_src, dtype=np.int64)
    pieces: list[np.ndarray] = []
    for start in range(0, n_src, rows_per_block):
        stop = min(n_src, start + rows_per_block)
        nrow = stop - start
        pos = np.cumsum(rng.geometric(p, size=(nrow, width)), axis=1)
        pos -= 1  # the first connected destination is (gap - 1)
        keep = pos < n_dst
        row_counts = keep.sum(axis=1)
        chunk = pos[keep].astype(np.int32)
        short = np.flatnonzero(keep[:, -1])
        if short.size:  # rows whose every draw landed inside: keep drawing for those rows only
            parts = np.split(chunk, np.cumsum(row_counts)[:-1])
            for r in short:
                last, more = int(pos[r, -1]), [parts[r]]
                while True:
                    step = np.cumsum(rng.geometric(p, size=width)) + last
                    more.append(step[step < n_dst].astype(np.int32))
                    if step[-1] >= n_dst:
                        break
                    last = int(step[-1])
                parts[r] = np.concatenate(more)
                row_counts[r] = parts[r].size
            chunk = np.concatenate(parts)
        if not allow_self and n_src == n_dst:
            rows = np.repeat(np.arange(start, stop, dtype=np.int64), row_counts)
            is_self = chunk == rows
            row_counts = row_counts - np.bincount(rows[is_self] - start, minlength=nrow)
            chunk = chunk[~is_self]
        counts[start:stop] = row_counts
        pieces.append(chunk)
    indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
    return _indptr_from_counts(counts), indices


def _distinct_rows(n_rows: int, n: int, k: int, rng: np.random.Generator, exclude_self: bool) -> np.ndarray:
    """``(n_rows, k)`` array: for each row ``k`` distinct values of ``[0, n)``, sorted, uniformly chosen.

    With ``exclude_self`` the value equal to the row number is never chosen (rows draw from the
    ``n - 1`` other values). Duplicates are replaced by fresh draws until none is left; because
    this procedure treats every value alike, the resulting k-subsets are uniformly distributed.
    """
    m = n - 1 if exclude_self else n
    if k > m:
        raise ConfigurationError(f"connectivity: cannot choose {k} distinct partners out of {m}")
    out = np.empty((n_rows, k), dtype=np.int32)
    if k == 0:
        return out
    rows_per_block = max(1, _BLOCK // k)
    for start in range(0, n_rows, rows_per_block):
        stop = min(n_rows, start + rows_per_block)
        if 2 * k > m:  # dense choice: keep the k smallest of a random key per candidate
            keys = rng.random((stop - start, m))
            block = np.sort(np.argpartition(keys, k - 1, axis=1)[:, :k], axis=1) if k < m else \
                np.broadcast_to(np.arange(m), (stop - start, m)).copy()
        else:
            block = np.sort(rng.integers(0, m, size=(stop - start, k)), axis=1)
            while True:
                dup = np.zeros(block.shape, dtype=bool)
                dup[:, 1:] = block[:, 1:] == block[:, :-1]
                bad = np.flatnonzero(dup.any(axis=1))
                if bad.size == 0:
                    break
                sub, subdup = block[bad], dup[bad]
                sub[subdup] = rng.integers(0, m, size=int(subdup.sum()))
                block[bad] = np.sort(sub, axis=1)
        if exclude_self:
            block = block + (block >= np.arange(start, stop)[:, None])
        out[start:stop] = block
    return out


def fixed_outdegree(n_src: int, n_dst: int, k: int, rng: np.random.Generator, *,
                    allow_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each source connects to exactly ``k`` distinct destinations, chosen uniformly."""
    n_src, n_dst = _check_size("n_src", n_src), _check_size("n_dst", n_dst)
    k = _check_degree(k, "outdegree")
    rows = _distinct_rows(n_src, n_dst, k, rng, exclude_self=not allow_self and n_src == n_dst)
    return _indptr_from_counts(np.full(n_src, k, dtype=np.int64)), rows.ravel()


def fixed_indegree(n_src: int, n_dst: int, k: int, rng: np.random.Generator, *,
                   allow_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each destination receives exactly ``k`` synapses from distinct sources, chosen uniformly.

    Drawn per destination, then regrouped by source (a stable counting sort, so destinations
    stay ascending within each row).
    """
    n_src, n_dst = _check_size("n_src", n_src), _check_size("n_dst", n_dst)
    k = _check_degree(k, "indegree")
    src = _distinct_rows(n_dst, n_src, k, rng, exclude_self=not allow_self and n_src == n_dst).ravel()
    if k == 0:
        return np.zeros(n_src + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    order = np.argsort(src, kind="stable")
    indices = (order // k).astype(np.int32)  # destination of each synapse, by source
    return _indptr_from_counts(np.bincount(src, minlength=n_src).astype(np.int64)), indices


def _check_degree(k: Any, name: str) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ConfigurationError(f"connectivity: {name} must be a non-negative int, got {k!r}")
    return int(k)


def from_indices(i: Any, j: Any, n_src: int, n_dst: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synapses from source ``i[s]`` to destination ``j[s]``.

    Returns ``(indptr, indices, order)`` where ``order`` sorts the given pairs into CSR order
    (by source, then destination): weights given per pair go into the CSR as ``w[order]``.
    Repeated pairs are kept (they act as parallel synapses).
    """
    n_src, n_dst = _check_size("n_src", n_src), _check_size("n_dst", n_dst)
    try:
        i = np.asarray(i)
        j = np.asarray(j)
    except (TypeError, ValueError):
        raise ConfigurationTypeError("from_indices: i and j must be integer arrays") from None
    if i.ndim != 1 or j.ndim != 1 or i.shape != j.shape:
        raise ConfigurationError(f"from_indices: i and j must be 1-D of equal length, got {i.shape} and {j.shape}")
    if i.size and (i.dtype.kind not in "iu" or j.dtype.kind not in "iu"):
        raise ConfigurationTypeError(f"from_indices: i and j must hold integers, got {i.dtype} and {j.dtype}")
    if i.size and (i.min() < 0 or i.max() >= n_src or j.min() < 0 or j.max() >= n_dst):
        raise ConfigurationError(f"from_indices: i must lie in [0, {n_src}) and j in [0, {n_dst})")
    order = np.lexsort((j, i))
    counts = np.bincount(i, minlength=n_src).astype(np.int64) if i.size else np.zeros(n_src, dtype=np.int64)
    return _indptr_from_counts(counts), j[order].astype(np.int32), order
