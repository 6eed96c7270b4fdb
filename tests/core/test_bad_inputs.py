"""Bad input gets a named error at once, saying what was expected (issue 15, "bad inputs"): one row per
case the issue lists, and the siblings found next to them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pymonn import (
    BehaviourError,
    ConfigurationError,
    ConfigurationTypeError,
    ConversionWarning,
    DurationError,
    EventRecorder,
    ExpressionError,
    InitStringError,
    Network,
    NeuronGroup,
    Recorder,
    RecordingError,
    StateFileError,
    SynapseGroup,
)
from pymonn.storage import Checkpointer


def group_with(*behaviours, dt=0.1, size=4):
    import pymonn.behaviours as L

    net = Network(dt=dt, seed=1)
    g = NeuronGroup(net, size, {10: L.ConstantCurrent(amplitude=100.0), 30: L.LIF(),
                                **{90 + k: b for k, b in enumerate(behaviours)}}, tag="g")
    return net, g


def initialized(*behaviours):
    net, g = group_with(*behaviours)
    net.initialize()
    return net


def delta_with_delay(delay):
    import pymonn.behaviours as L

    net, g = group_with()
    SynapseGroup(net, g, g, tag="gg", behaviour={20: L.DeltaSynapse(p=0.5, weight=1.0, delay=delay)})
    net.initialize()


def streaming(cls, tmp_path):
    from pymonn.streaming import StreamingEventRecorder, StreamingRecorder

    return {"dense": StreamingRecorder, "events": StreamingEventRecorder}[cls](
        ["v"] if cls == "dense" else "fired", tmp_path / "no" / "such" / "folder" / "x.h5")


def cause(error):
    """The named error itself (a behaviour's error during initialize is chained under BehaviourError)."""
    return error.__cause__ if isinstance(error, BehaviourError) and error.__cause__ is not None else error


CASES = [  # id, make(tmp_path), expected error, words the message must contain
    # -- the list
    ("dt=inf", lambda p: Network(dt=float("inf")), ConfigurationError, "dt must be a positive number of ms (finite)"),
    ("seed='abc'", lambda p: Network(seed="abc"), ConfigurationError, "seed must be a non-negative int"),
    ("seed=1.5", lambda p: Network(seed=1.5), ConfigurationError, "got 1.5"),
    ("seed=-1", lambda p: Network(seed=-1), ConfigurationError, "got -1"),
    ("run(nan)", lambda p: initialized().run(float("nan")), DurationError, "must be a finite number of ms"),
    ("run(inf)", lambda p: initialized().run(float("inf")), DurationError, "got inf"),
    ("EventRecorder(float v)", lambda p: initialized(EventRecorder("v")), RecordingError,
     "'v' must be a spike variable"),
    ("Recorder(nonexistent)", lambda p: initialized(Recorder("nonexistent")), ExpressionError,
     "reads 'nonexistent', which NeuronGroup 'g' does not have after initialize"),
    ("Recorder(chunk=-3)", lambda p: Recorder("v", chunk=-3), ConfigurationError, "chunk must be a positive int"),
    ("vector(dtype=object)", lambda p: group_with()[1].vector(dtype=object), ConfigurationTypeError,
     "NeuronGroup 'g'.vector: arrays from init strings hold numbers"),
    ("DeltaSynapse(delay=10**9)", lambda p: delta_with_delay(10**9), ConfigurationError,
     "parameter 'delay': the largest delay, 1000000000 steps"),
    ("save() into a missing folder", lambda p: initialized().save(p / "missing" / "state.npz"), ConfigurationError,
     "the folder"),
    ("StreamingRecorder into a missing folder", lambda p: streaming("dense", p), ConfigurationError,
     "does not exist; create it first"),
    # -- siblings
    ("dt=nan", lambda p: Network(dt=float("nan")), ConfigurationError, "got nan"),
    ("dt setter inf", lambda p: setattr(Network(dt=0.1), "dt", float("inf")), ConfigurationError, "finite"),
    ("seed=True", lambda p: Network(seed=True), ConfigurationError, "got True"),
    ("run('1e999ms')", lambda p: initialized().run("1e999ms"), DurationError, "finite"),
    ("simulate_iterations('1e999 s')", lambda p: initialized().simulate_iterations("1e999 s"), ConfigurationError,
     "finite"),
    ("EventRecorder(chunk=0)", lambda p: EventRecorder("fired", chunk=0), ConfigurationError, "chunk must be"),
    ("Recorder(max_length=0)", lambda p: Recorder("v", max_length=0), ConfigurationError, "max_length must be"),
    ("Recorder(gapwidth=-1)", lambda p: Recorder("v", gapwidth=-1), ConfigurationError, "gapwidth must be"),
    ("Recorder(n.network)", lambda p: initialized(Recorder("n.network")), ExpressionError, "not a variable"),
    ("Recorder(n.rng)", lambda p: initialized(Recorder("n.rng")), ExpressionError, "a method, property or tag"),
    ("Recorder(n.__class__)", lambda p: initialized(Recorder("n.__class__")), ExpressionError, "private"),
    ("Recorder('9**9**9')", lambda p: initialized(Recorder("9**9**9")), ExpressionError, "exponent"),
    ("vector(dtype=str)", lambda p: group_with()[1].vector(dtype=str), ConfigurationTypeError, "dtype must be"),
    ("vector(scale='x')", lambda p: group_with()[1].vector("uniform", scale="x"), InitStringError,
     "scale must be a finite number"),
    ("vector(density=nan)", lambda p: group_with()[1].vector("ones", density=float("nan")), InitStringError,
     "density must be"),
    ("vector(object array)", lambda p: group_with()[1].vector(np.array([object()] * 4)), InitStringError,
     "cannot fill a state array"),
    ("init string binomial(1e20)", lambda p: group_with()[1].vector("binomial(100000000000000000000, 0.5)"),
     InitStringError, "too large"),
    ("init string uniform(-1e999)", lambda p: group_with()[1].vector("uniform(-1e999)"), InitStringError,
     "must be finite"),
    ("DeltaSynapse(delay=2**33)", lambda p: delta_with_delay(2**33), ConfigurationError, "below 2**32"),
    ("Checkpointer into a missing folder", lambda p: Checkpointer(p / "none" / "ck.npz", every=1).save(initialized()),
     ConfigurationError, "the folder"),
    ("StreamingEventRecorder into a missing folder", lambda p: streaming("events", p), ConfigurationError,
     "does not exist"),
    ("load a missing file", lambda p: initialized().load(p / "missing.npz"), StateFileError, "cannot open"),
]


@pytest.mark.parametrize("make, error, words", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_input_is_named_at_once(tmp_path, make, error, words):
    with pytest.raises((error, BehaviourError)) as info:
        make(tmp_path)
    named = cause(info.value)
    assert isinstance(named, error), repr(named)
    assert words in str(named), str(named)
    assert "0x" not in str(named)


def test_an_integer_array_assigned_to_v_mid_run_is_converted_back_with_a_warning():
    """Documented choice: a numeric array of another dtype is converted to the model's dtype (an int v was
    truncated at every step and stuck); a wrong size is a ConfigurationError naming the variable."""
    net, g = group_with()
    net.simulate_iterations(20, progress=False)
    g.v = np.full(4, -60, dtype=np.int64)
    with pytest.warns(ConversionWarning, match="variable 'v' was replaced by an array of int64; converted back to "
                                               "float64"):
        net.simulate_iterations(1, progress=False)
    assert g.v.dtype == np.float64 and np.all((g.v < -60.0) & (g.v > -66.0))  # from -60 towards v_inf = -66 mV
    before = g.v.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.simulate_iterations(5, progress=False)  # once converted, no more warnings
    assert np.all(g.v < before)
    g.v = np.zeros(7)
    with pytest.raises(BehaviourError) as info:
        net.simulate_iterations(1, progress=False)
    assert "variable 'v' must be an array of 4 float64 values" in str(info.value.__cause__)
