"""Units in equations: each kind of inconsistency refused with the line, the term and both
dimensions; consistent units accepted, converted into pymonn's units and giving the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from equations_models import ADEX, ADEX_PARAMS, ADEX_UNIT_PARAMS, ADEX_UNITS, LIF, LIF_PARAMS
from pymonn.behaviours import ConstantCurrent
from pymonn.behaviours.equations import Equations

from pymonn import EquationError, Network, NeuronGroup, Recorder


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))
        yield


def build(model, amps=(500.0,), dt=0.1):
    net = Network(dt=dt, seed=1)
    g = NeuronGroup(net, len(amps), {10: ConstantCurrent(amplitude=np.asarray(amps)), 30: model,
                                     91: Recorder(["v"])}, tag="g")
    net.initialize()
    return net, g


def refused(model) -> EquationError:
    with pytest.raises(Exception) as info:
        build(model)
    err = info.value.__cause__ or info.value
    assert isinstance(err, EquationError), repr(err)
    return err


@pytest.mark.parametrize("equations, params, line, term, dims", [
    # a sum of a voltage rate and a current
    ("dv/dt = (E - v)/tau + I : mV\nI : pA", dict(E="-70 mV", tau="10 ms"), 1, "I", ("mV/ms", "pA")),
    # the right-hand side has the dimension of v, not of dv/dt
    ("dv/dt = E - v : mV", dict(E="-70 mV"), 1, "E - v", ("mV/ms", "mV")),
    # a plain number (dimensionless) added to a voltage
    ("dv/dt = (E - v + 5)/tau : mV", dict(E="-70 mV", tau="10 ms"), 1, "5", ("mV", "1 (dimensionless)")),
    # exp of a voltage
    ("dv/dt = exp(v)/tau : mV", dict(tau="10 ms"), 1, "v", ("mV",)),
    # a sub-expression declared in another unit than it has
    ("dv/dt = I_L/C : mV\nI_L = g*(E - v) : mV\nI : pA", dict(g="10 nS", E="-70 mV", C="200 pF"), 2, "g*(E - v)",
     ("pA", "mV")),
    # a quantity raised to a variable power
    ("dv/dt = (E - v)**k/tau : mV", dict(E="-70 mV", tau="10 ms", k=2.0), 1, "k", ("mV",)),
])
def test_inconsistent_units_are_refused_with_line_term_and_dimensions(equations, params, line, term, dims):
    err = refused(Equations(equations, **params))
    assert err.line == line and term in (err.name or "") + str(err), str(err)
    for d in dims:
        assert d in str(err), (d, str(err))


def test_a_threshold_comparing_a_voltage_with_a_plain_number_is_refused():
    err = refused(Equations("dv/dt = (E - v)/tau : mV", threshold="v > 30", E="-70 mV", tau="10 ms"))
    assert "threshold" in str(err) and "mV (voltage)" in str(err) and "1 (dimensionless)" in str(err)


def test_a_reset_giving_a_current_to_a_voltage_is_refused():
    err = refused(Equations("dv/dt = (E - v)/tau : mV", threshold="v > -50*mV", reset="v = b", E="-70 mV",
                            tau="10 ms", b="5 pA"))
    assert "reset" in str(err) and err.line == 1 and "pA" in str(err) and "mV" in str(err)


def test_a_parameter_given_in_a_unit_other_than_declared_is_refused():
    err = refused(Equations("dv/dt = (E - v)/tau : mV\ntau : ms", E="-70 mV", tau="10 mV"))
    assert "tau" in str(err) and "ms (time)" in str(err) and "mV (voltage)" in str(err)


def test_division_by_a_dimensioned_zero_is_refused():
    err = refused(Equations("dv/dt = (E - v)/(0*ms) : mV", E="-70 mV"))
    assert "division by zero" in str(err) and err.line == 1 and err.column is not None


def test_division_by_a_zero_parameter_is_refused():
    err = refused(Equations("dv/dt = (E - v)/tau", E=-70.0, tau=0.0))
    assert "division by zero" in str(err) and "tau" in str(err)


def test_consistent_units_give_the_numbers_of_the_unitless_model():
    _, plain = build(Equations(ADEX, threshold="v >= 0", reset="v = V_r; w += b", **ADEX_PARAMS), amps=(800.0,))
    _, units = build(Equations(ADEX_UNITS, threshold="v >= 0*mV", reset="v = V_r; w += b", **ADEX_UNIT_PARAMS),
                     amps=(800.0,))
    for g in (plain, units):
        g.network.run(100, progress=False)
    assert np.array_equal(plain["v", 0], units["v", 0])


def test_unit_strings_are_converted_into_pymonn_units():
    eq = Equations("dv/dt = (E - v)/tau + rate*mV : mV\nI : pA", E="-0.07 volt", tau="0.01 second", rate="100 Hz",
                   v="-70 mV")
    build(eq)
    assert float(eq.E[0]) == pytest.approx(-70.0) and float(eq.tau[0]) == pytest.approx(10.0)
    assert float(eq.rate[0]) == pytest.approx(0.1)  # 100 Hz = 0.1 per ms


def test_a_number_for_a_declared_unit_is_in_that_unit():
    eq = Equations("dv/dt = (E - v)/tau : mV\ntau : second\nE : mV", E=-70.0, tau=0.01)
    build(eq)
    assert float(eq.tau[0]) == pytest.approx(10.0)


def test_lif_with_units_is_the_lif_without():
    model = LIF.replace("(unless refractory)", ": mV (unless refractory)") + "\nI : pA\nR : Gohm"
    with_units = dict(LIF_PARAMS, v_rest="-70 mV", tau_m="10 ms", v_th="-55 mV", v_reset="-70 mV", v="-70 mV")
    net_a, a = build(Equations(LIF, threshold="v >= v_th", reset="v = v_reset", refractory=2.0, method="exact",
                               **LIF_PARAMS))
    net_b, b = build(Equations(model, threshold="v >= v_th", reset="v = v_reset", refractory="2 ms", method="exact",
                               **with_units))
    net_a.run(100, progress=False)
    net_b.run(100, progress=False)
    assert np.array_equal(a["v", 0], b["v", 0]) and a["v", 0].max() > -56


def test_without_units_nothing_is_checked():
    net, g = build(Equations("dv/dt = (E - v)/tau + I", E=-70.0, tau=10.0, v=-70.0), amps=(1.0,))
    net.run(50, progress=False)
    assert g.v[0] > -70.0
