"""CSR builders: degree statistics, memory (no N x N), uniformity, reproducibility, validation."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from pymonn.behaviours.connectivity import (
    CSR,
    all_to_all,
    expand_rows,
    fixed_indegree,
    fixed_outdegree,
    fixed_probability,
    from_indices,
)
from pymonn.behaviours.synapses import ExponentialSynapse

from pymonn import ConfigurationError, Network, NeuronGroup, SynapseGroup


def _rows(indptr, indices):
    return [indices[indptr[r]:indptr[r + 1]] for r in range(indptr.size - 1)]


def _check_structure(indptr, indices, n_src, n_dst):
    assert indptr.dtype == np.int64 and indices.dtype == np.int32
    assert indptr.shape == (n_src + 1,) and indptr[0] == 0 and indptr[-1] == indices.size
    assert np.all(np.diff(indptr) >= 0)
    if indices.size:
        assert indices.min() >= 0 and indices.max() < n_dst
    for row in _rows(indptr, indices):
        assert np.all(np.diff(row) > 0)  # ascending and distinct within a row


def test_fixed_probability_count_and_degrees_match_the_binomial():
    n, p = 4000, 0.02
    indptr, indices = fixed_probability(n, n, p, np.random.default_rng(0))
    _check_structure(indptr, indices, n, n)
    mean, sd = n * n * p, np.sqrt(n * n * p * (1 - p))
    assert abs(indices.size - mean) < 5 * sd  # 320,000 +- 5 sigma (sigma = 560)
    out = np.diff(indptr)
    assert out.mean() == pytest.approx(n * p, rel=0.01)
    assert out.var() == pytest.approx(n * p * (1 - p), rel=0.1)
    inn = np.bincount(indices, minlength=n)
    assert inn.var() == pytest.approx(n * p * (1 - p), rel=0.1)
    # destinations are uniform: each tenth of the range holds a tenth of the synapses
    counts = np.bincount(indices // (n // 10), minlength=10)
    assert np.all(np.abs(counts - indices.size / 10) < 5 * np.sqrt(indices.size / 10))


def test_fixed_probability_rows_longer_than_the_first_pass():
    """Rows whose synapses outnumber the first block of geometric draws are completed exactly."""
    indptr, indices = fixed_probability(300, 500, 0.1, np.random.default_rng(1), _width=5)
    _check_structure(indptr, indices, 300, 500)
    assert np.diff(indptr).mean() == pytest.approx(50, rel=0.05)
    assert np.diff(indptr).var() == pytest.approx(50 * 0.9, rel=0.2)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_fixed_probability_extremes(p):
    indptr, indices = fixed_probability(20, 30, p, np.random.default_rng(0))
    assert indices.size == (600 if p == 1.0 else 0)


def test_no_self_connections_when_asked():
    indptr, indices = fixed_probability(200, 200, 0.5, np.random.default_rng(2), allow_self=False)
    src = np.repeat(np.arange(200), np.diff(indptr))
    assert not np.any(src == indices)
    assert indices.size == pytest.approx(200 * 199 * 0.5, rel=0.02)
    for builder in (fixed_indegree, fixed_outdegree):
        indptr, indices = builder(150, 150, 149, np.random.default_rng(3), allow_self=False)
        src = np.repeat(np.arange(150), np.diff(indptr))
        assert not np.any(src == indices) and indices.size == 150 * 149
    _, idx = all_to_all(5, 5, allow_self=False)
    assert idx.size == 20


@pytest.mark.parametrize("k", [0, 1, 40, 300, 399])  # 300 and 399 take the dense path (k > n/2)
def test_fixed_indegree_is_exact_and_uniform(k):
    n_src, n_dst = 400, 250
    indptr, indices = fixed_indegree(n_src, n_dst, k, np.random.default_rng(4))
    _check_structure(indptr, indices, n_src, n_dst)
    assert np.all(np.bincount(indices, minlength=n_dst) == k)
    if 0 < k < n_src:
        out = np.diff(indptr)  # each source is chosen by a destination with probability k / n_src
        assert out.mean() == pytest.approx(n_dst * k / n_src)
        assert out.var() == pytest.approx(n_dst * (k / n_src) * (1 - k / n_src), rel=0.2)


def test_fixed_outdegree_is_exact():
    indptr, indices = fixed_outdegree(300, 1000, 25, np.random.default_rng(5))
    _check_structure(indptr, indices, 300, 1000)
    assert np.all(np.diff(indptr) == 25)
    inn = np.bincount(indices, minlength=1000)
    assert inn.mean() == pytest.approx(7.5) and inn.var() == pytest.approx(7.5 * (1 - 0.025), rel=0.2)


def test_builders_never_allocate_n_by_n():
    n, p = 20000, 0.0005  # N x N would be 400 MB as bytes, 3.2 GB as float64
    tracemalloc.start()
    try:
        for build in (lambda r: fixed_probability(n, n, p, r), lambda r: fixed_indegree(n, n, 10, r),
                      lambda r: fixed_outdegree(n, n, 10, r)):
            tracemalloc.reset_peak()
            indptr, indices = build(np.random.default_rng(6))
            peak = tracemalloc.get_traced_memory()[1]
            nnz = indices.size
            assert nnz > 150_000
            assert peak < 40 * nnz + 64 * n + 20_000_000  # O(synapses + N), far below N*N = 4e8 bytes
    finally:
        tracemalloc.stop()


def test_memory_per_synapse_float32_is_at_most_8_bytes_plus_o_n():
    n = 10000
    net = Network(seed=0, dtype=np.float32)
    g = NeuronGroup(net, n, {})
    sg = SynapseGroup(net, g, g, behaviour={20: ExponentialSynapse(p=0.01, weight="uniform")})
    net.initialize()
    csr = sg.csr
    assert csr.data.dtype == np.float32
    per_synapse = (csr.data.nbytes + csr.indices.nbytes) / csr.nnz
    assert per_synapse == 8.0
    assert csr.nbytes - csr.nnz * 8 == csr.indptr.nbytes == 8 * (n + 1)


def test_seeded_reproducibility_through_the_network():
    def build(seed, rule):
        net = Network(seed=seed)
        g = NeuronGroup(net, 500, {})
        sg = SynapseGroup(net, g, g, behaviour={20: ExponentialSynapse(weight="normal(1, 0.1)", **rule)})
        net.initialize()
        return sg.csr
    for rule in ({"p": 0.05}, {"indegree": 20}, {"outdegree": 20}):
        a, b, c = build(1, rule), build(1, rule), build(2, rule)
        np.testing.assert_array_equal(a.indptr, b.indptr)
        np.testing.assert_array_equal(a.indices, b.indices)
        np.testing.assert_array_equal(a.data, b.data)
        assert not (np.array_equal(a.indices, c.indices) and np.array_equal(a.data, c.data))


def test_from_indices_sorts_pairs_and_carries_weights():
    i = np.array([2, 0, 2, 1, 0])
    j = np.array([1, 3, 0, 2, 1])
    w = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    indptr, indices, order = from_indices(i, j, 3, 4)
    csr = CSR(indptr, indices, w[order], 3, 4)
    dense = csr.to_dense()
    for a, b, x in zip(i, j, w, strict=True):
        assert dense[b, a] == x
    assert dense.flags.f_contiguous and dense.shape == (4, 3)
    np.testing.assert_array_equal(CSR.from_dense(dense).indices, csr.indices)
    with pytest.raises(ConfigurationError, match="i must lie in"):
        from_indices([0, 5], [0, 0], 3, 4)
    with pytest.raises(ConfigurationError, match="equal length"):
        from_indices([0, 1], [0], 3, 4)


def test_csr_post_index_lists_each_destinations_synapses():
    indptr, indices = fixed_probability(50, 30, 0.2, np.random.default_rng(7))
    csr = CSR(indptr, indices, np.arange(indices.size, dtype=float), 50, 30)
    post_ptr, post_syn, post_src = csr.post_index()
    src = csr.sources()
    for j in range(30):
        syn = post_syn[post_ptr[j]:post_ptr[j + 1]]
        assert np.all(csr.indices[syn] == j)
        np.testing.assert_array_equal(post_src[post_ptr[j]:post_ptr[j + 1]], src[syn])
        assert np.all(np.diff(src[syn]) > 0)
    assert post_syn.size == csr.nnz and np.unique(post_syn).size == csr.nnz


def test_expand_rows():
    indptr = np.array([0, 2, 2, 5, 6])
    np.testing.assert_array_equal(expand_rows(indptr, np.array([2, 0, 3])), [2, 3, 4, 0, 1, 5])
    assert expand_rows(indptr, np.array([1])).size == 0


def test_csr_validation():
    with pytest.raises(ConfigurationError, match="indptr must have"):
        CSR([0, 1], [0], [1.0], 3, 3)
    with pytest.raises(ConfigurationError, match="destination indices"):
        CSR([0, 1], [5], [1.0], 1, 3)
    with pytest.raises(ConfigurationError, match="p must be a probability"):
        fixed_probability(10, 10, 1.2, np.random.default_rng(0))
    with pytest.raises(ConfigurationError, match="cannot choose"):
        fixed_indegree(10, 10, 11, np.random.default_rng(0))


def test_place_runs_writes_each_sources_values_into_its_row_and_matches_its_twin():
    from pymonn.behaviours.connectivity import place_runs, place_runs_numpy

    rng = np.random.default_rng(5)
    counts = rng.integers(0, 6, 50)
    row_starts = np.concatenate([[0], np.cumsum(counts * 2)])[:-1]  # every row has room for two blocks
    starts = row_starts + counts  # this block goes after a first block of the same length
    block = rng.normal(size=counts.sum()).astype(np.float32)
    out_c = np.full(2 * counts.sum(), np.nan, dtype=np.float32)
    out_n = out_c.copy()
    place_runs(out_c, block, starts, counts)
    place_runs_numpy(out_n, block, starts, counts)
    np.testing.assert_array_equal(out_c, out_n)
    k = 0
    for s, c in enumerate(counts):  # the reference, source by source
        np.testing.assert_array_equal(out_c[starts[s]:starts[s] + c], block[k:k + c])
        assert np.all(np.isnan(out_c[row_starts[s]:row_starts[s] + c]))  # the first block's room untouched
        k += c
    with pytest.raises(ValueError, match="sum\\(counts\\)"):
        place_runs(out_c, block[:-1], starts, counts)
    with pytest.raises(ValueError, match="within out"):
        place_runs(out_c[:10], block, starts, counts)
