"""Equations as neuron models: convergence order of each method, 'exact' against the library's LIF
and exponential synapse bit for bit, Izhikevich / AdEx / Hodgkin-Huxley against the library's
models, the numpy twin, parameters at run time, float32/float16, save/load."""

from __future__ import annotations

import os

import numpy as np
import pytest
from equations_models import (
    ADEX,
    ADEX_PARAMS,
    HODGKIN_HUXLEY,
    IZHIKEVICH,
    IZHIKEVICH_PARAMS,
    LIF,
    LIF_PARAMS,
    hh_params,
    spike_trains,
)
from pymonn.behaviours import (
    LIF as LibraryLIF,
)
from pymonn.behaviours import (
    AdEx,
    ConstantCurrent,
    ExponentialSynapse,
    HodgkinHuxley,
    Izhikevich,
    PoissonGroup,
    SpikeGenerator,
)
from pymonn.behaviours.equations import Equations, SynapticEquations

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # (for the explorer test; as tests/ui's conftest)


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    """One kernel cache for the whole session (each model compiles once)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def run(model, amps, dt, duration, record=("v",), dtype=np.float64, size=None):
    net = Network(dt=dt, seed=1, dtype=dtype)
    n = len(amps) if size is None else size
    behaviours = {30: model, 90: EventRecorder("fired"), 91: Recorder(list(record))}
    if amps is not None:
        behaviours[10] = ConstantCurrent(amplitude=np.asarray(amps, dtype=float))
    g = NeuronGroup(net, n, behaviours, tag="g")
    net.initialize()
    net.run(duration, progress=False)
    return net, g


# -- convergence ----------------------------------------------------------------------------------
#: dx/dt = -a x + y, dy/dt = -b y: x(t) = x0 e^-at + y0 (e^-bt - e^-at) / (a - b), y(t) = y0 e^-bt
SYSTEM = """
    dx/dt = -a*x + y
    dy/dt = -b*y
"""
A, B, X0, Y0, T = 0.5, 0.2, 1.0, 2.0, 10.0


def _system_error(method, dt):
    _, g = run(Equations(SYSTEM, method=method, a=A, b=B, x=X0, y=Y0), None, dt, T, record=("x",), size=1)
    exact = X0 * np.exp(-A * T) + Y0 * (np.exp(-B * T) - np.exp(-A * T)) / (A - B)
    return abs(float(g.x[0]) - exact)


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk2", 2), ("rk4", 4), ("exponential_euler", 1)])
def test_each_method_converges_with_its_order(method, order):
    errors = [_system_error(method, dt) for dt in (0.4, 0.2, 0.1)]
    observed = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(observed - order) < 0.25), (method, errors, observed)


def test_exact_method_is_exact_at_any_step():
    errors = [_system_error("exact", dt) for dt in (0.4, 0.1, 1.0)]
    assert max(errors) < 1e-13


def test_rk4_reads_the_time_of_each_stage():
    # dx/dt = cos(t): x = sin(t); fourth order only if every stage sees its own time
    errors = []
    for dt in (0.5, 0.25):
        _, g = run(Equations("dx/dt = cos(t*omega)*omega", method="rk4", omega=1.0), None, dt, 6.0, size=1,
                   record=("x",))
        errors.append(abs(float(g.x[0]) - np.sin(6.0)))
    assert 14 < errors[0] / errors[1] < 18


# -- exact against the library's LIF, bit for bit ------------------------------------------------
def _lif_network(model, fuse=True):
    net = Network(dt=0.1, seed=3)
    inp = NeuronGroup(net, 50, {30: PoissonGroup(rate=50.0)}, tag="inp")
    g = NeuronGroup(net, 100, {10: ConstantCurrent(amplitude="uniform(300, 500)"), 30: model,
                               90: EventRecorder("fired"), 91: Recorder(["v"])}, tag="g")
    SynapseGroup(net, inp, g, behaviour={20: ExponentialSynapse(p=0.3, weight="uniform(0, 80)", tau=2.0)})
    net.initialize()
    net.run(300, progress=False)
    return g["v", 0], g["EventRecorder", 0]["fired.iteration"]


@pytest.mark.parametrize("fuse", [True, False])
def test_exact_lif_next_to_the_library_synapse_is_the_library_lif_to_the_last_bit(fuse):
    v_lib, spikes_lib = _lif_network(LibraryLIF(t_ref=2.0, fuse_synapses=fuse))
    eq = Equations(LIF, threshold="v >= v_th", reset="v = v_reset", refractory=2.0, method="exact", **LIF_PARAMS)
    v_eq, spikes_eq = _lif_network(eq)
    assert len(spikes_lib) > 500
    assert np.array_equal(v_lib, v_eq) and np.array_equal(spikes_lib, spikes_eq)


def test_exact_lif_with_refractory_period_off_the_step_grid_matches_the_library():
    # t_ref = 2.05 ms at dt = 0.1: the step in which the period ends integrates only its last 0.95 of dt
    v_lib, s_lib = _lif_network(LibraryLIF(t_ref=2.05))
    v_eq, s_eq = _lif_network(Equations(LIF, threshold="v >= v_th", reset="v = v_reset", refractory="2.05 ms",
                                        method="exact", **LIF_PARAMS))
    assert np.array_equal(v_lib, v_eq) and np.array_equal(s_lib, s_eq)


def test_exponential_current_from_equations_is_the_library_synapse_current_to_the_last_bit():
    """I_syn decayed by the neuron's exact step, increased by on_pre: the library's sg.I_syn exactly."""
    def network(equations_synapse):
        net = Network(dt=0.1, seed=4)
        src = NeuronGroup(net, 20, {30: PoissonGroup(rate=40.0)}, tag="src")
        if equations_synapse:
            dst = NeuronGroup(net, 30, {30: Equations("dI_syn/dt = -I_syn/tau_s", method="exact", tau_s=2.0),
                                        91: Recorder(["I_syn"])}, tag="dst")
            SynapseGroup(net, src, dst, behaviour={20: SynapticEquations(on_pre="I_syn += w", weight="uniform(0, 5)")})
        else:
            dst = NeuronGroup(net, 30, {30: LibraryLIF()}, tag="dst")
            sg = SynapseGroup(net, src, dst, behaviour={20: ExponentialSynapse(weight="uniform(0, 5)", tau=2.0),
                                                        91: Recorder(["I_syn"])})
        net.initialize()
        net.run(50, progress=False)
        return dst["I_syn", 0] if equations_synapse else sg["I_syn", 0]
    lib, eq = network(False), network(True)
    assert lib.max() > 5
    assert np.array_equal(lib, eq)


def test_alpha_current_from_equations_follows_the_library_alpha_synapse():
    """The alpha system tau x' = -x, tau y' = e x - y solved by 'exact' (a matrix exponential): the
    library's AlphaSynapse state y (its sg.I_syn) to rounding (the library writes e^(-h/tau) (y + e h/tau x))."""
    from pymonn.behaviours import AlphaSynapse

    def network(equations):
        net = Network(dt=0.1, seed=4)
        src = NeuronGroup(net, 20, {30: PoissonGroup(rate=40.0)}, tag="src")
        if equations:
            dst = NeuronGroup(net, 30, {30: Equations("dx/dt = -x/tau\ndy/dt = (e*x - y)/tau", method="exact", tau=2.0,
                                                      e=float(np.e)), 91: Recorder(["y"])}, tag="dst")
            SynapseGroup(net, src, dst, behaviour={20: SynapticEquations(on_pre="x += w", weight="uniform(0, 5)")})
        else:
            dst = NeuronGroup(net, 30, {30: LibraryLIF()}, tag="dst")
            sg = SynapseGroup(net, src, dst, behaviour={20: AlphaSynapse(weight="uniform(0, 5)", tau=2.0),
                                                        91: Recorder(["I_syn"])})
        net.initialize()
        net.run(50, progress=False)
        return dst["y", 0] if equations else sg["I_syn", 0]
    lib, eq = network(False), network(True)
    assert lib.max() > 5
    assert np.allclose(eq, lib, rtol=1e-12, atol=1e-12)


def test_exact_solves_the_coupled_lif_and_exponential_current_analytically():
    """v of one spike's PSP: R w tau_s / (tau_s - tau_m) (e^-t/tau_s - e^-t/tau_m) above rest."""
    tau_m, tau_s, R, w = 10.0, 2.0, 0.04, 100.0
    net = Network(dt=0.1)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0], times=[0.1])}, tag="src")
    dst = NeuronGroup(net, 1, {30: Equations("""
        dv/dt = (v_rest - v + R*I_syn)/tau_m
        dI_syn/dt = -I_syn/tau_s
    """, method="exact", v_rest=-70.0, R=R, tau_m=tau_m, tau_s=tau_s, v=-70.0), 91: Recorder(["v"])}, tag="dst")
    SynapseGroup(net, src, dst, behaviour={20: SynapticEquations(on_pre="I_syn += w", weight=w)})
    net.initialize()
    net.run(40, progress=False)
    v = dst["v", 0][:, 0]
    t = np.arange(1, len(v) + 1) * 0.1 - 0.1  # the spike of step 1 (t = 0.1) arrives in step 2
    expected = -70 + R * w * tau_s / (tau_s - tau_m) * (np.exp(-t / tau_s) - np.exp(-t / tau_m))
    assert np.max(np.abs(v[1:] - expected[1:])) < 1e-12
    assert v[1:].max() > -69.6  # a PSP of about 0.5 mV


# -- the library's models as equations ------------------------------------------------------------
def test_izhikevich_as_equations_spikes_like_the_library_at_small_dt():
    amps = [5.0, 10.0, 15.0]
    _, lib = run(Izhikevich(), amps, 0.01, 300)
    _, eq = run(Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS), amps, 0.01,
                300)
    for a, b in zip(spike_trains(lib), spike_trains(eq), strict=True):
        assert len(a) == len(b) >= 4
        assert np.max(np.abs(a - b)) <= 0.2  # the library updates u with the new v (Izhikevich's code)


def test_adex_as_equations_is_the_library_adex():
    amps = [700.0, 1000.0]
    _, lib = run(AdEx(), amps, 0.05, 300)
    _, eq = run(Equations(ADEX, threshold="v >= 0", reset="v = V_r; w += b", **ADEX_PARAMS), amps, 0.05, 300)
    for a, b in zip(spike_trains(lib), spike_trains(eq), strict=True):
        assert len(a) >= 4 and np.array_equal(a, b)
    assert np.allclose(lib.v, eq.v, rtol=0, atol=1e-9) and np.allclose(lib.w, eq.w, rtol=1e-12)


def test_hodgkin_huxley_as_equations_spikes_like_the_library_at_small_dt():
    amps = [10.0, 20.0]
    _, lib = run(HodgkinHuxley(), amps, 0.005, 100)
    _, eq = run(Equations(HODGKIN_HUXLEY, threshold="v >= 0", refractory="v >= 0", method="exponential_euler",
                          **hh_params()), amps, 0.005, 100)
    for a, b in zip(spike_trains(lib), spike_trains(eq), strict=True):
        assert len(a) == len(b) >= 7
        assert np.max(np.abs(a - b)) < 0.3  # both first order in dt; the library updates v after the gates


# -- numba kernel and numpy twin ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["izhikevich", "adex", "lif", "hh"])
def test_numpy_twin_matches_the_kernel(name):
    amps = np.linspace(5, 15, 8)
    if name == "izhikevich":
        make = lambda b: Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", backend=b,  # noqa: E731
                                   **IZHIKEVICH_PARAMS)
    elif name == "adex":
        amps = np.linspace(600, 1000, 8)
        make = lambda b: Equations(ADEX, threshold="v >= 0", reset="v = V_r; w += b", backend=b, **ADEX_PARAMS)  # noqa: E731
    elif name == "lif":
        amps = np.linspace(300, 600, 8)
        make = lambda b: Equations(LIF, threshold="v >= v_th", reset="v = v_reset", refractory=2.05,  # noqa: E731
                                   method="exact", backend=b, **LIF_PARAMS)
    else:
        make = lambda b: Equations(HODGKIN_HUXLEY, threshold="v >= 0", refractory="v >= 0",  # noqa: E731
                                   method="exponential_euler", backend=b, **hh_params())
    dt = 0.01 if name == "hh" else 0.1
    _, a = run(make("numba"), amps, dt, 100)
    _, b = run(make("numpy"), amps, dt, 100)
    assert [len(x) for x in spike_trains(a)] == [len(x) for x in spike_trains(b)]
    assert np.allclose(a["v", 0], b["v", 0], rtol=1e-12, atol=1e-9)


# -- parameters, precision, storage ---------------------------------------------------------------
def test_per_neuron_parameters_and_changes_at_run_time():
    c = np.array([-65.0, -55.0, -50.0, -65.0])
    eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **{**IZHIKEVICH_PARAMS, "c": c})
    net, g = run(eq, [10.0] * 4, 0.5, 200)
    assert eq.P.shape == (4, 4) and np.array_equal(eq.c, c)
    trains = spike_trains(g)
    counts = [len(x) for x in trains]
    assert np.array_equal(trains[0], trains[3]) and not np.array_equal(trains[1], trains[0])  # RS, IB, CH
    eq.a[:] = 0.1  # a fast-spiking recovery from now on, changed in place
    before = g["EventRecorder", 0].count()
    net.run(200, progress=False)
    rs_later = g["EventRecorder", 0]["fired.i"][before:]
    assert np.count_nonzero(rs_later == 0) > counts[0]


def test_exact_propagators_follow_a_changed_shared_parameter():
    eq = Equations("dv/dt = (E - v)/tau", method="exact", E=1.0, tau=10.0, v=0.0)
    net, g = run(eq, None, 0.1, 10, size=1)
    assert abs(g.v[0] - (1 - np.exp(-1.0))) < 1e-14
    eq.tau[:] = 1.0
    net.run(1, progress=False)
    v1 = (1 - np.exp(-1.0))
    assert abs(g.v[0] - (1 + (v1 - 1) * np.exp(-1.0))) < 1e-14


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_networks_follow_float64(dtype):
    amps = [10.0, 15.0]
    make = lambda: Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)  # noqa: E731
    _, ref = run(make(), amps, 0.5, 200)
    _, low = run(make(), amps, 0.5, 200, dtype=dtype)
    assert low.v.dtype == dtype
    for a, b in zip(spike_trains(ref), spike_trains(low), strict=True):
        assert abs(len(a) - len(b)) <= (0 if dtype == np.float32 else 1) and len(a) > 3


def test_save_and_load_restore_the_state_and_the_parameters(tmp_path):
    def build():
        eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)
        net = Network(dt=0.5, seed=2)
        g = NeuronGroup(net, 5, {10: ConstantCurrent(amplitude="uniform(5, 15)"), 30: eq}, tag="g")
        net.initialize()
        return net, g, eq
    net, g, eq = build()
    net.run(100, progress=False)
    eq.d[:] = 2.0
    net.save(tmp_path / "state.npz")
    net.run(100, progress=False)
    expected = g.v.copy()
    net2, g2, eq2 = build()
    net2.load(tmp_path / "state.npz")
    assert float(eq2.d[0]) == 2.0
    net2.run(100, progress=False)
    assert np.array_equal(g2.v, expected)


def test_inputs_from_synapse_targets_and_the_inputs_keyword():
    net = Network(dt=0.1, seed=1)
    src = NeuronGroup(net, 5, {30: PoissonGroup(rate=200.0)}, tag="src")
    g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=1.0, target="I_ext"),
                             30: Equations("dx/dt = I_ext + I_exc - x/tau", tau=5.0), 91: Recorder(["x"])}, tag="g")
    SynapseGroup(net, src, g, behaviour={20: ExponentialSynapse(weight=1.0, target="I_exc", tau=1.0)})
    with pytest.raises(Exception) as info:
        net.initialize()
    assert "I_ext" in str(info.value)  # an input nobody adds into by target is an unknown name ...
    net = Network(dt=0.1, seed=1)
    src = NeuronGroup(net, 5, {30: PoissonGroup(rate=200.0)}, tag="src")
    g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=1.0, target="I_ext"),
                             30: Equations("dx/dt = I_ext + I_exc - x/tau", tau=5.0, inputs=["I_ext"]),
                             91: Recorder(["x"])}, tag="g")
    SynapseGroup(net, src, g, behaviour={20: ExponentialSynapse(weight=1.0, target="I_exc", tau=1.0)})
    net.initialize()  # ... unless listed in inputs
    net.run(20, progress=False)
    assert np.all(g.x > 5.0)  # the constant input alone would give 5 (1 * tau) at most


def test_the_inspector_lists_and_edits_the_parameters():
    from pymonn.ui.parameters import assign, find_parameter

    eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)
    run(eq, [10.0], 0.5, 10)
    p = find_parameter(eq, "b")
    assert float(p.value[0]) == 0.2
    assign(p, 0.25)
    assert float(eq.P[eq.parameter_names.index("b"), 0]) == 0.25


@pytest.mark.gui
def test_the_explorer_runs_a_network_of_equations_and_leaves_it_as_it_was(request, tmp_path, monkeypatch):
    pytest.importorskip("PyQt5.QtWidgets", reason="the explorer needs PyQt5")
    pytest.importorskip("pyqtgraph", reason="the explorer needs pyqtgraph")
    pytest.importorskip("pytestqt", reason="needs pytest-qt")
    qtbot = request.getfixturevalue("qtbot")
    monkeypatch.setenv("PYMONN_UI_SETTINGS", str(tmp_path / "explorer.ini"))
    from pymonn.ui import Explorer

    eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)
    net = Network(dt=0.5, seed=1)
    g = NeuronGroup(net, 50, {10: ConstantCurrent(amplitude="uniform(5, 15)"), 30: eq}, tag="g")
    net.initialize()
    keys = sorted(g.behaviours)
    win = Explorer(net, window_ms=100.0, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.step_frame(40)
    assert net.iteration == 40 and np.all(np.isfinite(g.v))
    win.close()
    assert sorted(g.behaviours) == keys


def test_a_state_array_replaced_by_one_of_another_size_is_refused_not_read_out_of_bounds():
    from pymonn import BehaviourError, ConfigurationError

    eq = Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d", **IZHIKEVICH_PARAMS)
    net, g = run(eq, [10.0] * 4, 0.5, 10)
    g.u = np.zeros(2)
    with pytest.raises(BehaviourError) as info:
        net.run(1, progress=False)
    assert isinstance(info.value.__cause__, ConfigurationError) and "'u'" in str(info.value)
