"""Spike sources: PoissonGroup statistics and SpikeGenerator's exact step placement."""

import numpy as np
import pytest
from pymonn.behaviours import PoissonGroup, SpikeGenerator

from pymonn import ConfigurationError, EventRecorder, Network, NeuronGroup


def counts_of(group, steps):
    rec = group["EventRecorder", 0]
    return np.bincount(rec["fired.i"], minlength=group.size), rec


# sampling path (p = 0.002, N >= 4096), dense paths (p = 0.08; small N)
@pytest.mark.parametrize("rate, dt, n", [(20.0, 0.1, 8000), (800.0, 0.1, 2000), (20.0, 0.1, 2000)])
def test_poisson_counts_have_mean_and_variance_of_the_rate(rate, dt, n):
    steps = 2000
    net = Network(dt=dt, seed=11)
    g = NeuronGroup(net, n, {30: PoissonGroup(rate=rate), 90: EventRecorder()})
    net.simulate_iterations(steps, progress=False)
    counts, _ = counts_of(g, steps)
    p = rate * dt / 1000.0
    mean, var = steps * p, steps * p * (1 - p)
    # the total over 2000 independent neurons is within 4 standard errors of the mean
    assert abs(counts.mean() - mean) < 4 * np.sqrt(var / n)
    # binomial variance across neurons (Fano factor 1 - p), within 10%
    assert counts.var() / var == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("n", [1000, 8000])
def test_poisson_per_neuron_rates_and_independent_steps(n):
    steps, dt = 2000, 0.1
    half = n // 2
    rates = np.where(np.arange(n) < half, 5.0, 50.0)
    net = Network(dt=dt, seed=3)
    g = NeuronGroup(net, n, {30: PoissonGroup(rate=rates), 90: EventRecorder()})
    net.simulate_iterations(steps, progress=False)
    counts, rec = counts_of(g, steps)
    for lo, hi, r in ((0, half, 5.0), (half, n, 50.0)):
        expected = steps * r * dt / 1000.0
        assert abs(counts[lo:hi].mean() - expected) < 4 * np.sqrt(expected / half)
    # per-step population counts are uncorrelated from step to step
    pop = np.bincount(rec["fired.iteration"], minlength=steps + 1)[1:].astype(float)
    pop -= pop.mean()
    lag1 = np.dot(pop[:-1], pop[1:]) / np.dot(pop, pop)
    assert abs(lag1) < 4 / np.sqrt(steps)


def test_poisson_set_rate_and_zero_rate():
    net = Network(dt=0.1, seed=0)
    g = NeuronGroup(net, 100, {30: PoissonGroup(rate=0.0), 90: EventRecorder()})
    net.simulate_iterations(100, progress=False)
    assert g["EventRecorder", 0].count() == 0
    g["PoissonGroup", 0].set_rate(10000.0)  # p = 1: every neuron every step
    net.simulate_iterations(10, progress=False)
    assert g["EventRecorder", 0].count() == 1000


def test_poisson_is_reproducible_from_the_seed():
    def run(seed):
        net = Network(dt=0.1, seed=seed)
        g = NeuronGroup(net, 300, {30: PoissonGroup(rate="uniform(1, 30)"), 90: EventRecorder()})
        net.simulate_iterations(500, progress=False)
        return g["EventRecorder", 0]["fired"]

    assert np.array_equal(run(4), run(4)) and not np.array_equal(run(4), run(5))


@pytest.mark.parametrize("rate, words", [(-1.0, "non-negative"), (20000.0, "at most 10000 Hz"), ("x", "x"),
                                         (np.ones(3), "shape (10,)")])
def test_poisson_bad_rates(rate, words):
    net = Network(dt=0.1)
    NeuronGroup(net, 10, {30: PoissonGroup(rate=rate)}, tag="src")
    with pytest.raises(Exception) as info:
        net.simulate_iterations(1, progress=False)
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    assert "PoissonGroup" in str(err) and "'src'" in str(err) and words in str(err)


def test_spike_generator_places_spikes_on_exact_steps():
    dt = 0.1
    times = np.array([0.1, 0.3, 0.3, 1.0, 2.5, 7.7, 0.05000001])
    indices = np.array([0, 1, 2, 0, 1, 2, 1])
    net = Network(dt=dt, seed=0)
    g = NeuronGroup(net, 3, {30: SpikeGenerator(indices=indices, times=times), 90: EventRecorder()})
    net.run(10, progress=False)
    rec = g["EventRecorder", 0]
    got = sorted(zip(rec["fired.iteration"].tolist(), rec["fired.i"].tolist(), strict=True))
    want = sorted(zip(np.floor(times / dt + 0.5 + 1e-9).astype(int).tolist(), indices.tolist(), strict=True))
    assert got == want
    # on-grid times are recorded with exactly their time
    np.testing.assert_allclose(np.sort(rec["fired.t"]), np.sort(np.round(times / dt) * dt), atol=1e-12)
    assert rec["fired.iteration"][rec["fired.i"] == 2].tolist() == [3, 77]


def test_spike_generator_fired_is_cleared_between_spikes():
    net = Network(dt=1.0)
    g = NeuronGroup(net, 2, {30: SpikeGenerator(indices=[1], times=[2.0])})
    seen = []
    net.simulate_iterations(4, progress=False, callback=lambda n: seen.append(g.fired.copy()))
    assert [s.tolist() for s in seen] == [[False, False], [False, True], [False, False], [False, False]]


@pytest.mark.parametrize("kwargs, words", [
    (dict(indices=[0, 5], times=[1.0, 2.0]), "[0, 3)"),
    (dict(indices=[0], times=[1.0, 2.0]), "as long as times"),
    (dict(indices=[0, 0], times=[1.0, 1.0]), "one spike per neuron and step"),
    (dict(indices=[0], times=[0.01]), "at least dt/2"),
    (dict(indices=[0], times=[-1.0]), "non-negative"),
])
def test_spike_generator_errors(kwargs, words):
    net = Network(dt=0.1)
    NeuronGroup(net, 3, {30: SpikeGenerator(**kwargs)}, tag="src")
    with pytest.raises(Exception) as info:
        net.simulate_iterations(1, progress=False)
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    assert "SpikeGenerator" in str(err) and words in str(err), str(err)
