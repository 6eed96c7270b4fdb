"""pymonn.analysis: every statistic against a hand-computed case and against known processes."""

import numpy as np
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder
from pymonn import analysis as A
from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError


class PoissonSpikes(Behaviour):
    """Bernoulli approximation of a Poisson process: p = rate * dt per step."""

    def initialize(self, n):
        self.p = self.parameter("rate", 20.0) * n.network.dt * 1e-3
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.fired[:] = n.rng.random(n.size) < self.p


class Regular(Behaviour):
    """Neuron k fires on every step divisible by `period`, shifted by k."""

    def initialize(self, n):
        self.period = self.parameter("period", 10)
        n.fired = n.vector(bool)
        n.v = n.vector(0.0)

    def iteration(self, n):
        n.fired[:] = (n.iteration + np.arange(n.size)) % self.period == 0
        n.v = np.where(n.fired, 1.0, n.v * 0.5)


# -- hand-computed case --------------------------------------------------------------------------
T = np.array([1.0, 3.0, 6.0, 10.0, 2.0, 5.0])
IDX = np.array([0, 0, 0, 0, 1, 1])


def hand():
    return A.as_spike_trains((T, IDX), n=3, t_stop=10.0)


def test_rates_counts_and_isi_by_hand():
    st = hand()
    assert st.n == 3 and len(st) == 6
    np.testing.assert_allclose(A.firing_rates(st), [400.0, 200.0, 0.0])
    assert A.mean_rate(st) == pytest.approx(6 / (3 * 0.010))
    edges, counts = A.spike_counts(st, 5.0)
    np.testing.assert_allclose(edges, [0, 5, 10])
    # right-closed bins: the spike at t=5 belongs to (0, 5], the one at 10 to (5, 10]
    np.testing.assert_array_equal(counts, [[2, 2], [2, 0], [0, 0]])
    intervals = A.isi(st)
    np.testing.assert_allclose(intervals[0], [2, 3, 4])
    np.testing.assert_allclose(intervals[1], [3])
    assert intervals[2].size == 0
    np.testing.assert_allclose(A.isi(st, pooled=True), [2, 3, 4, 3])
    cv = A.cv_isi(st)
    assert cv[0] == pytest.approx(np.sqrt(2 / 3) / 3)
    assert np.isnan(cv[1]) and np.isnan(cv[2])  # fewer than 2 intervals
    assert A.cv_isi(st, min_intervals=1)[1] == 0.0


def test_fano_and_population_rate_by_hand():
    st = hand()
    ff = A.fano_factor(st, 5.0)
    assert ff[0] == 0.0 and ff[1] == pytest.approx(1.0) and np.isnan(ff[2])
    # across trains: counts (4, 2, 0): var 8/3, mean 2
    assert A.fano_factor_trials(st) == pytest.approx((8 / 3) / 2)
    t, rate = A.population_rate(st, 5.0)
    np.testing.assert_allclose(t, [2.5, 7.5])
    np.testing.assert_allclose(rate, [4 / (3 * 0.005), 2 / (3 * 0.005)])
    # the window restricts: only (5, 10]
    np.testing.assert_allclose(A.firing_rates(st.restrict(5.0, 10.0)), [400.0, 0.0, 0.0])
    np.testing.assert_allclose(A.firing_rates(st.restrict(neurons=[1])), [200.0])


def test_psth_with_triggers_by_hand():
    # two neurons, triggers at 10 and 30 ms; spikes 2 ms and 6 ms after the first, 2 ms after the second
    st = A.as_spike_trains((np.array([12.0, 16.0, 32.0, 25.0]), np.array([0, 1, 0, 1])), n=2, t_stop=50.0)
    t, rate = A.psth(st, bin_ms=4.0, triggers=[10.0, 30.0], window=(4.0, 8.0))
    np.testing.assert_allclose(t, [-2, 2, 6])
    # counts per bin: (-4,0]: 25-30=-5 -> out; (0,4]: 2, 2 -> 2; (4,8]: 6 -> 1; rate = c / (2 neurons * 2 trig * 4 ms)
    np.testing.assert_allclose(rate, np.array([0, 2, 1]) / (2 * 2 * 4e-3))


def test_correlation_matrix_matches_numpy_corrcoef():
    rng = np.random.default_rng(3)
    t = rng.uniform(0, 1000, 600)
    i = rng.integers(0, 6, 600)
    shared = rng.uniform(0, 1000, 80)  # neurons 0 and 1 share 80 spikes
    t = np.concatenate([t, shared, shared + 0.1])
    i = np.concatenate([i, np.zeros(80, int), np.ones(80, int)])
    st = A.as_spike_trains((t, i), n=7, t_stop=1000.0)
    _, counts = A.spike_counts(st, 10.0)
    c = A.correlation_matrix(st, 10.0)
    np.testing.assert_allclose(c[:6, :6], np.corrcoef(counts[:6]), atol=1e-12)
    assert np.all(np.isnan(c[6])) and np.all(np.isnan(c[:, 6]))  # silent neuron
    assert c[0, 1] > 0.3 and abs(c[2, 3]) < 0.2
    off = c[:6, :6][~np.eye(6, dtype=bool)]
    assert A.mean_pairwise_correlation(st, 10.0) == pytest.approx(off.mean())


def test_smoothing_kernels_keep_mass_and_constants():
    x = np.zeros(101)
    x[50] = 1.0
    for kernel in ("gaussian", "box", "exponential"):
        y = A.smooth(x, 1.0, 3.0, kernel)
        assert y.sum() == pytest.approx(1.0, rel=1e-6), kernel
        np.testing.assert_allclose(A.smooth(np.full(40, 7.0), 1.0, 5.0, kernel), 7.0)
    y = A.smooth(x, 1.0, 3.0, "exponential")
    assert np.all(y[:50] == 0) and y[50] > y[51] > y[52]  # causal
    assert y[51] / y[50] == pytest.approx(np.exp(-1 / 3))
    g = A.smooth(x, 0.5, 2.0, "gaussian")  # sigma = 4 samples
    lags = np.arange(101) - 50
    assert np.sum(g * lags ** 2) == pytest.approx(16.0, rel=1e-3)
    with pytest.raises(ConfigurationError, match="kernel"):
        A.smooth(x, 1.0, 3.0, "triangle")


def test_membrane_stats_and_chi_by_hand():
    x = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])
    s = A.membrane_stats(x, dt=0.5)
    np.testing.assert_allclose(s["mean"], [2.0, 1.0])
    np.testing.assert_allclose(s["std"], [np.sqrt(8 / 3), 0.0])
    np.testing.assert_allclose(s["mean_trace"], [0.5, 1.5, 2.5])
    np.testing.assert_allclose(s["t"], [0.5, 1.0, 1.5])
    assert s["population_mean"] == pytest.approx(1.5)
    # chi^2 = var(mean trace) / mean(var_i) = (2/3) / ((8/3 + 0) / 2) = 1/2
    assert A.synchrony_chi(x, dt=0.5) == pytest.approx(np.sqrt(0.5))
    same = np.tile(np.sin(np.linspace(0, 10, 200))[:, None], (1, 5))
    assert A.synchrony_chi(same, dt=1.0) == pytest.approx(1.0)
    noise = np.random.default_rng(0).normal(size=(5000, 100))
    assert A.synchrony_chi(noise, dt=1.0) == pytest.approx(0.1, abs=0.02)


def test_power_spectrum_of_a_sine_peaks_at_its_frequency_and_obeys_parseval():
    dt = 1.0  # ms -> fs = 1 kHz
    t = np.arange(2000) * dt
    x = 3.0 * np.sin(2 * np.pi * 40.0 * t / 1000.0) + 1.0
    f, p = A.power_spectrum(x, dt)
    assert f[np.argmax(p)] == pytest.approx(40.0)
    assert f[-1] == pytest.approx(500.0)
    assert p.sum() * (f[1] - f[0]) == pytest.approx(np.var(x), rel=1e-9)  # Parseval
    fw, pw = A.power_spectrum(x, dt, segment_ms=500.0)
    assert fw[np.argmax(pw)] == pytest.approx(40.0)
    assert pw.sum() * (fw[1] - fw[0]) == pytest.approx(np.var(x), rel=0.05)


def test_power_spectrum_of_modulated_poisson_population():
    rng = np.random.default_rng(1)
    dt, steps, n = 1.0, 4000, 200
    t = (np.arange(steps) + 1) * dt
    rate = 20.0 * (1 + 0.8 * np.sin(2 * np.pi * 25.0 * t / 1000.0))  # Hz
    raster = rng.random((steps, n)) < (rate * dt * 1e-3)[:, None]
    f, p = A.power_spectrum(raster, dt=dt)  # a boolean array is spikes: population rate spectrum
    assert f[np.argmax(p[1:]) + 1] == pytest.approx(25.0, abs=0.5)


# -- known processes simulated by the network ------------------------------------------------------
@pytest.fixture(scope="module")
def poisson_net():
    net = Network(dt=0.5, seed=11)
    NeuronGroup(net, 60, {10: PoissonSpikes(rate=20.0), 90: EventRecorder("fired"), 91: Recorder(["fired"])},
                tag="poisson")
    net.initialize()
    net.simulate_iterations(40_000, progress=False)  # 20 s
    return net


def test_poisson_rates_cv_and_fano(poisson_net):
    g = poisson_net.poisson
    p = 20.0 * 0.5e-3
    rates = A.firing_rates(g)
    assert rates.mean() == pytest.approx(20.0, rel=0.03)
    cv = A.cv_isi(g)
    # discrete-time Poisson (Bernoulli per step): ISIs are geometric, CV = sqrt(1 - p)
    assert np.nanmean(cv) == pytest.approx(np.sqrt(1 - p), abs=0.03)
    ff = A.fano_factor(g, window_ms=100.0)
    assert np.nanmean(ff) == pytest.approx(1 - p, abs=0.05)
    assert A.mean_pairwise_correlation(g, 5.0) == pytest.approx(0.0, abs=0.01)
    assert A.spike_synchrony(g, bin_ms=1.0, width_ms=5.0) < 0.25


def test_event_and_dense_recorders_give_the_same_spike_trains(poisson_net):
    g = poisson_net.poisson
    ev = A.as_spike_trains(g.behaviours[90])
    dense = A.as_spike_trains(g.behaviours[91])
    assert ev.t_stop == dense.t_stop == pytest.approx(20_000.0) and ev.t_start == dense.t_start == 0.0
    assert ev.dt == 0.5
    a = np.lexsort((ev.i, ev.t))
    b = np.lexsort((dense.i, dense.t))
    np.testing.assert_array_equal(ev.t[a], dense.t[b])
    np.testing.assert_array_equal(ev.i[a], dense.i[b])
    np.testing.assert_allclose(A.firing_rates(ev), A.firing_rates(dense))
    # and the (spikes, 2) array the recorder returns
    st = A.as_spike_trains(g.behaviours[90]["fired"], n=60, t_stop=20_000.0)
    np.testing.assert_allclose(A.firing_rates(st), A.firing_rates(ev))


def test_regular_train_has_cv_zero_and_membrane_stats():
    net = Network(dt=0.1, seed=1)
    NeuronGroup(net, 4, {10: Regular(period=10), 90: EventRecorder("fired"), 91: Recorder(["v"])}, tag="reg")
    net.initialize()
    net.simulate_iterations(1000, progress=False)
    g = net.reg
    np.testing.assert_allclose(A.cv_isi(g), 0.0, atol=1e-9)
    np.testing.assert_allclose(A.firing_rates(g), 1000.0)  # one spike per ms
    np.testing.assert_allclose(A.fano_factor(g, window_ms=5.0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.concatenate(A.isi(g)), 1.0)
    t, r = A.population_rate(g, bin_ms=1.0)
    np.testing.assert_allclose(r, 1000.0)
    assert t[0] == pytest.approx(0.5)
    s = A.membrane_stats(g)
    v = g.behaviours[91]["v"]
    np.testing.assert_allclose(s["mean"], v.mean(axis=0))
    np.testing.assert_allclose(s["max"], 1.0)
    np.testing.assert_allclose(s["t"], np.arange(1, 1001) * 0.1)
    # a list of per-neuron trains gives the same rates
    trains = A.as_spike_trains(g).trains()
    np.testing.assert_allclose(A.firing_rates(trains, t_stop=100.0), 1000.0)


def test_synchronous_spikes_have_chi_one():
    raster = np.zeros((500, 10), dtype=bool)
    raster[::25] = True  # every neuron fires together
    assert A.spike_synchrony(raster, dt=1.0, bin_ms=1.0, width_ms=2.0) == pytest.approx(1.0)


def test_bad_sources_raise_configuration_errors():
    with pytest.raises(ConfigurationError, match="t_stop"):
        A.firing_rates((T, IDX))
    with pytest.raises(ConfigurationError, match="dt"):
        A.as_spike_trains(np.zeros((5, 3), dtype=bool))
    with pytest.raises(ConfigurationError, match="cannot read spikes"):
        A.firing_rates("fired")
    with pytest.raises(ConfigurationError, match=r"\[0, 1\)"):
        A.as_spike_trains((T, IDX), n=1, t_stop=10.0)
    with pytest.raises(ConfigurationError, match="bin_ms"):
        A.spike_counts(hand(), 0.0)
    net = Network(dt=1.0, seed=0)
    g = NeuronGroup(net, 3, {10: Regular()}, tag="quiet")
    net.initialize()
    with pytest.raises(ConfigurationError, match="NeuronGroup 'quiet' has no EventRecorder"):
        A.firing_rates(g)
    with pytest.raises(ConfigurationError, match="no Recorder of 'v'"):
        A.membrane_stats(g)
