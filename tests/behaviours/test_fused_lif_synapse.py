"""LIF running an ExponentialSynapse's per-neuron pass (fusion): same results bit for bit, and the
fusion follows every change of the schedule."""

import numpy as np
import pytest
from pymonn.behaviours import LIF, ConstantCurrent, ExponentialSynapse
from pymonn.behaviours._packed import AddressTable
from pymonn.behaviours.neurons.lif import lif_exp_step_numba, lif_exp_step_numpy

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup


def cuba(fuse=True, *, drive=True, split=True, dtype=np.float64, mode=None, delay=None, n=80, seed=4,
         record_input=True):
    """A small recurrent CUBA-like network (LIF + exponential synapses), initialized."""
    net = Network(dt=0.1, seed=seed, dtype=dtype)
    beh = {30: LIF(tau_m=20.0, C_m=200.0, v_rest=-49.0, v_reset=-60.0, v_th=-50.0, t_ref=2.0, v="-60;-50",
                   fuse_synapses=fuse),
           90: EventRecorder("fired"), 91: Recorder(["v", "I"] if record_input else ["v"])}
    if drive:
        beh[10] = ConstantCurrent(amplitude="-20;20")
    P = NeuronGroup(net, n, beh, tag="P")
    kw = {"tau": 5.0, "p": 0.1, "weight": "uniform(-40, 60)"}
    if split:
        kw["tau_inh"] = 10.0
    if mode is not None:
        kw["mode"] = mode
    if delay is not None:
        kw["delay"] = delay
    sg = SynapseGroup(net, P, P, tag="PP", behaviour={20: ExponentialSynapse(**kw), 92: Recorder(["I_syn"])})
    net.initialize()
    return net, P, sg


def outputs(net, P, sg):
    rec, trace, syn = P["EventRecorder", 0], P["Recorder", 0], sg["Recorder", 0]
    out = [rec["fired.iteration"], rec["fired.i"], trace["v"], syn["I_syn"], P.v.copy()]
    return out + [trace["I"]] if "I" in trace.variables else out


def assert_same(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("drive", [True, False], ids=["with-input", "synapses-only"])
@pytest.mark.parametrize("split", [True, False], ids=["two-channels", "one-channel"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_run_equals_unfused_bit_for_bit(drive, split, dtype):
    runs = []
    for fuse in (True, False):
        net, P, sg = cuba(fuse, drive=drive, split=split, dtype=dtype)
        net.simulate_iterations(600, progress=False)
        assert (P["LIF", 0]._fused is not None) == fuse
        runs.append(outputs(net, P, sg))
    assert runs[0][0].size > 60  # an active network
    assert_same(*runs)


@pytest.mark.parametrize("record_input", [True, False], ids=["I-recorded", "I-not-recorded"])
@pytest.mark.parametrize("drive", [True, False], ids=["with-input", "synapses-only"])
def test_n_I_is_the_total_input_whether_fused_or_not_and_whatever_is_recorded(drive, record_input):
    """n.I after a step is the other inputs plus the synaptic current, with or without fusion and
    whether or not a recorder records I (no rule that depends on which recorders exist)."""
    inputs = []
    for fuse in (True, False):
        net, P, sg = cuba(fuse, drive=drive, record_input=record_input)
        net.simulate_iterations(400, progress=False)
        assert (P["LIF", 0]._fused is not None) == fuse
        inputs.append(P.I.copy())
        own = P["ConstantCurrent", 0].amplitude if drive else 0.0
        assert np.any(P.I != own)  # the synaptic current is in I
    np.testing.assert_array_equal(*inputs)


def test_a_recorder_of_I_added_later_records_the_total_input():
    runs = []
    for fuse in (True, False):
        net, P, sg = cuba(fuse, record_input=False)
        net.simulate_iterations(50, progress=False)
        P.add_behaviour(95, Recorder("I"))
        net.simulate_iterations(20, progress=False)
        runs.append(P["Recorder", -1]["I"] if len(P["Recorder"]) > 1 else P["Recorder", 0]["I"])
        assert sg["ExponentialSynapse", 0].fused_into is (P["LIF", 0] if fuse else None)
    np.testing.assert_array_equal(*runs)


@pytest.mark.parametrize("mode,delay", [("dense", None), ("sparse", 3), ("dense", 2)])
def test_fusion_with_dense_and_delayed_synapses(mode, delay):
    runs = []
    for fuse in (True, False):
        net, P, sg = cuba(fuse, mode=mode, delay=delay)
        net.simulate_iterations(500, progress=False)
        assert (sg["ExponentialSynapse", 0].fused_into is not None) == fuse
        runs.append(outputs(net, P, sg))
    assert runs[0][0].size > 50
    assert_same(*runs)


def test_fusion_follows_enable_disable_and_removal():
    """Disabling the synapse or the model mid-run unfuses; both runs stay identical to unfused ones."""
    def run(fuse):
        net, P, sg = cuba(fuse)
        syn, lif = sg["ExponentialSynapse", 0], P["LIF", 0]
        net.simulate_iterations(150, progress=False)
        syn.behaviour_enabled = False
        net.simulate_iterations(50, progress=False)
        if fuse:
            assert lif._fused is None and syn.fused_into is None
        syn.behaviour_enabled = True
        net.simulate_iterations(100, progress=False)
        if fuse:
            assert lif._fused is syn
        lif.behaviour_enabled = False  # the synapse must run its own pass again
        net.simulate_iterations(30, progress=False)
        if fuse:
            assert syn.fused_into is None
        lif.behaviour_enabled = True
        net.simulate_iterations(100, progress=False)
        return outputs(net, P, sg)

    assert_same(run(True), run(False))


def test_only_one_synapse_is_fused_and_a_later_synapse_never():
    net = Network(dt=0.1, seed=2)
    P = NeuronGroup(net, 30, {10: ConstantCurrent(amplitude=300.0), 30: LIF(), 90: EventRecorder()}, tag="P")
    a = SynapseGroup(net, P, P, behaviour={20: ExponentialSynapse(p=0.2, weight=5.0)})
    b = SynapseGroup(net, P, P, behaviour={21: ExponentialSynapse(p=0.2, weight=-5.0)})
    c = SynapseGroup(net, P, P, behaviour={35: ExponentialSynapse(p=0.2, weight=5.0)})  # runs after the model
    net.initialize()
    net.simulate_iterations(5, progress=False)
    fused = [sg["ExponentialSynapse", 0].fused_into for sg in (a, b, c)]
    assert fused[0] is P["LIF", 0] and fused[1] is None and fused[2] is None


def test_no_fusion_when_switched_off_or_on_the_numpy_backend():
    for kwargs in ({"fuse_synapses": False}, {"backend": "numpy"}):
        net = Network(dt=0.1, seed=2)
        P = NeuronGroup(net, 10, {30: LIF(**kwargs)}, tag="P")
        sg = SynapseGroup(net, P, P, behaviour={20: ExponentialSynapse(p=0.5, weight=5.0)})
        net.initialize()
        net.simulate_iterations(3, progress=False)
        assert sg["ExponentialSynapse", 0].fused_into is None


def test_fuse_synapses_must_be_a_bool():
    net = Network(dt=0.1)
    NeuronGroup(net, 3, {30: LIF(fuse_synapses="yes")})
    with pytest.raises(Exception, match="fuse_synapses"):
        net.initialize()


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("store", [True, False])
def test_fused_kernel_twins_agree(channels, first, store):
    rng = np.random.default_rng(5)
    n = 500
    P = np.array([[-49.0], [-60.0], [-50.0], [0.1], [np.exp(-0.005)], [np.exp(-0.004)]])
    n_ref = np.array([21], dtype=np.int32)
    coef = np.array([[np.exp(-0.02), np.exp(-0.01)], [0.99, 0.995]])[:, :channels].copy()
    state = [rng.normal(0, 30, n) for _ in range(channels)]
    state[0][:5] = 1e-300  # decays below the flush threshold
    arrays = [rng.uniform(-62, -49, n), rng.normal(0, 50, n), rng.integers(0, 4, n).astype(np.int32), np.zeros(n, bool)]
    outs = []
    for kernel in (lif_exp_step_numba, lif_exp_step_numpy):
        v, I, ref, fired = (a.copy() for a in arrays)  # noqa: E741
        g = [s.copy() for s in state]
        g1 = g[-1] if channels == 2 else g[0]
        spikes = 0
        for _ in range(30):
            kernel(v, I, first, store, ref, fired, P, n_ref, g[0], g1, coef)
            spikes += int(fired.sum())
        outs.append((v, I, ref, fired, *g))
    for x, y in zip(*outs, strict=True):
        np.testing.assert_array_equal(x, y)
    assert spikes > 0 and np.all(outs[0][4][:5] == 0)


def test_address_table_keeps_arrays_and_rejects_strided_ones():
    a, b = np.zeros(4), np.zeros((2, 3), dtype=np.float32)
    tab = AddressTable(a, b)
    assert tab.offsets == [0, 2]
    assert tab.table.tolist() == [a.ctypes.data, 4, b.ctypes.data, 2, 3]
    assert tab.holds(a) and tab.holds(a, b) and not tab.holds(a.copy())
    with pytest.raises(ValueError, match="C-contiguous"):
        AddressTable(np.zeros(10)[::2])


def test_fused_per_neuron_parameters_dt_change_and_replaced_weights():
    """Per-neuron LIF parameters, a new dt and a script replacing the weights mid-run: the fused
    run still equals the separate one bit for bit."""
    def run(fuse):
        net = Network(dt=0.1, seed=6)
        P = NeuronGroup(net, 60, {10: ConstantCurrent(amplitude="0;30"),
                                  30: LIF(tau_m="15;25", C_m=200.0, v_rest=-49.0, v_reset=-60.0, v_th="-51;-49.5",
                                          t_ref=2.0, v="-60;-50", fuse_synapses=fuse),
                                  90: EventRecorder("fired")}, tag="P")
        sg = SynapseGroup(net, P, P, behaviour={20: ExponentialSynapse(p=0.15, weight="uniform(-40, 60)", tau=5.0,
                                                                       tau_inh=10.0)})
        net.initialize()
        net.simulate_iterations(200, progress=False)
        assert (P["LIF", 0]._fused is not None) == fuse and P["LIF", 0].P.shape[1] == 60
        net.dt = 0.05
        net.simulate_iterations(200, progress=False)
        sg.W = sg.W * 0.5  # a new weight array
        net.simulate_iterations(200, progress=False)
        rec = P["EventRecorder", 0]
        return [rec["fired.iteration"], rec["fired.i"], P.v.copy(), sg.I_syn.copy()]

    fused, separate = run(True), run(False)
    assert fused[0].size > 50
    assert_same(fused, separate)
