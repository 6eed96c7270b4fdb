"""Synaptic transmission: sparse == dense bit for bit, delays, kernel shapes, COBA sign, twins, validation."""

# ruff: noqa: E741  (I is the input current)

from __future__ import annotations

import re

import numpy as np
import pytest
from pymonn.behaviours import LIF, PoissonGroup, SpikeGenerator
from pymonn.behaviours.connectivity import CSR, fixed_probability
from pymonn.behaviours.synapses import (
    AlphaSynapse,
    ConductanceSynapse,
    DeltaSynapse,
    ExponentialSynapse,
    alpha,
    conductance,
    delta,
    exponential,
)
from pymonn.behaviours.synapses._propagation import fired_indices, fired_indices_numpy

from pymonn import (
    Behaviour,
    BehaviourError,
    ConfigurationError,
    EventRecorder,
    Network,
    NeuronGroup,
    Recorder,
    SynapseGroup,
)


def _init_error(net, match):
    """initialize() must fail with a ConfigurationError (wrapped in BehaviourError) matching ``match``."""
    with pytest.raises(BehaviourError) as info:
        net.initialize()
    cause = info.value.__cause__
    assert isinstance(cause, ConfigurationError), cause
    assert re.search(match, str(cause)), str(cause)


class Clamp(Behaviour):
    """Test helper: holds ``v`` at given values and never fires."""

    def initialize(self, n):
        n.v = n.vector(self.parameter("v", -65.0))
        n.fired = n.vector(bool)


def _csr(n_src, n_dst, p, seed, weight_low, weight_high):
    rng = np.random.default_rng(seed)
    indptr, indices = fixed_probability(n_src, n_dst, p, rng)
    data = rng.uniform(weight_low, weight_high, indices.size)
    return CSR(indptr, indices, data, n_src, n_dst)


KINDS = {
    "delta": (DeltaSynapse, {}, (-60.0, 120.0)),
    "exponential": (ExponentialSynapse, {"tau": 5.0, "tau_inh": 10.0}, (-15.0, 30.0)),
    "alpha": (AlphaSynapse, {"tau": 2.0, "tau_inh": 4.0}, (-10.0, 20.0)),
    "conductance": (ConductanceSynapse, {"tau": 5.0, "E": 0.0}, (0.0, 0.4)),
}


def _recurrent_run(kind, mode, delays, backend="numba", steps=1500, recurrent=True):
    cls, params, (lo, hi) = KINDS[kind]
    net = Network(dt=0.1, seed=7)
    drive = NeuronGroup(net, 80, {30: PoissonGroup(rate=60.0)}, tag="drive")
    P = NeuronGroup(net, 250, {30: LIF(v="-70;-56"), 90: EventRecorder("fired"), 91: Recorder(["v"])}, tag="P")
    feed = _csr(80, 250, 0.25, 1, 0.0, 130.0)
    SynapseGroup(net, drive, P, tag="feed", behaviour={20: ExponentialSynapse(W=feed, tau=5.0)})
    rec = _csr(250, 250, 0.1, 2, lo, hi)
    extra = dict(params)
    if delays:
        extra["delay"] = np.random.default_rng(3).integers(0, 25, rec.nnz)
    if recurrent:
        W = rec if mode == "sparse" else rec
        SynapseGroup(net, P, P, tag="rec", behaviour={21: cls(W=W, mode=mode, backend=backend, **extra)})
    net.initialize()
    net.simulate_iterations(steps, progress=False)
    r = P["EventRecorder", 0]
    return r["fired.iteration"], r["fired.i"], P["Recorder", 0]["v"]


@pytest.mark.parametrize("delays", [False, True], ids=["no-delay", "delays"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_sparse_and_dense_give_identical_spike_trains(kind, delays):
    it_s, i_s, v_s = _recurrent_run(kind, "sparse", delays)
    it_d, i_d, v_d = _recurrent_run(kind, "dense", delays)
    assert it_s.size > 500  # an active network
    np.testing.assert_array_equal(it_s, it_d)
    np.testing.assert_array_equal(i_s, i_d)
    assert np.array_equal(v_s, v_d)  # membrane potentials bit for bit, not just spikes
    # ... and the recurrent synapses matter (the comparison is not vacuous)
    it_0, i_0, _ = _recurrent_run(kind, "sparse", delays, recurrent=False)
    assert it_0.size != it_s.size or not np.array_equal(i_0, i_s)


@pytest.mark.parametrize("kind", ["exponential", "conductance"])
def test_numpy_backend_gives_the_same_spike_trains(kind):
    it_a, i_a, v_a = _recurrent_run(kind, "sparse", True, backend="numba", steps=800)
    it_b, i_b, v_b = _recurrent_run(kind, "sparse", True, backend="numpy", steps=800)
    np.testing.assert_array_equal(it_a, it_b)
    np.testing.assert_array_equal(i_a, i_b)
    assert np.array_equal(v_a, v_b)


# -- delays -----------------------------------------------------------------------------------------
def _single_spike_response(cls, mode, delay_per_dst, steps=60, spike_step=5, weight=1.0, **params):
    """One source spike at ``spike_step``; destination j gets it through a synapse of delay d_j."""
    n_dst = len(delay_per_dst)
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 2, {30: SpikeGenerator(indices=[1], times=[spike_step * 0.1])}, tag="src")
    dst = NeuronGroup(net, n_dst, {25: Clamp(v=-65.0), 90: Recorder(["I"])}, tag="dst")
    i = np.ones(n_dst, dtype=np.int64)
    j = np.arange(n_dst)
    SynapseGroup(net, src, dst, behaviour={20: cls(i=i, j=j, weight=weight, delay=np.asarray(delay_per_dst),
                                                   mode=mode, **params)})
    net.initialize()
    net.simulate_iterations(steps, progress=False)
    return dst["Recorder", 0]["I"], dst["Recorder", 0].iterations


@pytest.mark.parametrize("mode", ["sparse", "dense"])
def test_delay_of_d_steps_delivers_exactly_d_steps_later(mode):
    delays = [0, 1, 2, 5, 17, 0, 33]
    I, iters = _single_spike_response(DeltaSynapse, mode, delays, spike_step=5)
    for j, d in enumerate(delays):
        hit = iters[np.flatnonzero(I[:, j])]
        # fired in step 5 -> read by the synapses in step 6 -> delivered d steps after that
        assert hit.tolist() == [5 + 1 + d], (j, d, hit)
        assert I[5 + d, j] == 1.0  # row index = iteration - 1


def test_delay_ring_buffer_wraps_over_many_spikes():
    """Spike trains longer than the buffer: every spike arrives exactly d steps later."""
    d = 7
    times = np.arange(1, 40) * 0.1 * 3  # every third step, for longer than the buffer (8 slots)
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=np.zeros(times.size, dtype=int), times=times)})
    dst = NeuronGroup(net, 1, {25: Clamp(), 90: Recorder(["I"])})
    SynapseGroup(net, src, dst, behaviour={20: DeltaSynapse(weight=1.0, delay=d, mode="sparse")})
    net.initialize()
    net.simulate_iterations(200, progress=False)
    I = dst["Recorder", 0]["I"][:, 0]
    arrivals = np.flatnonzero(I) + 1
    np.testing.assert_array_equal(arrivals, np.round(times / 0.1).astype(int) + 1 + d)


@pytest.mark.parametrize("mode", ["sparse", "dense"])
def test_integer_delay_arrays_give_the_float_arrays_delays_as_the_groups_own_copy(mode):
    """Whole-number arrays skip the float check path (memory at 300 million synapses) with the same result."""
    def delays_of(values):
        net = Network(dt=0.1, seed=0)
        g = NeuronGroup(net, 30, {30: LIF()})
        size = 30 * 30 if mode == "dense" else None
        W = CSR.from_dense(np.ones((30, 30))) if mode == "sparse" else None
        shape = (30, 30) if mode == "dense" else (W.nnz,)
        arr = np.resize(values, size or W.nnz).reshape(shape)
        rule = {"W": W} if mode == "sparse" else {}
        sg = SynapseGroup(net, g, g, behaviour={20: ExponentialSynapse(mode=mode, delay=arr, **rule)})
        net.initialize()
        return sg.delay, arr
    ints, given = delays_of(np.arange(300, dtype=np.int16) % 40)
    floats, _ = delays_of((np.arange(300) % 40).astype(np.float64))
    assert ints.dtype == np.uint8 and floats.dtype == np.uint8
    np.testing.assert_array_equal(ints, floats)
    given[...] = 7  # the group's delays are its own
    assert ints.max() == 39
    with pytest.raises(BehaviourError, match="non-negative"):
        delays_of(np.arange(300, dtype=np.int32) - 1)


def test_copy_false_makes_the_given_csr_weights_and_delays_the_groups_own():
    def build(copy):
        net = Network(dt=0.1, seed=0)
        g = NeuronGroup(net, 20, {30: LIF()})
        W = CSR.from_dense(np.full((20, 20), 2.0))
        delay = np.full(W.nnz, 3, dtype=np.uint8)
        extra = {} if copy is None else {"copy": copy}
        sg = SynapseGroup(net, g, g, behaviour={20: ExponentialSynapse(W=W, delay=delay, **extra)})
        net.initialize()
        return sg, W, delay
    for copy in (None, True):  # the default copies
        sg, W, delay = build(copy)
        assert not np.shares_memory(sg.W, W.data) and not np.shares_memory(sg.delay, delay)
        np.testing.assert_array_equal(sg.W, W.data)
    sg, W, delay = build(False)
    assert np.shares_memory(sg.W, W.data) and sg.delay is delay
    with pytest.raises(BehaviourError, match="'copy'.*True or False"):
        build("no")


# -- kernel shapes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["sparse", "dense"])
def test_exponential_kernel_decays_with_tau(mode):
    tau, dt, w = 5.0, 0.1, 2.5
    I, _ = _single_spike_response(ExponentialSynapse, mode, [0, 3], steps=200, weight=w, tau=tau)
    trace = I[5:, 0]  # arrives in step 6 (row 5)
    k = np.arange(trace.size)
    # each step carries the exact mean of w exp(-t/tau) over that step
    mean = w * (np.exp(-k * dt / tau) - np.exp(-(k + 1) * dt / tau)) * tau / dt
    np.testing.assert_allclose(trace, mean, rtol=1e-12)
    # the fitted decay constant
    slope = np.polyfit(k[:100] * dt, np.log(trace[:100]), 1)[0]
    assert abs(-1.0 / slope - tau) < 1e-9
    # the delayed copy is the same curve shifted by 3 steps
    np.testing.assert_allclose(I[8:, 1], trace[: trace.size - 3], rtol=1e-12)
    assert np.all(I[:8, 1] == 0)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("kind", ["exponential", "alpha", "conductance"])
@pytest.mark.parametrize("dt", [0.1, 0.05, 0.5])
@pytest.mark.parametrize("tau", [0.5, 5.0])
def test_charge_per_spike_is_exact(tau, dt, kind, backend):
    """Total charge of one spike, sum(I) dt: w tau (exponential), e w tau (alpha), w tau (E - v)
    (conductance, v clamped at -65 mV), to 1e-9."""
    w = 2.5
    net = Network(dt=dt, seed=0)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0], times=[5 * dt])})
    dst = NeuronGroup(net, 1, {25: Clamp(), 90: Recorder(["I"])})
    cls, expected = {"exponential": (ExponentialSynapse, w * tau), "alpha": (AlphaSynapse, np.e * w * tau),
                     "conductance": (ConductanceSynapse, w * tau * 65.0)}[kind]
    SynapseGroup(net, src, dst, behaviour={20: cls(weight=w, tau=tau, backend=backend)})
    net.initialize()
    steps = int(60 * tau / dt) + 20  # the current has decayed below 1e-20 of its peak
    net.simulate_iterations(steps, progress=False)
    I = dst["Recorder", 0]["I"][:, 0]
    assert I[:5].sum() == 0 and I[5] > 0  # delivered from the arrival step on
    assert abs(I.sum() * dt - expected) <= 1e-9 * expected
    # the old step-sampled delivery would be off by much more than this tolerance
    a = np.exp(-dt / tau)
    assert abs(w * dt / (1 - a) - w * tau) > 1e-4 * w * tau


def _alpha_step_means(w, tau, dt, k):
    """Exact mean of w (t/tau) exp(1 - t/tau) over the steps [k dt, (k + 1) dt]."""
    F = lambda t: -np.e * w * (t + tau) * np.exp(-t / tau)  # noqa: E731  (its antiderivative)
    return (F((k + 1) * dt) - F(k * dt)) / dt


@pytest.mark.parametrize("mode", ["sparse", "dense"])
def test_alpha_kernel_peaks_at_tau_with_peak_w(mode):
    tau, dt, w = 2.0, 0.1, 3.0
    I, _ = _single_spike_response(AlphaSynapse, mode, [0], steps=300, weight=w, tau=tau)
    trace = I[5:, 0]
    k = np.arange(trace.size)
    np.testing.assert_allclose(trace, _alpha_step_means(w, tau, dt, k), rtol=1e-10, atol=1e-14)
    # the steps next to the peak at t = tau average over it: the largest step mean is just below w
    assert k[np.argmax(trace)] in (round(tau / dt) - 1, round(tau / dt))
    assert trace.max() == pytest.approx(w, rel=(dt / tau) ** 2)
    assert trace.max() < w
    assert 0 < trace[0] < np.e * w * dt / (2 * tau)  # the arrival step: the mean of the rising start
    assert np.all(I[:5, 0] == 0)


def test_alpha_peak_time_follows_tau():
    for tau in (0.5, 1.0, 3.7):
        I, _ = _single_spike_response(AlphaSynapse, "sparse", [0], steps=400, weight=1.0, tau=tau)
        trace = I[5:, 0]
        k = np.arange(trace.size)
        expected = np.argmax(_alpha_step_means(1.0, tau, 0.1, k))
        assert np.argmax(trace) == expected
        assert abs((expected + 0.5) * 0.1 - tau) <= 0.05 + 1e-12  # the step straddling t = tau


def test_sign_split_uses_two_time_constants():
    """With tau_inh, a negative weight decays with tau_inh, a positive one with tau."""
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 2, {30: SpikeGenerator(indices=[0, 1], times=[0.5, 0.5])})
    dst = NeuronGroup(net, 2, {25: Clamp(), 90: Recorder(["I"])})
    sg = SynapseGroup(net, src, dst, behaviour={20: ExponentialSynapse(
        i=[0, 1], j=[0, 1], weight=np.array([2.0, -3.0]), tau=5.0, tau_inh=10.0)})
    net.initialize()
    net.simulate_iterations(100, progress=False)
    I = dst["Recorder", 0]["I"]
    k = np.arange(I.shape[0] - 5)
    f_e, f_i = 5.0 * -np.expm1(-0.1 / 5.0) / 0.1, 10.0 * -np.expm1(-0.1 / 10.0) / 0.1  # step-mean factors
    np.testing.assert_allclose(I[5:, 0], 2.0 * f_e * np.exp(-k * 0.1 / 5.0), rtol=1e-12)
    np.testing.assert_allclose(I[5:, 1], -3.0 * f_i * np.exp(-k * 0.1 / 10.0), rtol=1e-12)
    assert sg.I_syn_inh[1] < 0 and sg.I_syn_inh[0] == 0


# -- conductance ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("E", [0.0, -80.0])
def test_conductance_current_sign_and_reversal(E):
    v = np.array([-90.0, -80.0, -65.0, 0.0, 20.0])
    w, tau = 1.5, 5.0
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0], times=[0.5])})
    dst = NeuronGroup(net, v.size, {25: Clamp(v=v), 90: Recorder(["I"])})
    sg = SynapseGroup(net, src, dst, behaviour={20: ConductanceSynapse(weight=w, tau=tau, E=E)})
    net.initialize()
    net.simulate_iterations(50, progress=False)
    I = dst["Recorder", 0]["I"]
    k = np.arange(I.shape[0] - 5)
    g = w * np.exp(-k * 0.1 / tau) * tau * -np.expm1(-0.1 / tau) / 0.1  # the step's mean conductance
    np.testing.assert_allclose(I[5:], g[:, None] * (E - v[None, :]), rtol=1e-12, atol=1e-12)
    first = I[5]
    assert np.all(np.sign(first) == np.sign(E - v))  # drives v toward E: + below, 0 at, - above
    assert first[v == E].tolist() == [0.0]
    assert sg.g.shape == (v.size,)


def test_conductance_rejects_negative_weights():
    net = Network(seed=0)
    a = NeuronGroup(net, 3, {25: Clamp()})
    SynapseGroup(net, a, a, behaviour={20: ConductanceSynapse(weight="normal(0, 1)")})
    _init_error(net, "ConductanceSynapse.*must not be negative")


# -- event-driven: only the synapses of neurons that fired are read -------------------------------------
@pytest.mark.parametrize("mode", ["sparse", "dense"])
@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_only_synapses_of_fired_neurons_are_read(mode, backend):
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 50, {30: SpikeGenerator(indices=[3, 7], times=[0.2, 0.4])})
    dst = NeuronGroup(net, 20, {25: Clamp(), 90: Recorder(["I"])})
    sg = SynapseGroup(net, src, dst, behaviour={20: ExponentialSynapse(p=0.5, weight=1.0, mode=mode, backend=backend)})
    net.initialize()
    # poison every synapse of the neurons that never fire: reading any of them would spread NaN
    if mode == "dense":
        silent = np.setdiff1d(np.arange(50), [3, 7])
        sg.W[:, silent] = np.nan
    else:
        csr = sg.csr
        for i in set(range(50)) - {3, 7}:
            csr.data[csr.indptr[i]:csr.indptr[i + 1]] = np.nan
    net.simulate_iterations(30, progress=False)
    I = dst["Recorder", 0]["I"]
    assert np.all(np.isfinite(I)) and I.sum() > 0


# -- numba kernels vs their numpy twins -----------------------------------------------------------------
def _twin_args(kind, sparse, delayed, rng, dtype=np.float64, overwrite=False):
    n_src, n_dst = 60, 45
    csr = _csr(n_src, n_dst, 0.3, 4, -2.0 if kind != "conductance" else 0.0, 3.0)
    csr.data = csr.data.astype(dtype)
    fired = rng.random(n_src) < 0.3
    I = rng.normal(size=n_dst).astype(dtype)
    idx = np.zeros(n_src, dtype=np.int64)
    split = kind in ("exponential", "alpha")
    nch = 2 if split else 1
    t = 13
    conn = (csr.indptr, csr.indices, csr.data) if sparse else (csr.to_dense(),)
    if delayed:
        delays = rng.integers(0, 6, csr.nnz).astype(np.uint8)
        if not sparse:
            dm = np.zeros((n_dst, n_src), dtype=np.uint8, order="F")
            dm[csr.indices, csr.sources()] = delays
            delays = dm
        conn = conn + (delays, rng.normal(size=(6, nch, n_dst)).astype(dtype))
    if kind == "delta":
        tail = ()
    elif kind == "exponential":
        tail = (rng.normal(size=(nch, n_dst)).astype(dtype),
                np.array([[0.98, 0.99], [0.99, 0.995]], dtype=dtype), overwrite)
    elif kind == "alpha":
        tail = (rng.normal(size=(nch, n_dst)).astype(dtype), rng.normal(size=(nch, n_dst)).astype(dtype),
                np.array([[0.95, 0.97], [0.13, 0.07], [0.97, 0.98], [0.06, 0.03]], dtype=dtype), overwrite)
    else:
        tail = (rng.random(size=(1, n_dst)).astype(dtype), np.array([[0.98], [0.99]], dtype=dtype), dtype(0.0),
                overwrite)
    head = (fired, I, t) + ((rng.normal(-60, 10, n_dst).astype(dtype),) if kind == "conductance" else ())
    return head + (idx,) + conn + tail


MODULES = {"delta": delta, "exponential": exponential, "alpha": alpha, "conductance": conductance}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("delayed", [False, True])
@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize(("kind", "overwrite"), [("delta", False), ("exponential", False), ("exponential", True),
                                                 ("alpha", False), ("alpha", True), ("conductance", False),
                                                 ("conductance", True)])
def test_numba_kernels_match_numpy_twins(kind, sparse, delayed, dtype, overwrite):
    kernels = MODULES[kind].KERNELS
    a = _twin_args(kind, sparse, delayed, np.random.default_rng(5), dtype, overwrite)
    b = _twin_args(kind, sparse, delayed, np.random.default_rng(5), dtype, overwrite)
    for _ in range(3):  # a few steps, so state and buffers carry over
        kernels[("numba", sparse, delayed)](*a)
        kernels[("numpy", sparse, delayed)](*b)
    scratch = 4 if kind == "conductance" else 3  # the fired-index scratch buffer (numba only)
    for pos, (x, y) in enumerate(zip(a, b, strict=True)):
        if isinstance(x, np.ndarray) and pos != scratch:
            np.testing.assert_array_equal(x, y)


def test_fired_indices_scan_matches_flatnonzero():
    rng = np.random.default_rng(1)
    for n in (1, 7, 8, 9, 63, 64, 1000, 4099):
        for p in (0.0, 0.01, 0.5, 1.0):
            f = rng.random(n) < p
            out_a, out_b = np.zeros(n, np.int64), np.zeros(n, np.int64)
            na, nb = fired_indices(f, out_a), fired_indices_numpy(f, out_b)
            assert na == nb
            np.testing.assert_array_equal(out_a[:na], out_b[:nb])
    ints = (rng.random(100) < 0.2).astype(np.int64)  # a non-bool fired vector takes the plain path
    out = np.zeros(100, np.int64)
    n = fired_indices(ints, out)
    np.testing.assert_array_equal(out[:n], np.flatnonzero(ints))


# -- precision ----------------------------------------------------------------------------------------
def _precision_run(dtype, steps=2000):
    """Feed-forward: identical Poisson spikes into clamped neurons through every kernel kind."""
    net = Network(dt=0.1, seed=2, dtype=dtype)
    drive = NeuronGroup(net, 200, {30: PoissonGroup(rate=20.0)})
    P = NeuronGroup(net, 50, {25: Clamp(v="-80;-50"), 90: Recorder(["I"])})
    groups = [
        SynapseGroup(net, drive, P, behaviour={20: ExponentialSynapse(p=0.2, weight="uniform(-20, 40)", tau_inh=10.0,
                                                                        delay="integers(0, 5)")}),
        SynapseGroup(net, drive, P, behaviour={20: AlphaSynapse(p=0.1, weight="uniform(0, 30)")}),
        SynapseGroup(net, drive, P, behaviour={20: DeltaSynapse(p=0.1, weight="uniform(0, 30)", mode="dense")}),
        SynapseGroup(net, drive, P, behaviour={20: ConductanceSynapse(p=0.1, weight="uniform(0, 1)", E=0.0)}),
    ]
    net.initialize()
    net.simulate_iterations(steps, progress=False)
    return P["Recorder", 0]["I"].astype(np.float64), groups


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_synaptic_input_stays_finite_and_close_to_float64(dtype):
    ref, _ = _precision_run(np.float64)
    I, groups = _precision_run(dtype)
    for sg in groups:
        assert sg.W.dtype == dtype
    assert groups[0].I_syn.dtype == dtype and groups[3].g.dtype == dtype
    assert np.all(np.isfinite(I))
    scale = np.abs(ref).mean()
    assert scale > 100.0
    tol = 1e-5 if dtype == np.float32 else 4e-2  # float16 keeps about 3 significant digits (measured 1.5%)
    assert np.abs(I - ref).mean() / scale < tol


def _recurrent_lif_network(dtype):
    net = Network(dt=0.1, seed=2, dtype=dtype)
    drive = NeuronGroup(net, 100, {30: PoissonGroup(rate=40.0)})
    P = NeuronGroup(net, 200, {30: LIF(), 90: EventRecorder("fired")})
    sg1 = SynapseGroup(net, drive, P, behaviour={20: ExponentialSynapse(p=0.2, weight=150.0, delay="integers(0, 5)")})
    sg2 = SynapseGroup(net, P, P, behaviour={20: AlphaSynapse(p=0.05, weight="uniform(-20, 10)", tau_inh=3.0)})
    net.initialize()
    net.simulate_iterations(2000, progress=False)
    return P, sg1, sg2


def test_float16_network_with_lif_runs_without_nan_at_the_float64_rate():
    P, sg1, sg2 = _recurrent_lif_network(np.float16)
    assert np.all(np.isfinite(sg1.I_syn)) and np.all(np.isfinite(sg2.I_syn)) and np.all(np.isfinite(P.v))
    spikes16 = P["EventRecorder", 0].count()
    spikes64 = _recurrent_lif_network(np.float64)[0]["EventRecorder", 0].count()
    assert spikes64 > 1000
    assert abs(spikes16 / spikes64 - 1) < 0.10  # measured 0.984: rounding draws from its own stream


# -- set-up, parameters and validation -----------------------------------------------------------------
def test_same_seed_same_connectivity_and_dense_equals_sparse_structure():
    def build(mode, seed):
        net = Network(seed=seed)
        a = NeuronGroup(net, 300, {25: Clamp()})
        sg = SynapseGroup(net, a, a, behaviour={20: DeltaSynapse(p=0.05, weight="uniform", mode=mode)})
        net.initialize()
        return sg
    s1, s2, s3, d1 = build("sparse", 1), build("sparse", 1), build("sparse", 2), build("dense", 1)
    np.testing.assert_array_equal(s1.csr.indices, s2.csr.indices)
    np.testing.assert_array_equal(s1.W, s2.W)
    assert s1.csr.nnz != s3.csr.nnz or not np.array_equal(s1.csr.indices, s3.csr.indices)
    np.testing.assert_array_equal(s1.csr.to_dense(), d1.W)  # same seed: same synapses in both modes
    np.testing.assert_array_equal(s1.csr.mask(), d1.mask)


def test_weights_replaced_by_a_script_are_used():
    net = Network(dt=0.1, seed=0)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0, 0], times=[0.5, 2.0])})
    dst = NeuronGroup(net, 1, {25: Clamp(), 90: Recorder(["I"])})
    sg = SynapseGroup(net, src, dst, behaviour={20: DeltaSynapse(weight=1.0, mode="sparse")})
    net.initialize()
    net.simulate_iterations(10, progress=False)
    sg.W = sg.W * 4.0  # a new array, PymoNNto style
    net.simulate_iterations(20, progress=False)
    I = dst["Recorder", 0]["I"][:, 0]
    assert I[5] == 1.0 and I[20] == 4.0


@pytest.mark.parametrize("kwargs, match", [
    ({"tau": -1.0}, "ExponentialSynapse on SynapseGroup.*'tau' must be a positive number of ms"),
    ({"tau_inh": 0.0}, "'tau_inh' must be a positive"),
    ({"p": 1.5}, "'p' must be a connection probability"),
    ({"p": 0.1, "indegree": 3}, "at most one connection rule"),
    ({"indegree": 500}, "'indegree' must be an int in"),
    ({"delay": 1.5}, "'delay' must be whole, non-negative numbers of steps"),
    ({"delay": -2}, "'delay' must be whole"),
    ({"mode": "csr"}, "'mode' must be 'dense' or 'sparse'"),
    ({"target": "not a name"}, "'target' must be the name"),
    ({"backend": "cuda"}, "'backend' must be one of"),
    ({"W": np.ones((3, 3))}, r"'W' must be a \(20, 10\) matrix"),
    ({"weight": "gauss(0, 1)"}, "'weight' must be a number, an init string"),
    ({"i": [0, 1]}, "'i' needs 'j'"),
])
def test_bad_parameters_raise_configuration_errors(kwargs, match):
    net = Network(seed=0)
    a = NeuronGroup(net, 10, {25: Clamp()}, tag="A")
    b = NeuronGroup(net, 20, {25: Clamp()}, tag="B")
    SynapseGroup(net, a, b, behaviour={20: ExponentialSynapse(**kwargs)})
    _init_error(net, match)


def test_error_names_the_group():
    net = Network(seed=0)
    a = NeuronGroup(net, 10, {25: Clamp()}, tag="A")
    SynapseGroup(net, a, a, tag="recur", behaviour={20: AlphaSynapse(tau=0)})
    _init_error(net, r"AlphaSynapse on SynapseGroup 'recur' \(A -> A\)")


def test_allow_self_false_removes_autapses():
    for mode in ("sparse", "dense"):
        net = Network(seed=0)
        a = NeuronGroup(net, 50, {25: Clamp()})
        sg = SynapseGroup(net, a, a, behaviour={20: DeltaSynapse(p=0.5, allow_self=False, mode=mode)})
        net.initialize()
        W = sg.csr.to_dense() if mode == "sparse" else sg.W
        assert np.all(np.diag(W) == 0) and W.sum() > 100


def test_alpha_sign_split_peaks_at_tau_and_at_tau_inh():
    """AlphaSynapse with tau_inh: the excitatory current peaks tau = 2 ms after arrival, the inhibitory one
    tau_inh = 6 ms after it, and each delivers the charge e * w * its own tau."""
    dt = 0.01
    net = Network(dt=dt, seed=0)
    src = NeuronGroup(net, 2, {30: SpikeGenerator(indices=[0, 1], times=[1.0, 1.0])})
    dst = NeuronGroup(net, 2, {25: Clamp(), 90: Recorder(["I"])})
    SynapseGroup(net, src, dst, behaviour={20: AlphaSynapse(i=[0, 1], j=[0, 1], weight=np.array([2.0, -3.0]),
                                                            tau=2.0, tau_inh=6.0)})
    net.initialize()
    net.simulate_iterations(12000, progress=False)
    I = dst["Recorder", 0]["I"]
    t = (np.arange(I.shape[0]) + 1) * dt
    arrival = 1.0 + dt  # the spike of step t = 1 ms arrives in the next step
    assert t[np.argmax(I[:, 0])] - arrival == pytest.approx(2.0, abs=2 * dt)
    assert t[np.argmin(I[:, 1])] - arrival == pytest.approx(6.0, abs=2 * dt)
    assert I[:, 0].sum() * dt == pytest.approx(np.e * 2.0 * 2.0, rel=1e-4)
    assert I[:, 1].sum() * dt == pytest.approx(np.e * -3.0 * 6.0, rel=1e-3)
