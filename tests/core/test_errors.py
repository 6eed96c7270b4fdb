"""Errors name what went wrong and where; recordings survive a failing behaviour."""

import warnings

import numpy as np
import pytest

from pymonn import *


class Boom(Behaviour):
    def initialize(self, n):
        self.at = self.parameter("at", 5)

    def iteration(self, n):
        if n.iteration == self.at:
            raise ZeroDivisionError("kaboom")


class Value(Behaviour):
    def initialize(self, n):
        n.v = n.vector()

    def iteration(self, n):
        n.v = n.v + 1


def test_behaviour_error_names_object_behaviour_key_iteration_and_chains():
    net = Network()
    g = NeuronGroup(net, 3, {1: Value(), 2: Boom(at=5), 9: Recorder("v")}, tag="cortex")
    with pytest.raises(BehaviourError) as info:
        net.simulate_iterations(10)
    err = info.value
    text = str(err)
    for part in ("Boom", "key 2", "NeuronGroup 'cortex'", "iteration 5", "ZeroDivisionError", "kaboom"):
        assert part in text
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert (err.obj, err.key, err.iteration, err.behaviour) == (g, 2, 5, g.behaviours[2])
    recorded = net["v", 0]  # steps 1-4 recorded, step 5 never reached the recorder
    np.testing.assert_array_equal(recorded[:, 0], [1, 2, 3, 4])
    assert net.iteration == 5


def test_errors_in_initialize_are_wrapped_too():
    class BadInit(Behaviour):
        def initialize(self, n):
            n.v = n.vector("normal(0, -1)")

    net = Network()
    NeuronGroup(net, 3, {1: BadInit()}, tag="g")
    with pytest.raises(BehaviourError, match="BadInit .key 1. of NeuronGroup 'g' raised InitStringError during initialize"):
        net.initialize()


@pytest.mark.parametrize("make, error, message", [
    (lambda net: NeuronGroup(net, -3), ConfigurationError, "size must be a positive int, got -3"),
    (lambda net: NeuronGroup(net, 0), ConfigurationError, "size must be a positive int"),
    (lambda net: NeuronGroup(net, 2.5), ConfigurationTypeError, "size must be a positive int or a NeuronDimension"),
    (lambda net: NeuronGroup("net", 3), ConfigurationTypeError, "needs a Network"),
    (lambda net: NeuronGroup(net, 3, behaviour="LIF"), ConfigurationTypeError, "must be a dict"),
    (lambda net: NeuronGroup(net, 3, sizes=4), ConfigurationTypeError, "unexpected keyword"),
    (lambda net: SynapseGroup(net, "exc", "nowhere"), TagNotFoundError, "no NeuronGroup has the dst tag 'nowhere'"),
    (lambda net: SynapseGroup(net, 3, "exc"), ConfigurationTypeError, "src must be a NeuronGroup or a tag"),
    (lambda net: SynapseGroup(net, "dup", "exc"), ConfigurationError, "names 2 groups"),
    (lambda net: Network(dt=0), ConfigurationError, "dt must be a positive number"),
    (lambda net: Network(dtype=np.int32), ConfigurationTypeError, "float64, float32 or float16"),
    (lambda net: Network(settings={"dtt": 1}), ConfigurationError, "settings .'dtt'. are unknown"),
    (lambda net: net.run("10 parsecs"), DurationError, "not understood"),
    (lambda net: net.simulate_iterations(-1), ConfigurationError, "non-negative int"),
    (lambda net: get_squared_dim(0), ConfigurationError, "positive int"),
    (lambda net: NeuronGroup(net, 1, tag=5), ConfigurationTypeError, "tag must be a str"),
])
def test_bad_constructor_input_fails_at_once(make, error, message):
    net = Network()
    NeuronGroup(net, 2, tag="exc")
    NeuronGroup(net, 2, tag="dup")
    NeuronGroup(net, 2, tag="dup")
    with pytest.raises(error, match=message):
        make(net)


def test_behaviour_cannot_be_shared_between_objects():
    net = Network()
    b = Value()
    NeuronGroup(net, 1, {1: b})
    with pytest.raises(ConfigurationError, match="already attached to NeuronGroup"):
        NeuronGroup(net, 1, {1: b})


def test_unused_keyword_is_reported_after_initialize():
    class Reads(Behaviour):
        def initialize(self, n):
            self.tau = self.parameter("tau", 10.0)

    net = Network()
    NeuronGroup(net, 1, {1: Reads(tau=5.0, tua=3.0)}, tag="g")
    expected = r"Reads \(key 1\) of NeuronGroup 'g' never read its parameter\(s\) \['tua'\]"
    with pytest.warns(UnusedParameterWarning, match=expected):
        net.initialize()
    net2 = Network()
    NeuronGroup(net2, 1, {1: Reads(tau=5.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net2.initialize()


def test_required_parameter_names_behaviour_and_group():
    class Needs(Behaviour):
        def initialize(self, n):
            self.parameter("rate", required=True)

    net = Network()
    NeuronGroup(net, 1, {1: Needs()}, tag="inputs")
    with pytest.raises(BehaviourError, match="Needs on NeuronGroup 'inputs' needs the parameter 'rate'"):
        net.initialize()


def test_init_string_error_names_the_parameter():
    class Model(Behaviour):
        def initialize(self, n):
            n.v = self.parameter("v", -65.0, n)

    net = Network()
    NeuronGroup(net, 3, {1: Model(v="gauss(0, 1)")}, tag="cells")
    with pytest.raises(BehaviourError, match="Model parameter 'v' on NeuronGroup 'cells'.*'gauss' is not an allowed"):
        net.initialize()
