"""LIF: analytic f-I curve, rheobase, exact refractory period, kernel twins, parameter errors."""

import numpy as np
import pytest
from pymonn.behaviours import LIF, ConstantCurrent
from pymonn.behaviours.neurons.lif import lif_step_numba, lif_step_numpy

from pymonn import ConfigurationError, EventRecorder, Network, NeuronGroup, Recorder

TAU, C, V_REST, V_TH, V_RESET, T_REF = 10.0, 250.0, -70.0, -55.0, -70.0, 2.0
GAIN = TAU / C  # mV per pA
RHEOBASE = (V_TH - V_REST) / GAIN  # 375 pA


def analytic_rate(current, t_ref=T_REF):
    """Firing rate (Hz) of the LIF for a constant current above rheobase."""
    v_inf = V_REST + GAIN * np.asarray(current)
    period = t_ref + TAU * np.log((v_inf - V_RESET) / (v_inf - V_TH))
    return 1000.0 / period


def test_f_i_curve_matches_analytic_formula(run_group, trains):
    currents = np.array([400.0, 500.0, 700.0, 1000.0, 2000.0])  # 13 .. 240 Hz
    _, g = run_group(5, {10: ConstantCurrent(amplitude=currents), 30: LIF()}, 500, dt=0.01)
    rates = np.array([1000.0 / np.mean(np.diff(t)) for t in trains(g)])
    expected = analytic_rate(currents)
    assert np.all(np.abs(rates / expected - 1) < 0.01), (rates, expected)
    # report: relative errors
    print("LIF f-I relative errors:", np.round(rates / expected - 1, 5))


def test_no_spike_at_or_below_rheobase(run_group, trains):
    currents = np.array([0.0, 0.5 * RHEOBASE, 0.99 * RHEOBASE, RHEOBASE, 1.02 * RHEOBASE])
    _, g = run_group(5, {10: ConstantCurrent(amplitude=currents), 30: LIF()}, 1000, dt=0.1)
    counts = [len(t) for t in trains(g)]
    assert counts[:4] == [0, 0, 0, 0]
    assert counts[4] > 0  # just above rheobase it fires, at the analytic rate
    assert 1000.0 / np.mean(np.diff(trains(g)[4])) == pytest.approx(analytic_rate(1.02 * RHEOBASE), rel=0.01)


def test_refractory_period_whole_steps_is_exact(run_group, spike_steps):
    # a current so strong that v crosses threshold in the first free step: ISI = t_ref + dt exactly
    _, g = run_group(1, {10: ConstantCurrent(amplitude=1e6), 30: LIF(t_ref=2.0)}, 100, dt=0.1,
                     record=["v"])
    it, _ = spike_steps(g)
    assert set(np.diff(it)) == {21}
    v = g["Recorder", 0]["v"][:, 0]
    for k in it[:-1]:  # k is 1-based; row k-1 is that step. Clamped at reset for 20 steps after each spike
        assert np.all(v[k - 1:k + 20] == V_RESET)


@pytest.mark.parametrize("t_ref", [2.05, 1.234, 0.0])
def test_refractory_period_exact_when_not_on_grid(t_ref):
    """The voltage trace equals the analytic solution at every step, including the step in
    which a refractory period that is not a multiple of dt ends."""
    dt, current = 0.1, 500.0
    net = Network(dt=dt, seed=0)
    g = NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=current), 30: LIF(t_ref=t_ref),
                             90: Recorder(["v", "fired"])})
    net.run(100, progress=False)
    v = g["Recorder", 0]["v"][:, 0]
    fired = g["Recorder", 0]["fired"][:, 0]
    t = np.arange(1, len(v) + 1) * dt
    v_inf = V_REST + GAIN * current
    spike_t = t[fired]
    assert len(spike_t) >= 5
    # analytic trajectory after each spike at t_s: v_reset until t_s + t_ref, then exponential relaxation
    for ts, tn in zip(spike_t[:-1], spike_t[1:], strict=True):
        seg = (t > ts) & (t < tn)
        free = np.maximum(t[seg] - ts - t_ref, 0.0)
        expected = v_inf + (V_RESET - v_inf) * np.exp(-free / TAU)
        np.testing.assert_allclose(v[seg], expected, rtol=0, atol=1e-9)
        # the next spike is in the first step whose analytic v reaches threshold
        free_next = tn - ts - t_ref
        assert v_inf + (V_RESET - v_inf) * np.exp(-free_next / TAU) >= V_TH
        assert v_inf + (V_RESET - v_inf) * np.exp(-(free_next - dt) / TAU) < V_TH


def test_r_instead_of_c_m_and_per_neuron_parameters(run_group, trains):
    currents = np.array([500.0, 500.0])
    # R = 40 MOhm equals tau_m / C_m = 10 / 250 GOhm; second neuron has a longer refractory period
    _, g = run_group(2, {10: ConstantCurrent(amplitude=currents), 30: LIF(R=40.0, t_ref=[2.0, 5.0])}, 500, dt=0.01)
    r = [1000.0 / np.mean(np.diff(t)) for t in trains(g)]
    assert r[0] == pytest.approx(analytic_rate(500.0, 2.0), rel=0.005)
    assert r[1] == pytest.approx(analytic_rate(500.0, 5.0), rel=0.005)


def _random_state(rng, n, dtype):
    v = rng.uniform(-75, -54, n).astype(dtype)
    current = rng.uniform(0, 2000, n).astype(dtype)
    ref = rng.integers(0, 4, n).astype(np.int32)
    return v, current, ref


@pytest.mark.parametrize("per_neuron", [False, True])
def test_numba_kernel_equals_numpy_twin_bit_for_bit(rng, per_neuron):
    n = 1000
    size = n if per_neuron else 1
    table = np.array([rng.uniform(-72, -68, size), rng.uniform(-75, -70, size), rng.uniform(-56, -54, size),
                      rng.uniform(0.03, 0.05, size), np.exp(-0.1 / rng.uniform(5, 20, size)),
                      np.exp(-0.05 / rng.uniform(5, 20, size))])
    n_ref = rng.integers(1, 30, size).astype(np.int32)
    v, current, ref = _random_state(rng, n, np.float64)
    a = [v.copy(), current, ref.copy(), np.zeros(n, bool)]
    b = [v.copy(), current, ref.copy(), np.zeros(n, bool)]
    for _ in range(50):
        lif_step_numba(*a, table, n_ref)
        lif_step_numpy(*b, table, n_ref)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[2], b[2]) and np.array_equal(a[3], b[3])
    assert a[3].any() or (a[2] > 0).any()


def test_backends_give_identical_networks():
    def run(backend):
        net = Network(dt=0.1, seed=3)
        g = NeuronGroup(net, 200, {10: ConstantCurrent(amplitude="uniform(300, 900)"),
                                   30: LIF(backend=backend, v="-70;-55", t_ref=2.5)})
        net.run(200, progress=False)
        return g.v.copy(), g.refractory.copy()

    (v1, r1), (v2, r2) = run("numba"), run("numpy")
    assert np.array_equal(v1, v2) and np.array_equal(r1, r2)


@pytest.mark.parametrize("kwargs, words", [
    (dict(tau_m=-1.0), ["LIF", "'g'", "tau_m", "positive"]),
    (dict(C_m=0.0), ["C_m", "positive"]),
    (dict(C_m=250.0, R=40.0), ["R", "C_m"]),
    (dict(v_reset=-50.0), ["v_reset", "below v_th"]),
    (dict(t_ref=-2.0), ["t_ref", "non-negative"]),
    (dict(tau_m=[10.0, 20.0, 30.0]), ["tau_m", "shape (2,)"]),
    (dict(v_th=float("nan")), ["v_th", "finite"]),
    (dict(backend="cuda"), ["backend", "numba"]),
])
def test_bad_parameters_raise_configuration_error(kwargs, words):
    net = Network(dt=0.1)
    NeuronGroup(net, 2, {30: LIF(**kwargs)}, tag="g")
    with pytest.raises(Exception) as info:
        net.initialize()
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    for w in words:
        assert w in str(err), (w, str(err))


def test_per_neuron_table_can_be_changed_neuron_by_neuron():
    net = Network(dt=0.1, seed=0)
    g = NeuronGroup(net, 2, {10: ConstantCurrent(amplitude=500.0), 30: LIF(per_neuron=True)}, tag="g")
    net.initialize()
    beh = g["LIF", 0]
    assert beh.P.shape[1] == 2 and beh.v_th.shape == (2,)
    beh.v_th[1] = -40.0  # above v_inf = -50: neuron 1 never fires
    fired = np.zeros(2, int)
    net.simulate_iterations(1000, progress=False, callback=lambda n: fired.__iadd__(g.fired))
    assert fired[0] > 0 and fired[1] == 0


def test_writing_behaviours_doc_example_runs():
    """The example of docs/writing_behaviours.md runs, and its threshold adaptation lowers the rate."""
    import pathlib
    import re

    doc = pathlib.Path(__file__).resolve().parents[2] / "docs" / "writing_behaviours.md"
    code = re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)[-1]
    code = code.replace("net.run('500ms')", "net.run('500ms', progress=False)")
    scope = {}
    exec(compile(code, str(doc), "exec"), scope)
    adapted = scope["g"]["EventRecorder", 0].count()
    net = Network(dt=0.1, seed=1)
    g = NeuronGroup(net, 10, {10: ConstantCurrent(amplitude="uniform(400, 800)"), 30: LIF(),
                              90: EventRecorder("fired")})
    net.run("500ms", progress=False)
    assert 0 < adapted < 0.9 * g["EventRecorder", 0].count()


def test_changing_tau_m_at_run_time_with_refresh():
    net = Network(dt=0.01, seed=0)
    g = NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=500.0), 30: LIF(), 90: EventRecorder("fired")}, tag="g")
    net.run(5, progress=False)
    beh = g["LIF", 0]
    beh.tau_m[:] = 20.0  # R = 0.04 GOhm stays, so v_inf stays -50 mV
    beh.refresh()
    net.run(300, progress=False)
    t = g["EventRecorder", 0]["fired.t"]
    period = np.mean(np.diff(t[t > 50]))
    assert period == pytest.approx(T_REF + 20.0 * np.log(20.0 / 5.0), rel=0.002)


def _recurrent_lif_run(swap_at=None, steps=400, fuse=True):
    """A small recurrent LIF net with exponential synapses; at ``swap_at`` the state arrays the
    kernels use are replaced by copies (new objects: the entry-point fast paths must notice)."""
    from pymonn.behaviours import ExponentialSynapse

    from pymonn import SynapseGroup

    net = Network(dt=0.1, seed=3)
    P = NeuronGroup(net, 60, {10: ConstantCurrent(amplitude="350;450"), 30: LIF(v="-70;-56", fuse_synapses=fuse),
                              90: EventRecorder("fired")})
    sg = SynapseGroup(net, P, P, behaviour={20: ExponentialSynapse(p=0.2, weight="uniform(-40, 60)", tau=5.0,
                                                                      tau_inh=10.0)})
    net.initialize()
    if swap_at is None:
        net.simulate_iterations(steps, progress=False)
    else:
        net.simulate_iterations(swap_at, progress=False)
        old = (P.v, P.fired, P.refractory, P.I)
        P.v, P.fired, P.refractory, P.I = (a.copy() for a in old)
        old[0][:] = np.nan  # a stale fast call would write into (or read) these
        old[1][:] = True
        net.simulate_iterations(steps - swap_at, progress=False)
        lif, syn = P["LIF", 0], sg["ExponentialSynapse", 0]
        if fuse:  # LIF runs the synapse's pass: the address tables follow the new arrays
            assert lif._fused is syn
            assert lif._held[0] is P.v and lif._held[1] is P.I and lif._held[3] is P.fired
            assert syn._held_fired is P.fired
        else:  # the fast paths re-armed on the new arrays
            assert lif._seen[0] is P.v and lif._seen[3] is P.fired
            assert syn._seen[0] is P.fired and syn._seen[1] is P.I
        assert np.all(np.isfinite(P.v))
    rec = P["EventRecorder", 0]
    return rec["fired.t"], rec["fired.i"]


@pytest.mark.parametrize("fuse", [True, False], ids=["fused", "separate"])
def test_fast_calls_follow_replaced_state_arrays(fuse):
    t0, i0 = _recurrent_lif_run(fuse=fuse)
    t1, i1 = _recurrent_lif_run(swap_at=150, fuse=fuse)
    assert t0.size > 50  # the network is active
    np.testing.assert_array_equal(t0, t1)
    np.testing.assert_array_equal(i0, i1)


def test_rest_and_reset_are_different_potentials():
    """v_rest = -65, v_reset = -75, v_th = -50 mV: an idle neuron rests at v_rest, a displaced one relaxes to
    it with tau_m, a driven one is set to v_reset after each spike and fires at the analytic period
    t_ref + tau ln((v_inf - v_reset) / (v_inf - v_th)); the defaults (equal values) could not tell them apart."""
    dt, tau, gain = 0.01, 10.0, 10.0 / 250.0
    net = Network(dt=dt, seed=0)
    g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=[0.0, 0.0, 500.0]),
                             30: LIF(v_rest=-65.0, v_reset=-75.0, v_th=-50.0, t_ref=2.0, v=[-65.0, -60.0, -65.0]),
                             90: Recorder(["v", "fired"])}, tag="g")
    net.run(300.0, progress=False)
    v, fired = g["Recorder", 0]["v"], g["Recorder", 0]["fired"]
    t = (np.arange(v.shape[0]) + 1) * dt
    assert np.all(v[:, 0] == -65.0)
    np.testing.assert_allclose(v[:, 1], -65.0 + 5.0 * np.exp(-t / tau), rtol=1e-12)
    spikes = np.flatnonzero(fired[:, 2])
    assert np.all(v[spikes, 2] == -75.0)  # set to v_reset in the step of the spike ...
    assert np.all(v[spikes + 1, 2] == -75.0)  # ... and held there while refractory
    v_inf = -65.0 + gain * 500.0
    period = 2.0 + tau * np.log((v_inf + 75.0) / (v_inf + 50.0))  # 19.9 ms
    assert np.mean(np.diff(spikes)) * dt == pytest.approx(period, abs=dt)
