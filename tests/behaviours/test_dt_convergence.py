"""Results converge as dt shrinks, for every library neuron model, input and synapse (issue 15, 11-12).

Each test runs the same network at dt = 0.1, 0.05 and 0.025 ms against a reference at a finer dt
and asserts that the error shrinks and ends below a stated tolerance. DeltaSynapse is per step by
design (its weight is a current for one step): its test shows that, and that the documented
conversion ``weight = q / dt`` converges.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from pymonn.behaviours import (
    LIF,
    AdEx,
    AlphaSynapse,
    ConductanceSynapse,
    ConstantCurrent,
    DeltaSynapse,
    ExponentialSynapse,
    HindmarshRose,
    HodgkinHuxley,
    Izhikevich,
    OUNoise,
    PoissonGroup,
    PoissonInput,
    SineCurrent,
    SpikeGenerator,
    SquarePulse,
    TimedSchedule,
)

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup

DTS = (0.1, 0.05, 0.025)


def spike_times(model, amplitude, duration, dt, size=1):
    net = Network(dt=dt, seed=1)
    g = NeuronGroup(net, size, {10: ConstantCurrent(amplitude=amplitude), 30: model(), 90: EventRecorder("fired")},
                    tag="g")
    net.run(duration, progress=False)
    rec = g["EventRecorder", 0]
    return rec["fired.t"][rec["fired.i"] == 0]


def converges(errors, tolerance):
    """Errors at dt = 0.1, 0.05, 0.025 (against the finest run): shrinking, the last below ``tolerance``."""
    assert errors[1] <= errors[0] + 1e-12 and errors[2] <= errors[1] + 1e-12, errors
    assert errors[2] <= tolerance, errors


# -- neuron models: spike times of one neuron under a constant current ---------------------------
MODELS = {  # model, drive, duration (ms), spikes compared, tolerance on their times at dt = 0.025 (ms)
    "LIF": (lambda: LIF(t_ref=2.0), 400.0, 200.0, 6, 0.15),  # (exact integration: times on the step grid)
    "Izhikevich": (lambda: Izhikevich(preset="RS"), 10.0, 300.0, 6, 2.0),
    "AdEx": (lambda: AdEx(preset="adapting"), 500.0, 300.0, 6, 2.0),
    "HodgkinHuxley": (lambda: HodgkinHuxley(), 10.0, 100.0, 6, 0.2),
    "HindmarshRose": (lambda: HindmarshRose(), 3.5, 400.0, 6, 1.0),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_single_neuron_spike_times_converge(name):
    model, drive, duration, n, tolerance = MODELS[name]
    reference = spike_times(model, drive, duration, 0.00625)
    assert len(reference) >= n
    errors = []
    for dt in DTS:
        t = spike_times(model, drive, duration, dt)
        assert len(t) >= n, (name, dt)
        errors.append(float(np.max(np.abs(t[:n] - reference[:n]))))
    converges(errors, tolerance)


# -- inputs: the charge delivered over a fixed time, and its statistics -----------------------------
def delivered(inputs, duration, dt, size=1, seed=3):
    net = Network(dt=dt, seed=seed)
    g = NeuronGroup(net, size, {**inputs, 30: LIF(), 90: Recorder(["I"])}, tag="g")
    net.run(duration, progress=False)
    return np.asarray(g["Recorder", 0]["I"], dtype=np.float64)  # (steps, size), pA per step


@pytest.mark.parametrize("make, exact", [
    (lambda: ConstantCurrent(amplitude=120.0), 120.0 * 50.0),
    (lambda: SquarePulse(start=3.33, end=27.77, amplitude=200.0), 200.0 * (27.77 - 3.33)),
    (lambda: TimedSchedule(times=[1.01, 10.07, 30.03], values=[50.0, -20.0, 10.0]),
     50.0 * (10.07 - 1.01) - 20.0 * (30.03 - 10.07) + 10.0 * (50.0 - 30.03)),
    (lambda: SineCurrent(amplitude=100.0, frequency=37.0, offset=10.0, phase=0.3),
     10.0 * 50.0 + 100.0 * (np.cos(0.3) - np.cos(2 * np.pi * 37.0 * 0.05 + 0.3)) / (2 * np.pi * 37.0 / 1000.0)),
])
def test_deterministic_inputs_deliver_the_exact_charge_at_every_dt(make, exact):
    for dt in DTS:
        charge = delivered({10: make()}, 50.0, dt).sum() * dt
        assert charge == pytest.approx(exact, rel=1e-9, abs=1e-6), dt


@pytest.mark.parametrize("dt", DTS)
def test_stochastic_inputs_have_dt_independent_statistics(dt):
    ou = delivered({10: OUNoise(mu=100.0, sigma=30.0, tau=5.0)}, 400.0, dt, size=200)
    assert ou.mean() == pytest.approx(100.0, abs=1.5)
    assert ou.std() == pytest.approx(30.0, rel=0.05)  # the stationary sigma, whatever dt
    poisson = delivered({10: PoissonInput(N=500, rate=40.0, weight=5.0)}, 100.0, dt, size=200)
    assert poisson.mean() == pytest.approx(500 * 0.04 * 5.0, rel=0.02)  # 100 pA
    window = int(round(1.0 / dt))  # the charge in 1 ms windows: Poisson, as in continuous time
    charge = poisson[: poisson.shape[0] // window * window].reshape(-1, window, 200).sum(axis=1) * dt
    assert charge.var() == pytest.approx(500 * 0.04 * 5.0**2, rel=0.06)


def population_rate(build, dt, duration=500.0):
    net = Network(dt=dt, seed=7)
    g = build(net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.run(duration, progress=False)
    rec = g["EventRecorder", 0]
    return rec.count() / g.size / (duration / 1000.0)


def test_poisson_driven_lif_population_rate_does_not_depend_on_dt():
    def build(net):
        return NeuronGroup(net, 400, {10: PoissonInput(N=1000, rate=8.0, weight=25.0),
                                      30: LIF(tau_m=20.0, C_m=250.0, v="-70;-55"), 90: EventRecorder("fired")}, tag="g")

    rates = [population_rate(build, dt) for dt in DTS]
    assert rates[0] > 5.0
    assert max(rates) / min(rates) < 1.08, rates  # (with the old per-step weight: 4x between 0.1 and 0.025)


def test_poisson_group_rate_does_not_depend_on_dt():
    def build(net):
        return NeuronGroup(net, 2000, {30: PoissonGroup(rate=12.0), 90: EventRecorder("fired")}, tag="g")

    for dt in DTS:
        assert population_rate(build, dt, 1000.0) == pytest.approx(12.0, rel=0.03)


# -- synapses: the response of one neuron to a few spikes ----------------------------------------------
SPIKES = [5.0, 8.0, 8.5, 20.0]  # on every dt's grid


def response(synapse, dt, record="v"):
    net = Network(dt=dt, seed=1)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0] * len(SPIKES), times=SPIKES)}, tag="src")
    dst = NeuronGroup(net, 1, {30: LIF(tau_m=20.0, C_m=250.0, v_th=0.0, v_reset=-80.0), 90: Recorder([record])},
                      tag="dst")
    SynapseGroup(net, src, dst, behaviour={20: synapse})
    net.run(60.0, progress=False)
    trace = np.asarray(dst["Recorder", 0][record])[:, 0]
    return np.interp(np.arange(1.0, 60.0, 0.5), np.arange(1, trace.size + 1) * dt, trace)  # on a common grid


@pytest.mark.parametrize("make, tolerance", [
    (lambda: ExponentialSynapse(weight=300.0, tau=5.0), 0.05),
    (lambda: ExponentialSynapse(weight=-300.0, tau=5.0, tau_inh=10.0), 0.05),
    (lambda: AlphaSynapse(weight=200.0, tau=2.0), 0.05),
    (lambda: AlphaSynapse(weight=-200.0, tau=2.0, tau_inh=4.0), 0.05),
    (lambda: ConductanceSynapse(weight=5.0, tau=5.0, E=0.0), 0.05),
])
def test_synaptic_responses_converge(make, tolerance):
    """The membrane potential (mV) of a neuron receiving four spikes, against dt = 0.00625."""
    reference = response(make(), 0.00625)
    assert np.ptp(reference) > 1.0  # the synapse moves v by millivolts
    errors = [float(np.max(np.abs(response(make(), dt) - reference))) for dt in DTS]
    converges(errors, tolerance * np.ptp(reference))


def test_delta_synapse_is_per_step_and_its_documented_conversion_converges():
    q = 250.0  # pA ms: a jump of about q / C_m = 1 mV per spike
    fixed = [np.ptp(response(DeltaSynapse(weight=q / 0.1), dt)) for dt in DTS]
    np.testing.assert_allclose(fixed, np.array(fixed[0]) * np.array(DTS) / 0.1, rtol=0.02)  # charge w * dt
    reference = response(DeltaSynapse(weight=q / 0.00625), 0.00625)
    decay = np.exp(-0.5 / 20.0)  # jumps of q / C_m = 1 mV at 5, 8 and 8.5 ms, seen at 9 ms
    assert np.ptp(reference) == pytest.approx((1 + decay + np.exp(-3.5 / 20.0)) * decay, rel=0.01)
    errors = [float(np.max(np.abs(response(DeltaSynapse(weight=q / dt), dt) - reference))) for dt in DTS]
    converges(errors, 0.08 * np.ptp(reference))


def test_recurrent_network_rate_converges():
    """A sparse excitatory-inhibitory LIF network with exponential synapses and Poisson drive."""
    def build(net):
        g = NeuronGroup(net, 300, {10: PoissonInput(N=800, rate=12.0, weight=20.0),
                                   30: LIF(tau_m=20.0, C_m=250.0, v="-70;-55"), 90: EventRecorder("fired")}, tag="g")
        SynapseGroup(net, g, g, behaviour={20: ExponentialSynapse(p=0.1, weight="uniform(-40, 40)", tau=5.0,
                                                                  tau_inh=10.0)})
        return g

    rates = [population_rate(build, dt) for dt in (*DTS, 0.0125)]
    assert rates[-1] > 5.0
    errors = [abs(r - rates[-1]) / rates[-1] for r in rates[:3]]  # (within the noise of different draws)
    assert max(errors) < 0.05, rates
