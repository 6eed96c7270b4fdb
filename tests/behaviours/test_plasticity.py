"""Plasticity: the STDP window, additive vs multiplicative, triplet frequency dependence, normalisation,
homeostasis, dense == sparse, numba == numpy."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pymonn.behaviours import LIF, ConstantCurrent, PoissonGroup, SpikeGenerator
from pymonn.behaviours.connectivity import CSR, fixed_probability
from pymonn.behaviours.plasticity import STDP, IntrinsicHomeostasis, SynapticNormalization, TripletSTDP
from pymonn.behaviours.plasticity import stdp as stdp_module
from pymonn.behaviours.plasticity import triplet as triplet_module
from pymonn.behaviours.plasticity.normalization import weight_sums
from pymonn.behaviours.plasticity.triplet import TRIPLET_PRESETS
from pymonn.behaviours.synapses import DeltaSynapse

from pymonn import BehaviourError, ConfigurationError, EventRecorder, Network, NeuronGroup, SynapseGroup


def _init_error(net, match):
    with pytest.raises(BehaviourError) as info:
        net.initialize()
    cause = info.value.__cause__
    assert isinstance(cause, ConfigurationError), cause
    assert re.search(match, str(cause)), str(cause)


# -- the pair STDP window ----------------------------------------------------------------------------
def _window(rule, dts, mode="dense", w0=0.5, t0=150.0, dt=0.1, steps=3000):
    """One pre and one post spike per synapse, post at t0 and pre at t0 - dts[k]; returns dw."""
    w0 = np.broadcast_to(np.asarray(w0, dtype=float), dts.shape)
    net = Network(dt=dt, seed=0)
    pre = NeuronGroup(net, dts.size, {30: SpikeGenerator(indices=np.arange(dts.size), times=t0 - dts)})
    post = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0], times=[t0])})
    sg = SynapseGroup(net, pre, post, behaviour={40: rule(i=np.arange(dts.size), j=np.zeros(dts.size, dtype=int),
                                                          weight=w0, mode=mode)})
    net.initialize()
    net.simulate_iterations(steps, progress=False)
    W = sg.W.ravel() if mode == "dense" else sg.csr.to_dense().ravel()
    return W - w0


@pytest.mark.parametrize("mode", ["dense", "sparse"])
@pytest.mark.parametrize("params", [
    dict(A_plus=0.005, A_minus=0.00525, tau_plus=20.0, tau_minus=20.0),  # Song et al. 2000
    dict(A_plus=0.01, A_minus=0.004, tau_plus=16.8, tau_minus=33.7),      # asymmetric
])
def test_stdp_window_reproduces_amplitudes_and_time_constants(mode, params):
    w_max = 2.0
    dts = np.concatenate([-np.arange(1.0, 101.0, 3.0), np.arange(1.0, 101.0, 3.0)])  # ms, t_post - t_pre
    dw = _window(lambda **kw: STDP(w_max=w_max, **params, **kw), dts, mode=mode)
    pos, neg = dts > 0, dts < 0
    assert np.all(dw[pos] > 0) and np.all(dw[neg] < 0)
    slope_p, icpt_p = np.polyfit(dts[pos], np.log(dw[pos]), 1)
    slope_m, icpt_m = np.polyfit(-dts[neg], np.log(-dw[neg]), 1)
    fitted = dict(tau_plus=-1 / slope_p, A_plus=np.exp(icpt_p) / w_max, tau_minus=-1 / slope_m,
                  A_minus=np.exp(icpt_m) / w_max)
    for name, value in fitted.items():
        assert value == pytest.approx(params[name], rel=1e-6), name  # the issue asks for 5%


def test_stdp_coincident_spikes_potentiate_by_a_plus():
    dw = _window(lambda **kw: STDP(**kw), np.array([0.0]))
    assert dw[0] == pytest.approx(0.005)


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_multiplicative_depression_scales_with_the_weight(mode):
    w0 = np.array([0.2, 0.4, 0.8, 0.2, 0.4, 0.8])
    dts = np.array([-10.0, -10.0, -10.0, 10.0, 10.0, 10.0])
    mult = _window(lambda **kw: STDP(weight_dependence="multiplicative", **kw), dts, mode=mode, w0=w0)
    add = _window(lambda **kw: STDP(weight_dependence="additive", **kw), dts, mode=mode, w0=w0)
    dep_m, dep_a = mult[:3], add[:3]
    np.testing.assert_allclose(dep_m / w0[:3], dep_m[0] / w0[0], rtol=1e-9)  # proportional to w
    np.testing.assert_allclose(dep_m, -0.00525 * w0[:3] * np.exp(-10 / 20), rtol=1e-9)
    np.testing.assert_allclose(dep_a, dep_a[0], rtol=1e-9)  # independent of w
    np.testing.assert_allclose(dep_a, -0.00525 * np.exp(-10 / 20), rtol=1e-9)
    np.testing.assert_allclose(mult[3:], add[3:], rtol=1e-12)  # potentiation is additive in both
    np.testing.assert_allclose(add[3:], 0.005 * np.exp(-10 / 20), rtol=1e-9)


def test_weights_stay_within_bounds():
    net = Network(dt=0.1, seed=1)
    pre = NeuronGroup(net, 50, {30: PoissonGroup(rate=50.0)})
    post = NeuronGroup(net, 20, {30: PoissonGroup(rate=50.0)})
    sg = SynapseGroup(net, pre, post, behaviour={40: STDP(weight="uniform(0.4, 0.6)", A_plus=0.2, A_minus=0.3)})
    net.initialize()
    net.simulate_iterations(2000, progress=False)
    assert sg.W.min() == 0.0 and sg.W.max() == 1.0  # reached, never crossed


def test_initial_weights_outside_the_bounds_are_refused():
    net = Network(seed=0)
    a = NeuronGroup(net, 5, {30: PoissonGroup(rate=1.0)})
    SynapseGroup(net, a, a, behaviour={40: STDP(weight=2.0, w_max=1.0)})
    _init_error(net, r"STDP on SynapseGroup.*outside the bounds \[w_min, w_max\] = \[0, 1\]")


@pytest.mark.parametrize("kwargs, match", [
    ({"tau_plus": 0}, "'tau_plus' must be a positive number of ms"),
    ({"weight_dependence": "soft"}, "'weight_dependence' must be 'additive' or 'multiplicative'"),
    ({"w_max": -1.0}, "'w_max' must be larger than w_min"),
    ({"A_minus": -0.1}, "'A_minus' must be a non-negative number"),
])
def test_stdp_parameter_errors(kwargs, match):
    net = Network(seed=0)
    a = NeuronGroup(net, 5, {30: PoissonGroup(rate=1.0)})
    SynapseGroup(net, a, a, behaviour={40: STDP(weight=0.0, **kwargs)})
    _init_error(net, match)


# -- dense == sparse and numba == numpy over a random run ---------------------------------------------
def _plastic_run(rule_factory, mode, backend="numba", seed=4):
    net = Network(dt=0.1, seed=seed)
    pre = NeuronGroup(net, 120, {30: PoissonGroup(rate=30.0)})
    post = NeuronGroup(net, 40, {30: PoissonGroup(rate=20.0)})
    rng = np.random.default_rng(9)
    indptr, indices = fixed_probability(120, 40, 0.3, rng)
    csr = CSR(indptr, indices, rng.uniform(0.2, 0.8, indices.size), 120, 40)
    sg = SynapseGroup(net, pre, post, behaviour={40: rule_factory(W=csr, mode=mode, backend=backend)})
    net.initialize()
    net.simulate_iterations(3000, progress=False)
    return sg.W if mode == "dense" else sg.csr.to_dense(), sg


RULES = {
    "additive": lambda **kw: STDP(A_plus=0.01, A_minus=0.012, **kw),
    "multiplicative": lambda **kw: STDP(weight_dependence="multiplicative", A_plus=0.01, A_minus=0.02, **kw),
    "nearest": lambda **kw: STDP(nearest=True, A_plus=0.01, A_minus=0.012, **kw),
    "triplet": lambda **kw: TripletSTDP(**kw),
    "triplet-nearest": lambda **kw: TripletSTDP(interaction="nearest", **kw),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_dense_and_sparse_plasticity_agree_exactly(rule):
    Wd, sgd = _plastic_run(RULES[rule], "dense")
    Ws, sgs = _plastic_run(RULES[rule], "sparse")
    mask = sgd.mask
    assert np.abs(Wd[mask] - 0.5).mean() > 0.01  # weights really moved
    np.testing.assert_array_equal(Wd, Ws)
    assert np.all(Wd[~mask] == 0)  # absent synapses stay absent


@pytest.mark.parametrize("mode", ["dense", "sparse"])
@pytest.mark.parametrize("rule", ["additive", "multiplicative", "triplet"])
def test_numpy_twin_gives_the_same_weights(rule, mode):
    Wa, _ = _plastic_run(RULES[rule], mode, backend="numba")
    Wb, _ = _plastic_run(RULES[rule], mode, backend="numpy")
    np.testing.assert_array_equal(Wa, Wb)


def _kernel_args(sparse, rng, kind):
    n_src, n_dst = 70, 30
    indptr, indices = fixed_probability(n_src, n_dst, 0.4, rng)
    csr = CSR(indptr, indices, rng.uniform(0, 1, indices.size), n_src, n_dst)
    pre, post = rng.random(n_src) < 0.3, rng.random(n_dst) < 0.3
    conn = (csr.indptr, csr.indices, csr.data) + csr.post_index() if sparse else (csr.to_dense(), csr.mask())
    scratch = np.zeros(n_src, dtype=np.int64)
    if kind == "stdp":
        traces = (rng.random(n_src), rng.random(n_dst))
        return (pre, post, scratch) + conn + traces + (np.array([0.99, 0.98, 0.01, 0.012, 0.012, 0.0, 1.0]), 1)
    traces = (rng.random(n_src), rng.random(n_src), rng.random(n_dst), rng.random(n_dst))
    p = np.array([0.99, 0.995, 0.98, 0.97, 1e-3, 6e-3, 7e-3, 2e-4, 0.0, 1.0])
    return (pre, post, scratch) + conn + traces + (p, False)


@pytest.mark.parametrize("kind, module", [("stdp", stdp_module), ("triplet", triplet_module)])
@pytest.mark.parametrize("sparse", [True, False])
def test_numba_kernels_match_numpy_twins(kind, module, sparse):
    a = _kernel_args(sparse, np.random.default_rng(3), kind)
    b = _kernel_args(sparse, np.random.default_rng(3), kind)
    module.KERNELS[("numba", sparse)](*a)
    module.KERNELS[("numpy", sparse)](*b)
    for pos, (x, y) in enumerate(zip(a, b, strict=True)):
        if isinstance(x, np.ndarray) and pos != 2:  # 2: scratch
            np.testing.assert_array_equal(x, y)


# -- triplet STDP: frequency dependence, against an event-by-event reference --------------------------
def _triplet_reference(pre_times, post_times, w0, p, nearest):
    """The triplet rule evaluated spike by spike with exact exponentials (pre before post on ties)."""
    events = sorted([(t, 0) for t in pre_times] + [(t, 1) for t in post_times])
    r1 = r2 = o1 = o2 = 0.0
    last = 0.0
    w = w0
    for t, kind in events:
        d = t - last
        r1 *= np.exp(-d / p["tau_plus"])
        r2 *= np.exp(-d / p["tau_x"])
        o1 *= np.exp(-d / p["tau_minus"])
        o2 *= np.exp(-d / p["tau_y"])
        last = t
        if kind == 0:
            w = min(max(w - o1 * (p["A2_minus"] + p["A3_minus"] * r2), 0.0), W_MAX)
            r1, r2 = (1.0, 1.0) if nearest else (r1 + 1, r2 + 1)
        else:
            w = min(max(w + r1 * (p["A2_plus"] + p["A3_plus"] * o2), 0.0), W_MAX)
            o1, o2 = (1.0, 1.0) if nearest else (o1 + 1, o2 + 1)
    return w


FREQS = [1.0, 5.0, 10.0, 20.0, 40.0, 50.0]
W_MAX = 3.0  # loose bounds: with w0 = 1 the changes read as fractions, as in Pfister & Gerstner's Fig. 5


def _pairing_protocol(interaction, dt=0.5, pairings=60, w0=1.0):
    """60 pairings at each frequency, dt_s = +10 ms and -10 ms, one synapse per protocol."""
    protocols = [(f, s) for f in FREQS for s in (10.0, -10.0)]
    pre_i, pre_t, post_i, post_t = [], [], [], []
    for k, (f, s) in enumerate(protocols):
        starts = 20.0 + np.arange(pairings) * 1000.0 / f
        pre_i += [k] * pairings
        pre_t += list(starts)
        post_i += [k] * pairings
        post_t += list(starts + s)
    duration = max(max(pre_t), max(post_t)) + 200.0
    net = Network(dt=dt, seed=0)
    pre = NeuronGroup(net, len(protocols), {30: SpikeGenerator(indices=pre_i, times=np.array(pre_t) + 20.0)})
    post = NeuronGroup(net, len(protocols), {30: SpikeGenerator(indices=post_i, times=np.array(post_t) + 20.0)})
    n = len(protocols)
    sg = SynapseGroup(net, pre, post, behaviour={40: TripletSTDP(i=np.arange(n), j=np.arange(n), weight=w0,
                                                                 w_max=W_MAX, interaction=interaction)})
    net.initialize()
    net.run(duration, progress=False)
    dw = sg.csr.data[np.argsort(sg.csr.sources())] - w0
    ref = []
    for f, s in protocols:
        starts = 20.0 + np.arange(pairings) * 1000.0 / f + 20.0
        ref.append(_triplet_reference(starts, starts + s, w0, TRIPLET_PRESETS[interaction],
                                      interaction == "nearest") - w0)
    return protocols, dw, np.array(ref)


@pytest.mark.parametrize("interaction", ["all_to_all", "nearest"])
def test_triplet_frequency_dependence(interaction):
    protocols, dw, ref = _pairing_protocol(interaction)
    np.testing.assert_allclose(dw, ref, rtol=1e-6, atol=1e-12)  # the rule, spike by spike
    table = {p: d for p, d in zip(protocols, dw, strict=True)}
    ltp = [table[(f, 10.0)] for f in FREQS]
    # pre-before-post pairing: potentiation grows with frequency (Sjostrom et al. 2001; P&G 2006 Fig. 5)
    assert table[(20.0, 10.0)] > table[(1.0, 10.0)]
    assert table[(20.0, 10.0)] > 0
    assert all(b >= a for a, b in zip(ltp, ltp[1:], strict=False))
    # post-before-pre pairing: depression at low frequency, potentiation at 50 Hz
    assert table[(1.0, -10.0)] < 0
    assert table[(50.0, -10.0)] > 0


# -- synaptic normalisation ----------------------------------------------------------------------------
@pytest.mark.parametrize("direction", ["afferent", "efferent"])
@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_normalisation_keeps_sums_while_stdp_changes_weights(mode, direction):
    net = Network(dt=0.1, seed=5)
    pre = NeuronGroup(net, 80, {30: PoissonGroup(rate=40.0)})
    post = NeuronGroup(net, 30, {30: PoissonGroup(rate=40.0)})
    sg = SynapseGroup(net, pre, post, behaviour={
        20: DeltaSynapse(p=0.3, weight="uniform(0.0, 0.1)", mode=mode),
        40: STDP(A_plus=0.05, A_minus=0.06, w_max=10.0),
        45: SynapticNormalization(target=2.5, direction=direction)})
    net.initialize()
    before = weight_sums(sg, direction)
    np.testing.assert_allclose(before[before > 0], 2.5, rtol=1e-12)  # normalised at initialize
    W0 = (sg.W if mode == "dense" else sg.csr.data).copy()
    for _ in range(5):
        net.simulate_iterations(200, progress=False)
        sums = weight_sums(sg, direction)
        np.testing.assert_allclose(sums[sums > 0], 2.5, rtol=1e-12)
    W1 = sg.W if mode == "dense" else sg.csr.data
    assert np.abs(W1 - W0).max() > 1e-3  # STDP did change the individual weights


def test_normalisation_every_n_steps():
    net = Network(dt=0.1, seed=5)
    a = NeuronGroup(net, 20, {30: PoissonGroup(rate=100.0)})
    sg = SynapseGroup(net, a, a, behaviour={40: STDP(weight="uniform(0, 0.1)", A_plus=0.05, A_minus=0.0),
                                            45: SynapticNormalization(target=1.0, every=10)})
    net.initialize()
    off_steps = 0
    for _ in range(100):
        net.simulate_iterations(1, progress=False)
        sums = weight_sums(sg, "afferent")
        if net.iteration % 10 == 0:
            np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
        elif not np.allclose(sums, 1.0):
            off_steps += 1  # STDP moved them in between
    assert off_steps > 20


# -- intrinsic homeostasis ---------------------------------------------------------------------------
def _rates(currents, homeostasis, settle_ms, measure_ms):
    net = Network(dt=0.5, seed=0)
    b = {10: ConstantCurrent(amplitude=currents), 30: LIF(), 90: EventRecorder("fired")}
    if homeostasis is not None:
        b[25] = homeostasis
    g = NeuronGroup(net, currents.size, b)
    net.initialize()
    net.run(settle_ms, progress=False)
    g["EventRecorder", 0].clear()
    net.run(measure_ms, progress=False)
    return np.bincount(g["EventRecorder", 0]["fired.i"], minlength=g.size) / (measure_ms / 1000.0), g


def test_homeostasis_moves_rates_toward_the_target():
    target = 10.0
    currents = np.linspace(250.0, 700.0, 10)  # LIF rheobase is 375 pA: silent ... about 100 Hz
    free, _ = _rates(currents, None, 0.0, 2000.0)
    early, _ = _rates(currents, IntrinsicHomeostasis(target_rate=target, eta=20.0, tau=500.0), 0.0, 500.0)
    late, g = _rates(currents, IntrinsicHomeostasis(target_rate=target, eta=20.0, tau=500.0), 6000.0, 2000.0)
    err_free, err_early, err_late = (np.abs(r - target).mean() for r in (free, early, late))
    assert free[0] == 0 and free[-1] > 80  # without homeostasis: silent ... fast
    assert err_free > 30
    assert err_late < err_early < err_free  # moving toward the target over time
    assert np.all(np.abs(late - target) <= 1.5)
    assert g.I_homeostasis[0] > 0 > g.I_homeostasis[-1]  # silent neurons pushed up, fast ones down
    assert abs(float(g.rate_estimate.mean()) - target) < 1.0


@pytest.mark.parametrize("mode", ["dense", "sparse"])
@pytest.mark.parametrize("nearest", [False, True])
def test_nearest_spike_pairing_resets_the_traces(mode, nearest):
    """Pre spikes at t0 - 10 and t0 - 4 ms, a post spike at t0: all-to-all pairs both pre spikes with the
    post spike, nearest-spike only the later one (its trace is set to 1, not incremented); the post
    spike then depresses against the later pre... (no pre after post here, so only potentiation)."""
    A_plus, tau, w_max, w0, t0 = 0.01, 20.0, 1.0, 0.5, 100.0
    net = Network(dt=0.1, seed=0)
    pre = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0, 0], times=[t0 - 10.0, t0 - 4.0])})
    post = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0, 0], times=[t0, t0 + 3.0])})
    sg = SynapseGroup(net, pre, post, behaviour={40: STDP(i=[0], j=[0], weight=np.array([w0]), mode=mode,
                                                          A_plus=A_plus, A_minus=0.0, tau_plus=tau, w_max=w_max,
                                                          nearest=nearest)})
    net.initialize()
    net.simulate_iterations(1500, progress=False)
    w = float(sg.W.ravel()[0]) if mode == "dense" else float(sg.csr.data[0])
    first = np.exp(-4.0 / tau) + (0.0 if nearest else np.exp(-10.0 / tau))  # pre trace at t0
    second = np.exp(-7.0 / tau) + (0.0 if nearest else np.exp(-13.0 / tau))  # and at t0 + 3
    assert w - w0 == pytest.approx(A_plus * w_max * (first + second), rel=1e-9)
