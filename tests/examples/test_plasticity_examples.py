"""Song, Miller & Abbott 2000 (stdp_song.py) and Neurapse's dynamic random network with both STDP kinds."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
from example_loader import load


def check_png(path) -> None:
    import matplotlib.image

    path = pathlib.Path(path)
    assert path.exists() and path.stat().st_size > 20_000
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 300 and image.shape[1] > 800 and image[..., :3].std() > 0.05


def test_song_quick_weights_move_apart(tmp_path):
    """Reduced run (30 s, A_+ three times larger): the weights leave the middle for both bounds."""
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    song = load("stdp_song")
    out = tmp_path / "song.png"
    res = song.main(["--quick", "--out", str(out)])
    w = res["weights"] / song.G_MAX
    assert w.size == 1000 and w.min() >= 0 and w.max() <= 1
    counts = np.histogram(w, bins=10, range=(0, 1))[0]
    # U-shaped: both outer bins hold more synapses than any of the middle six
    assert counts[0] > counts[2:8].max() and counts[-1] > counts[2:8].max(), counts
    assert res["low"] > 0.12 and res["high"] > 0.10
    # the start was uniform (40% between 0.3 and 0.7 g_max); competition thins the middle out
    assert res["middle"] < 0.35
    assert 10 < res["output_rate"] < 45
    check_png(out)


@pytest.mark.slow
def test_song_full_matches_brian2(tmp_path):
    """The paper's parameters for 100 s, against Brian2 2.9 running its own version of the experiment:
    output rate 26.4 Hz, 23.4% of weights below 0.1 g_max, 18.5% above 0.9, 23.1% between 0.3 and 0.7."""
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    song = load("stdp_song")
    res = song.main(["--out", str(tmp_path / "song.png")])
    assert abs(res["output_rate"] / 26.4 - 1) < 0.2
    assert abs(res["low"] - 0.234) < 0.07 and abs(res["high"] - 0.185) < 0.07 and abs(res["middle"] - 0.231) < 0.07


def test_dynamic_network_additive_spreads_multiplicative_concentrates(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    drn = load("dynamic_random_network")
    out = tmp_path / "drn.png"
    additive, multiplicative = drn.main(["--quick", "--out", str(out)])
    assert additive["rule"] == "additive" and multiplicative["rule"] == "multiplicative"
    start_std = 1 / np.sqrt(12)  # weights start uniform in [0, w_max]
    # additive: the distribution keeps its spread and fills both ends (bimodal tendency)
    assert additive["std"] > 0.95 * start_std and additive["edges"] > 0.2
    # multiplicative: weights are drawn to one equilibrium (unimodal, narrow)
    assert multiplicative["std"] < 0.6 * start_std and multiplicative["middle"] > 0.7
    for res in (additive, multiplicative):
        assert 5 < res["rate"] < 60
    check_png(out)


def test_dynamic_network_connectivity():
    drn = load("dynamic_random_network")
    exc, delays, inh = drn.connectivity(np.random.default_rng(3), 0.1)
    src = exc.sources()
    assert exc.nnz == drn.N_EXC * drn.FAN_OUT and np.all(src < drn.N_EXC)
    assert not np.any(src == exc.indices)  # no autapses
    np.testing.assert_array_equal(np.diff(exc.indptr)[: drn.N_EXC], drn.FAN_OUT)
    assert delays.min() == 9 and delays.max() == 199  # 1 .. 20 ms at dt = 0.1 (arrival 1 + d steps later)
    assert np.all(inh.sources() >= drn.N_EXC) and np.all(inh.indices < drn.N_EXC)
