"""PymoNNto's equation modules (Clock, Variable, Equation) as PymoNNto's Examples_Paper/Eqation uses
them: the decay curve against exp(-t/tau), the clock's time step, errors; import pymonn stays numba-free."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from pymonn import ConfigurationError, EquationError, Network, NeuronGroup, Recorder
from pymonn.compat import Clock, Equation, Variable


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def test_pymonnto_equation_example_decays_as_exp_minus_t_over_tau():
    """Examples_Paper/Eqation/Equation_PymoNNto.py, word for word (time in ms: tau = 100 ms)."""
    net = Network()
    NeuronGroup(net=net, size=100, behavior={
        1: Clock(step='0.1*ms'),
        2: Variable(eq='v=1*mV'),
        3: Variable(eq='tau=100*ms'),
        4: Equation(eq='dv/dt=(0*mV-v)/tau'),
        9: Recorder(['v', 't'], tag='my_rec'),
    })
    net.initialize()
    net.simulate_iterations('1000*ms')
    t, v = net['t', 0], net['v', 0]
    assert net.dt == 0.1 and len(t) == 10_000 and v.shape == (10_000, 100)
    # PymoNNto's two-phase Euler step: the value recorded at t = k dt is (1 - dt/tau)^(k-1)
    k = np.arange(1, len(t) + 1)
    assert np.allclose(v[:, 0], (1 - 0.1 / 100) ** (k - 1), rtol=1e-12, atol=0)
    # ... which is exp(-t/tau) within Euler's error and the step of delay
    assert np.max(np.abs(v[:, 0] - np.exp(-t / 100.0))) < 1.1e-3
    assert np.allclose(v[:, 0], v[:, 99])


def test_clock_keeps_a_given_dt_and_refuses_another():
    net = Network(dt=0.1)
    NeuronGroup(net, 1, {1: Clock(step='0.1*ms')})
    net.initialize()
    assert net["Clock", 0].time_to_iterations('5*ms') == 50
    net = Network(dt=0.5)
    NeuronGroup(net, 1, {1: Clock(step='0.1*ms')})
    with pytest.raises(Exception) as info:
        net.initialize()
    assert isinstance(info.value.__cause__, ConfigurationError) and "0.5" in str(info.value)


def test_equation_modules_check_units_and_refuse_code():
    for behaviours, needle in (
        ({2: Variable(eq='v=1*mV'), 3: Variable(eq='tau=100*mV'), 4: Equation(eq='dv/dt=(0*mV-v)/tau')}, "dv/dt"),
        ({2: Variable(eq="v=__import__('os').getpid()")}, "allowed functions"),
        ({2: Variable(eq='v=1*mV'), 4: Equation(eq='dv/dt=-v/tau')}, "unknown name 'tau'"),
    ):
        net = Network(dt=0.1)
        NeuronGroup(net, 2, behaviours)
        with pytest.raises(Exception) as info:
            net.initialize()
        assert isinstance(info.value.__cause__, EquationError) and needle in str(info.value)


def test_from_pymonn_import_star_gives_the_modules_without_loading_numba():
    code = ("import sys\nfrom pymonn import *\nprint(Clock.__module__, Variable.__name__, Equation.__name__, "
            "'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["pymonn.compat.equations", "Variable", "Equation", "False"]
