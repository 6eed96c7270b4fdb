"""Inputs deliver exactly the documented current at the documented steps."""

import numpy as np
import pytest
from pymonn.behaviours import ConstantCurrent, OUNoise, PoissonInput, SineCurrent, SquarePulse, TimedSchedule

from pymonn import Behaviour, ConfigurationError, Network, NeuronGroup, Recorder


class Probe(Behaviour):
    """Copy the accumulators after the inputs ran (key 25: after inputs and synapses)."""

    def initialize(self, n):
        self.names = self.parameter("names", ["I"])
        self.rows = {k: [] for k in self.names}

    def iteration(self, n):
        for k in self.names:
            self.rows[k].append(n.accumulator(k).copy())


def delivered(behaviours, steps, size=1, dt=0.1, seed=0, dtype=np.float64, names=("I",)):
    """(steps, size) arrays of what the inputs added in each step (row k-1 = iteration k)."""
    net = Network(dt=dt, seed=seed, dtype=dtype)
    probe = Probe(names=list(names))
    behaviours = dict(behaviours)
    behaviours[25] = probe
    NeuronGroup(net, size, behaviours, tag="g")
    net.simulate_iterations(steps, progress=False)
    out = {k: np.array(v) for k, v in probe.rows.items()}
    return out if len(names) > 1 else out[names[0]]


def test_constant_current_every_step_and_per_neuron():
    got = delivered({10: ConstantCurrent(amplitude=[1.5, -2.0, 300.0])}, 5, size=3)
    assert np.array_equal(got, np.tile([1.5, -2.0, 300.0], (5, 1)))


def test_inputs_sum_and_named_target():
    got = delivered({10: ConstantCurrent(amplitude=2.0), 11: ConstantCurrent(amplitude=3.0),
                     12: ConstantCurrent(amplitude=7.0, target="g_e")}, 3, names=("I", "g_e"))
    assert np.all(got["I"] == 5.0) and np.all(got["g_e"] == 7.0)


def test_square_pulse_covers_exactly_start_to_end():
    # steps k with start < k*dt <= end: 2.0 ms .. 3.0 ms at dt 0.1 -> iterations 21..30
    got = delivered({10: SquarePulse(start=2.0, end=3.0, amplitude=4.0)}, 50)[:, 0]
    on = np.flatnonzero(got) + 1
    assert on.tolist() == list(range(21, 31))
    assert np.all(got[on - 1] == 4.0)
    assert got.sum() * 0.1 == pytest.approx(4.0 * 1.0)  # charge = amplitude x duration


def test_square_pulse_edges_off_grid_deliver_the_exact_charge():
    got = delivered({10: SquarePulse(start=2.05, end=2.93, amplitude=10.0)}, 50)[:, 0]
    assert got[20] == pytest.approx(5.0)  # iteration 21 covers (2.0, 2.1]: half on
    assert got[29] == pytest.approx(3.0)  # iteration 30 covers (2.9, 3.0]: 0.03 of 0.1 on
    assert np.all(got[21:29] == 10.0) and got[:20].sum() == 0 and got[30:].sum() == 0
    assert got.sum() * 0.1 == pytest.approx(10.0 * 0.88)


def test_square_pulse_per_neuron_amplitude_and_strings():
    got = delivered({10: SquarePulse(start="1ms", end="2ms", amplitude=[1.0, 2.0])}, 30, size=2)
    assert np.array_equal(got[10:20], np.tile([1.0, 2.0], (10, 1)))
    assert got[:10].sum() == 0 and got[20:].sum() == 0


def test_timed_schedule_switches_at_given_times():
    times, values = [0.0, 1.0, 2.5], [3.0, -1.0, 0.5]
    got = delivered({10: TimedSchedule(times=times, values=values)}, 40, dt=0.1)[:, 0]
    k = np.arange(1, 41)
    expected = np.where(k <= 10, 3.0, np.where(k <= 25, -1.0, 0.5))
    assert np.array_equal(got, expected)


def test_timed_schedule_per_neuron_values_and_zero_before_first_time():
    got = delivered({10: TimedSchedule(times=[1.0, 2.0], values=[[1.0, 2.0], 5.0])}, 30, size=2, dt=0.1)
    assert got[:10].sum() == 0
    assert np.array_equal(got[10:20], np.tile([1.0, 2.0], (10, 1)))
    assert np.all(got[20:] == 5.0)


def test_sine_is_the_exact_step_mean():
    amp, f, phase, offset, dt = 3.0, 50.0, 0.3, 1.0, 0.1
    got = delivered({10: SineCurrent(amplitude=amp, frequency=f, phase=phase, offset=offset)}, 400, dt=dt)[:, 0]
    w = 2 * np.pi * f / 1000
    k = np.arange(1, 401)
    t0, t1 = (k - 1) * dt, k * dt
    np.testing.assert_allclose(got, offset + amp * (np.cos(w * t0 + phase) - np.cos(w * t1 + phase)) / (w * dt),
                               rtol=1e-12, atol=1e-12)
    # close to the sine at mid-step, and the mean over whole periods is the offset
    np.testing.assert_allclose(got, offset + amp * np.sin(w * (t0 + t1) / 2 + phase), atol=amp * (w * dt) ** 2)
    assert got[:200].mean() == pytest.approx(offset, abs=1e-12)  # 200 steps = one 20 ms period


def test_ou_noise_statistics_and_exact_update():
    mu, sigma, tau, dt = 5.0, 2.0, 4.0, 0.5
    steps, n = 4000, 200
    got = delivered({10: OUNoise(mu=mu, sigma=sigma, tau=tau)}, steps, size=n, dt=dt, seed=2)
    assert got.mean() == pytest.approx(mu, abs=0.05)
    assert got.std() == pytest.approx(sigma, rel=0.03)
    for lag in (1, 4, 8):  # autocorrelation exp(-lag dt / tau), stationary from step 1
        x = got - mu
        rho = np.mean(x[:-lag] * x[lag:]) / np.mean(x * x)
        assert rho == pytest.approx(np.exp(-lag * dt / tau), abs=0.02)


def test_ou_noise_update_rule_with_known_draws():
    """The process follows x_k = mu + (x_{k-1} - mu) e + sigma sqrt(1 - e^2) xi_k with xi from net.rng."""
    mu, sigma, tau, dt = 1.0, 0.5, 3.0, 0.1
    net = Network(dt=dt, seed=9)
    g = NeuronGroup(net, 4, {10: OUNoise(mu=mu, sigma=sigma, tau=tau, start="mean"), 25: Probe()}, tag="g")
    net.initialize()
    ou = g["OUNoise", 0]
    assert np.all(ou.x == mu)
    replay = np.random.default_rng(9)
    e = np.exp(-dt / tau)
    x = np.full(4, mu)
    for _ in range(20):
        net.simulate_iterations(1, progress=False)
        x = mu + (x - mu) * e + sigma * np.sqrt(1 - e * e) * replay.standard_normal(4)
        np.testing.assert_allclose(g["Probe", 0].rows["I"][-1], x, rtol=1e-12)


def test_poisson_input_mean_and_variance():
    """weight is the charge of one spike (pA ms): the current of a step is weight * spikes / dt."""
    n_inputs, rate, weight, dt = 100, 20.0, 2.0, 0.1
    got = delivered({10: PoissonInput(N=n_inputs, rate=rate, weight=weight)}, 5000, size=100, dt=dt, seed=4)
    p = rate * dt / 1000
    spikes = got * dt / weight
    np.testing.assert_allclose(spikes, np.round(spikes), atol=1e-9)  # whole spikes only
    assert got.mean() == pytest.approx(n_inputs * rate / 1000 * weight, rel=0.02)  # 4 pA at any dt
    assert got.var() == pytest.approx(n_inputs * p * (1 - p) * (weight / dt) ** 2, rel=0.03)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.025])
def test_poisson_input_mean_current_does_not_depend_on_dt(dt):
    """The issue's case: N = 1000, 80 Hz, weight 10 pA ms gives 800 pA of mean current at every dt
    (it gave 80, 40 and 20 pA when each spike added its weight for one step)."""
    got = delivered({10: PoissonInput(N=1000, rate=80.0, weight=10.0)}, int(round(200 / dt)), size=50, dt=dt, seed=2)
    assert got.mean() == pytest.approx(800.0, rel=0.01)
    charge_sd = got.std() * dt  # charge per step: its variance scales with dt, as a Poisson count's
    assert charge_sd == pytest.approx(np.sqrt(1000 * 0.08 * dt) * 10.0, rel=0.03)


def test_poisson_input_per_neuron_rates():
    got = delivered({10: PoissonInput(N=50, rate=[0.0, 100.0], weight=1.0)}, 4000, size=2, dt=0.1, seed=1)
    assert got[:, 0].sum() == 0
    assert got[:, 1].mean() == pytest.approx(50 * 100.0 / 1000 * 1.0, rel=0.05)


def test_recorder_sees_the_step_input():
    net = Network(dt=1.0, seed=0)
    g = NeuronGroup(net, 1, {10: SquarePulse(start=2, end=4, amplitude=1.0), 90: Recorder(["I"])}, tag="g")
    net.simulate_iterations(6, progress=False)
    assert g["Recorder", 0]["I"][:, 0].tolist() == [0, 0, 1, 1, 0, 0]


def test_float16_inputs_add_in_network_dtype():
    got = delivered({10: SineCurrent(amplitude=1.0, frequency=10.0), 11: OUNoise(sigma=1.0)}, 100, size=10,
                    dtype=np.float16)
    assert got.dtype == np.float16 and np.isfinite(got).all()


@pytest.mark.parametrize("behaviour, words", [
    (lambda: ConstantCurrent(), "needs the parameter 'amplitude'"),
    (lambda: ConstantCurrent(amplitude=[1.0, 2.0, 3.0]), "shape (2,)"),
    (lambda: ConstantCurrent(amplitude="gauss(1)"), "parameter 'amplitude'"),
    (lambda: ConstantCurrent(amplitude=1.0, target="not a name"), "'target'"),
    (lambda: SquarePulse(start=5, end=2, amplitude=1.0), "after start"),
    (lambda: SquarePulse(start="5 parsecs", end=6, amplitude=1.0), "'start'"),
    (lambda: TimedSchedule(times=[0, 2, 1], values=[1, 2, 3]), "strictly increasing"),
    (lambda: TimedSchedule(times=[0, 1], values=[1]), "2 values"),
    (lambda: SineCurrent(amplitude=1.0, frequency=0.0), "positive"),
    (lambda: OUNoise(sigma=-1.0), "non-negative"),
    (lambda: OUNoise(sigma=1.0, tau=0.0), "positive time"),
    (lambda: OUNoise(sigma=1.0, start="zero"), "'stationary' or 'mean'"),
    (lambda: PoissonInput(N=0, rate=1.0, weight=1.0), "positive int"),
    (lambda: PoissonInput(N=10, rate=20000.0, weight=1.0), "at most 10000 Hz"),
])
def test_bad_parameters_raise_configuration_error(behaviour, words):
    net = Network(dt=0.1)
    NeuronGroup(net, 2, {10: behaviour()}, tag="g")
    with pytest.raises(Exception) as info:
        net.initialize()
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    assert words in str(err), str(err)
    assert "'g'" in str(err) or "needs the parameter" in str(err)
