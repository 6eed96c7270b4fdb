"""SynapticEquations: pair-based STDP from equations against the library's STDP (dense and CSR, both
backends), event-driven variables against their exact solution, and the refused forms."""

from __future__ import annotations

import numpy as np
import pytest
from pymonn.behaviours import STDP, PoissonGroup, SpikeGenerator
from pymonn.behaviours.equations import Equations, SynapticEquations

from pymonn import EquationError, Network, NeuronGroup, Recorder, SynapseGroup

STDP_EQUATIONS = """
    dApre/dt = -Apre/tau_pre : 1 (event-driven)
    dApost/dt = -Apost/tau_post : 1 (event-driven)
"""
ON_PRE = "Apre += 1; w = clip(w - A_minus*w_max*Apost, 0, w_max)"
ON_POST = "Apost += 1; w = clip(w + A_plus*w_max*Apre, 0, w_max)"


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def _plastic(rule):
    net = Network(dt=0.1, seed=5)
    a = NeuronGroup(net, 40, {30: PoissonGroup(rate=30.0)}, tag="a")
    b = NeuronGroup(net, 30, {30: PoissonGroup(rate=20.0)}, tag="b")
    sg = SynapseGroup(net, a, b, behaviour={40: rule})
    net.initialize()
    net.run(2000, progress=False)
    return sg.W.copy()


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_stdp_from_equations_gives_the_library_stdp_weights(mode, backend):
    conn = dict(weight="uniform(0.2, 0.8)") if mode == "dense" else dict(mode="sparse", p=0.5, weight="uniform(0.2, 0.8)")
    library = _plastic(STDP(A_plus=0.01, A_minus=0.0105, w_max=1.0, **conn))
    ours = _plastic(SynapticEquations(STDP_EQUATIONS, on_pre=ON_PRE, on_post=ON_POST, tau_pre="20 ms",
                                      tau_post="20 ms", A_plus=0.01, A_minus=0.0105, w_max=1.0, backend=backend, **conn))
    initial = _plastic(SynapticEquations(STDP_EQUATIONS, on_pre="Apre += 0", tau_pre="20 ms", tau_post="20 ms", **conn))
    assert np.abs(library - initial).max() > 0.05  # the weights did move
    assert np.allclose(ours, library, rtol=0, atol=1e-13)


def test_event_driven_variable_follows_its_exact_solution_between_events():
    """x relaxes to 1 with tau and drops by half at each presynaptic spike (a depression variable)."""
    times = [1.0, 3.0, 3.5, 10.0]
    net = Network(dt=0.1)
    src = NeuronGroup(net, 1, {30: SpikeGenerator(indices=[0] * 4, times=times)}, tag="src")
    dst = NeuronGroup(net, 1, {30: Equations("dv/dt = -v/tau_m", tau_m=10.0)}, tag="dst")
    sg = SynapseGroup(net, src, dst, behaviour={40: SynapticEquations(
        "dx/dt = (1 - x)/tau_d (event-driven)", on_pre="x *= 0.5; v += x", tau_d=5.0, x=1.0),
        41: Recorder(["x"])})
    net.initialize()
    net.run(12, progress=False)
    x, expected, last = 1.0, [], None
    for t in times:
        if last is not None:
            x = 1 + (x - 1) * np.exp(-(t - last) / 5.0)
        x *= 0.5
        expected.append(x)
        last = t
    recorded = sg["x", 0][:, 0, 0]
    steps = [int(round(t / 0.1)) - 1 for t in times]
    assert np.allclose(recorded[steps], expected, rtol=0, atol=1e-12)
    assert np.allclose(sg.lastupdate, 10.0)


def test_dense_and_sparse_transmission_agree():
    def run(mode):
        net = Network(dt=0.1, seed=2)
        src = NeuronGroup(net, 20, {30: PoissonGroup(rate=80.0)}, tag="src")
        dst = NeuronGroup(net, 10, {30: Equations("dI_syn/dt = -I_syn/tau", method="exact", tau=3.0),
                                    91: Recorder(["I_syn"])}, tag="dst")
        rng = np.random.default_rng(0)
        W = rng.uniform(0, 1, (10, 20)) * (rng.random((10, 20)) < 0.4)
        SynapseGroup(net, src, dst, behaviour={20: SynapticEquations(on_pre="I_syn_post += w*scale", W=W, mode=mode,
                                                                     scale=2.0)})
        net.initialize()
        net.run(30, progress=False)
        return dst["I_syn", 0]
    dense, sparse = run("dense"), run("sparse")
    assert dense.max() > 1 and np.array_equal(dense, sparse)


def _refused(**kwargs):
    def go():
        net = Network(dt=0.1)
        g = NeuronGroup(net, 3, {30: Equations("dv/dt = -v")}, tag="g")
        SynapseGroup(net, g, g, behaviour={20: SynapticEquations(**kwargs)})
        net.initialize()
    with pytest.raises(Exception) as info:
        go()
    err = info.value.__cause__ or info.value
    assert isinstance(err, EquationError), repr(err)
    return str(err)


def test_refused_forms():
    assert "event-driven" in _refused(equations="dx/dt = -x/tau", on_pre="x += 1", tau=1.0)
    assert "read" in _refused(on_pre="v_post += w; w = w + v_post")
    assert "unknown name 'u'" in _refused(on_pre="u += w")
    assert "read-only" in _refused(on_pre="tau = 1", tau=1.0)
    assert "linear" in _refused(equations="dx/dt = -x**2 (event-driven)", on_pre="x += 1")
    assert "on_pre or on_post" in _refused()


def test_a_neuron_array_replaced_by_one_of_another_size_is_refused():
    from pymonn import BehaviourError

    net = Network(dt=0.1, seed=1)
    src = NeuronGroup(net, 5, {30: PoissonGroup(rate=500.0)}, tag="src")
    dst = NeuronGroup(net, 4, {30: Equations("dI_syn/dt = -I_syn/tau", tau=2.0)}, tag="dst")
    SynapseGroup(net, src, dst, behaviour={20: SynapticEquations(on_pre="I_syn += w", p=0.5, weight=1.0)})
    net.initialize()
    net.run(2, progress=False)
    dst.I_syn = np.zeros(1)
    with pytest.raises(BehaviourError) as info:
        net.run(1, progress=False)
    assert "I_syn" in str(info.value)
