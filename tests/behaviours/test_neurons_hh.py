"""Hodgkin-Huxley: rest, rheobase of repetitive firing, f-I point, spike height, stability, twins."""

import numpy as np
import pytest
from pymonn.behaviours import ConstantCurrent, HodgkinHuxley, SquarePulse
from pymonn.behaviours.neurons.hodgkin_huxley import hh_rates, hh_step_numba, hh_step_numpy

from pymonn import ConfigurationError, EventRecorder, Network, NeuronGroup, Recorder


@pytest.fixture(scope="module")
def fi_run():
    """Constant currents 0 .. 10 uA/cm2 for 600 ms at dt = 0.025 ms."""
    currents = np.array([0.0, 6.0, 6.2, 6.3, 7.0, 10.0])
    net = Network(dt=0.025, seed=0)
    g = NeuronGroup(net, len(currents), {10: ConstantCurrent(amplitude=currents), 30: HodgkinHuxley(),
                                         90: EventRecorder("fired"), 91: Recorder(["v"], every=2)})
    net.run(600, progress=False)
    rec = g["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    return currents, [t[i == k] for k in range(len(currents))], g["Recorder", 0]["v"]


def test_rest_near_minus_65(fi_run):
    _, trains, v = fi_run
    assert len(trains[0]) == 0
    assert v[-1, 0] == pytest.approx(-65.0, abs=0.1)  # measured -64.996
    assert np.ptp(v[:, 0]) < 0.1  # it starts at rest and stays there


def test_repetitive_firing_begins_between_6_and_7(fi_run):
    currents, trains, _ = fi_run
    late = [t[t > 200.0] for t in trains]
    assert len(late[1]) == 0 and len(late[2]) == 0  # 6.0, 6.2: at most a transient onset spike
    assert len(late[3]) > 15 and len(late[4]) > 15  # 6.3, 7.0: sustained firing (measured onset 6.2-6.3)


def test_rate_at_10_ua_per_cm2_is_about_68_hz(fi_run):
    _, trains, _ = fi_run
    t = trains[5][trains[5] > 100.0]
    rate = 1000.0 / np.mean(np.diff(t))
    assert rate == pytest.approx(68.0, abs=2.0)  # measured 68.3 Hz


def test_spike_peak_above_30_mv(fi_run):
    _, _, v = fi_run
    assert v[:, 5].max() > 30.0  # measured +39.7 mV
    assert v[:, 5].min() > -80.0  # undershoot stays above E_K


def test_exponential_euler_stable_and_converged_at_dt_0025():
    """The rate at dt = 0.025 agrees with dt = 0.005 within 1%, and dt = 0.1 still gives a
    bounded, firing neuron (stability), with gates within [0, 1]."""
    rates = {}
    for dt in (0.005, 0.025, 0.1):
        net = Network(dt=dt, seed=0)
        g = NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=10.0), 30: HodgkinHuxley(), 90: EventRecorder()})
        net.run(300, progress=False)
        t = g["EventRecorder", 0]["fired.t"]
        rates[dt] = 1000.0 / np.mean(np.diff(t[t > 50]))
        assert np.isfinite(g.v).all() and 0 <= g.m.min() and g.h.max() <= 1 and g.n.max() <= 1
    assert rates[0.025] == pytest.approx(rates[0.005], rel=0.01)
    assert rates[0.1] == pytest.approx(rates[0.005], rel=0.10)


def test_rates_are_continuous_at_their_singular_points():
    v = np.array([-40.0 - 1e-9, -40.0, -40.0 + 1e-9, -55.0 - 1e-9, -55.0, -55.0 + 1e-9])
    am, _, _, _, an, _ = hh_rates(v)
    np.testing.assert_allclose(am[:3], 1.0, rtol=1e-6)  # limit 0.1 * 10
    np.testing.assert_allclose(an[3:], 0.1, rtol=1e-6)  # limit 0.01 * 10


def test_pulse_gives_single_spike_and_return_to_rest():
    net = Network(dt=0.025, seed=0)
    g = NeuronGroup(net, 1, {10: SquarePulse(start=10, end=11, amplitude=40.0), 30: HodgkinHuxley(),
                             90: EventRecorder()})
    net.run(100, progress=False)
    assert len(g["EventRecorder", 0]["fired.t"]) == 1
    assert g.v[0] == pytest.approx(-65.0, abs=0.5)


@pytest.mark.parametrize("per_neuron", [0, 1])
def test_numba_kernel_equals_numpy_twin(rng, per_neuron):
    n = 1000
    size = n if per_neuron else 1
    scale = rng.uniform(0.9, 1.1, size) if per_neuron else np.ones(1)
    table = np.array([1.0 * scale, 120.0 * scale, 36.0 * scale, 0.3 * scale, np.full(size, 50.0),
                      np.full(size, -77.0), np.full(size, -54.387), np.zeros(size)])
    v = rng.uniform(-80, 40, n)
    v[:4] = [-40.0, -55.0, -65.0, 0.0]
    m, h, nn = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    current = rng.uniform(0, 20, n)
    a = [v.copy(), m.copy(), h.copy(), nn.copy(), current, np.zeros(n, bool)]
    b = [v.copy(), m.copy(), h.copy(), nn.copy(), current, np.zeros(n, bool)]
    spiked = 0
    for _ in range(40):
        hh_step_numba(*a, table, 0.025)
        hh_step_numpy(*b, table, 0.025)
        assert np.array_equal(a[5], b[5])
        spiked += a[5].sum()
    assert spiked > 10
    for x, y in zip(a[:4], b[:4], strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs, words", [
    (dict(C=0.0), ["HodgkinHuxley", "'g'", "'C'", "positive"]),
    (dict(g_Na=-1.0), ["g_Na", "non-negative"]),
    (dict(m=1.5), ["'m'", "[0, 1]"]),
])
def test_bad_parameters_raise_configuration_error(kwargs, words):
    net = Network(dt=0.025)
    NeuronGroup(net, 2, {30: HodgkinHuxley(**kwargs)}, tag="g")
    with pytest.raises(Exception) as info:
        net.initialize()
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    for w in words:
        assert w in str(err), (w, str(err))
