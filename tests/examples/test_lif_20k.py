"""lif_20k.py: population-structured sparse LIF network, topology view, spike-train embedding."""

from __future__ import annotations

import pathlib
import sys

import numpy as np
import pytest
from example_loader import load


def check_png(path) -> None:
    import matplotlib.image

    path = pathlib.Path(path)
    assert path.exists() and path.stat().st_size > 20_000, path
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 400 and image.shape[1] > 500
    assert image[..., :3].std() > 0.05


def test_connectivity_blocks_are_exact():
    lif = load("lif_20k")
    csr = lif.connectivity(300, 80, 80, 40, np.random.default_rng(0))
    assert csr.nnz == 1500 * 200
    np.testing.assert_array_equal(csr.in_degrees(), 200)
    counts = lif.block_counts(csr, 300) / 300
    expected = np.array([[80, 80 / 3, 80 / 3, 80 / 3, 40]] * 4 + [[40, 40, 40, 40, 40]], dtype=float)
    for r in range(4):  # the 80 "other" synapses of an assembly spread over the three other assemblies
        expected[r, :4] = 80 / 3
        expected[r, r] = 80
    np.testing.assert_allclose(counts, expected, atol=2.0)
    np.testing.assert_array_equal(counts.sum(axis=1), 200)
    # no duplicate (source, target) pairs and weights signed by source population
    pairs = csr.sources().astype(np.int64) * 1500 + csr.indices
    assert np.unique(pairs).size == csr.nnz
    assert np.all((csr.data > 0) == (csr.sources() < 1200))


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_quick_run_figures_and_pca_fallback(dtype, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    lif = load("lif_20k")
    res = lif.main(["--quick", "--no-progress", "--dtype", dtype, "--prefix", str(tmp_path / "q")])
    err = capsys.readouterr().err
    assert "umap-learn is not installed" in err and "PCA" in err
    assert res["paths"]["method"] == "PCA"
    for key in ("raster", "topology", "embedding"):
        check_png(res["paths"][key])
    net = res["net"]
    assert net.lif.size == 4000 and net.lif.v.dtype == np.dtype(dtype)
    assert net.SynapseGroups[0].csr.nnz == 4000 * 200
    # asynchronous activity at a few spikes per second in every population
    assert np.all((res["rates"] > 2.0) & (res["rates"] < 20.0)), res["rates"]


def test_embedding_separates_the_assemblies():
    """The assemblies take turns being driven, so PCA of the spike trains groups neurons by assembly."""
    lif = load("lif_20k")
    net = lif.build(800, seed=2, duration=400.0)
    net.run(400.0, progress=False)
    xy, ids, method = lif.embedding(net, 1000, 10.0, seed=0)
    pops = lif.population_of(ids, 800)
    exc = pops < 4
    xy, pops = xy[exc], pops[exc]
    centres = np.array([xy[pops == p].mean(axis=0) for p in range(4)])
    between = ((centres[pops] - xy.mean(axis=0)) ** 2).sum()
    total = ((xy - xy.mean(axis=0)) ** 2).sum()
    # share of the embedding's variance explained by the assembly labels (0 if they were mixed)
    assert between / total > 0.4, between / total
