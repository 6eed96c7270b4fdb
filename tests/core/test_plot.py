"""pymonn.plot: each function draws on the given axis, returns its artists, and writes a PNG."""

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="plots need the [plot] extra (matplotlib)")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from test_analysis import PoissonSpikes, Regular  # noqa: E402
from test_storage import build_network  # noqa: E402

from pymonn import (  # noqa: E402
    EventRecorder,
    Network,
    NeuronGroup,
    Recorder,
    plot,  # noqa: E402
)
from pymonn import analysis as A  # noqa: E402
from pymonn.errors import ConfigurationError  # noqa: E402


@pytest.fixture(scope="module")
def net():
    net = Network(dt=0.5, seed=2)
    NeuronGroup(net, 80, {10: PoissonSpikes(rate=12.0), 90: EventRecorder("fired")}, tag="poisson")
    NeuronGroup(net, 20, {10: Regular(period=40), 90: EventRecorder("fired"), 91: Recorder(["v"])}, tag="regular")
    net.initialize()
    net.simulate_iterations(2000, progress=False)
    return net


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("plot functions must never call plt.show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def saved(fig, path):
    fig.savefig(path, dpi=80)
    assert path.exists() and path.stat().st_size > 2000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_raster_stacks_populations_in_colours(net, tmp_path):
    fig, ax = plt.subplots()
    arts = plot.raster(net, ax=ax)
    assert len(arts) == 2 and all(a.axes is ax for a in arts)
    pois, reg = (A.as_spike_trains(g) for g in (net.poisson, net.regular))
    off0, off1 = arts[0].get_offsets(), arts[1].get_offsets()
    assert len(off0) == len(pois) and len(off1) == len(reg)
    np.testing.assert_allclose(np.sort(off0[:, 1]), np.sort(pois.i))
    np.testing.assert_allclose(np.sort(off1[:, 1]), np.sort(reg.i + 80))  # stacked above the first
    assert not np.allclose(arts[0].get_facecolor()[0], arts[1].get_facecolor()[0])
    assert ax.get_ylim() == (-0.5, 99.5)
    saved(fig, tmp_path / "raster.png")
    one = plot.raster(net.regular, t_start=100, t_stop=200)  # ax=None: a new figure
    assert one[0].axes is not ax and len(one[0].get_offsets()) == len(reg.restrict(100, 200))


def test_rate_and_traces(net, tmp_path):
    fig, (a, b) = plt.subplots(2, 1)
    # the rate line against a count made here from the recorded spike times (right-closed 10 ms bins)
    spikes = net.poisson["EventRecorder", 0]["fired.t"]
    lows = np.arange(0.0, 1000.0, 10.0)
    counts = np.array([np.count_nonzero((spikes > lo) & (spikes <= lo + 10.0)) for lo in lows])
    raw = plot.rate(net.poisson, ax=a, bin_ms=10.0)
    assert raw[0].axes is a
    np.testing.assert_allclose(raw[0].get_xdata(), lows + 5.0)
    np.testing.assert_allclose(raw[0].get_ydata(), counts / (80 * 0.010))  # Hz per neuron
    assert np.mean(raw[0].get_ydata()) == pytest.approx(12.0, rel=0.1)  # the sources' rate
    smooth = plot.rate(net.poisson, ax=a, bin_ms=10.0, width_ms=20.0)[0].get_ydata()
    assert smooth.std() < 0.7 * raw[0].get_ydata().std()  # smoothing smooths ...
    assert smooth[10:-10].mean() == pytest.approx(raw[0].get_ydata()[10:-10].mean(), rel=0.03)  # ... keeping the mean
    assert len(plot.rate(net, ax=a, bin_ms=10.0)) == 2
    tr = plot.traces(net.regular, "v", neurons=[0, 3, 5], ax=b)
    assert len(tr) == 3 and tr[1].axes is b
    np.testing.assert_allclose(tr[1].get_ydata(), net.regular.behaviours[91]["v"][:, 3])
    assert b.get_ylabel() == "v (mV)"
    saved(fig, tmp_path / "rate_traces.png")


def test_weights_and_histograms(net, tmp_path):
    syn = build_network()
    syn.simulate_iterations(100, progress=False)
    fig, axes = plt.subplots(2, 3, figsize=(12, 6), layout="constrained")
    img = plot.weight_matrix(syn.ee, ax=axes[0, 0])
    assert img.axes is axes[0, 0]
    np.testing.assert_allclose(img.get_array(), syn.ee.W)
    bars = plot.weight_histogram(syn.ee, ax=axes[0, 1], bins=30)
    assert len(bars) == 30 and sum(p.get_height() for p in bars) == syn.ee.W.size
    isi = plot.isi_histogram(net.poisson, ax=axes[0, 2], bins=25)
    assert sum(p.get_height() for p in isi) == A.isi(net.poisson, pooled=True).size
    cv = plot.cv_histogram(net.poisson, ax=axes[1, 0])
    assert sum(p.get_height() for p in cv) == np.isfinite(A.cv_isi(net.poisson)).sum()
    spec = plot.spectrum(net.poisson, ax=axes[1, 1], bin_ms=1.0)
    assert spec[0].axes is axes[1, 1] and axes[1, 1].get_yscale() == "log"
    dense = plot.weight_matrix(np.eye(4), ax=axes[1, 2], colorbar=False)
    np.testing.assert_array_equal(dense.get_array(), np.eye(4))
    saved(fig, tmp_path / "weights.png")
    with pytest.raises(ConfigurationError, match="no variable 'G'"):
        plot.weight_matrix(syn.ee, variable="G")


def test_summary_of_a_whole_run(tmp_path):
    syn = build_network()
    syn.simulate_iterations(400, progress=False)
    fig = plot.summary(syn)
    assert len(fig.axes) == 6
    raster_ax, rate_ax, traces_ax, w_ax, isi_ax, cv_ax = fig.axes
    assert len(raster_ax.collections) == 1  # only 'exc' records spikes
    assert len(traces_ax.lines) == 5
    assert sum(p.get_height() for p in w_ax.patches) == syn.ee.W.size
    saved(fig, tmp_path / "summary.png")
    empty = Network(dt=1.0, seed=0)
    NeuronGroup(empty, 5, {10: Regular()})
    empty.initialize()
    empty.simulate_iterations(5, progress=False)
    fig = plot.summary(empty)
    assert "no spikes recorded" in fig.axes[0].texts[0].get_text()
    saved(fig, tmp_path / "empty_summary.png")


def test_raster_of_a_network_without_spike_recorders_says_so():
    empty = Network(dt=1.0, seed=0)
    NeuronGroup(empty, 5, {10: Regular()})
    empty.initialize()
    with pytest.raises(ConfigurationError, match="no neuron group records spikes"):
        plot.raster(empty)


def test_importing_plot_does_not_import_matplotlib():
    code = "import sys, pymonn, pymonn.plot, pymonn.analysis, pymonn.storage, pymonn.tables\n" \
           "print([m for m in ('matplotlib', 'pandas', 'neo', 'h5py', 'scipy') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
