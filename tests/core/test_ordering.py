"""Keys order behaviours across the whole network (DESIGN.md section 2)."""

import pytest

from pymonn import *


class Log(Behaviour):
    """Appends (name, phase) to a shared list."""

    def initialize(self, obj):
        self.name = self.parameter("name")
        self.log = self.parameter("log")
        self.log.append((self.name, "init"))

    def iteration(self, obj):
        self.log.append((self.name, obj.network.iteration))


def test_every_key1_runs_before_any_key2_across_groups():
    log = []
    net = Network(behaviour={1.5: Log(name="net1.5", log=log)})
    NeuronGroup(net, 3, {2: Log(name="A2", log=log), 1: Log(name="A1", log=log)}, tag="A")
    NeuronGroup(net, 3, {1: Log(name="B1", log=log), 3: Log(name="B3", log=log)}, tag="B")
    SynapseGroup(net, "A", "B", behaviour={0.5: Log(name="S0.5", log=log), 2: Log(name="S2", log=log)})
    net.initialize()
    log.clear()
    net.simulate_iterations(2)
    step1 = [name for name, it in log if it == 1]
    assert step1 == ["S0.5", "A1", "B1", "net1.5", "A2", "S2", "B3"]
    assert [it for _, it in log] == [1] * 7 + [2] * 7


def test_list_form_means_keys_0_to_n_minus_1():
    log = []
    net = Network()
    g = NeuronGroup(net, 1, [Log(name="first", log=log), Log(name="second", log=log)])
    NeuronGroup(net, 1, {0.5: Log(name="between", log=log)})
    assert sorted(g.behaviours) == [0, 1]
    net.initialize()
    log.clear()
    net.simulate_iteration()
    assert [n for n, _ in log] == ["first", "between", "second"]


def test_ties_keep_creation_order_and_recorders_initialize_last():
    log = []

    class Rec(Recorder):
        def initialize(self, obj):
            log.append(("rec", "init"))
            super().initialize(obj)

    net = Network()
    NeuronGroup(net, 1, {5: Rec([]), 1: Log(name="g1", log=log)})
    NeuronGroup(net, 1, {1: Log(name="g2", log=log), 9: Log(name="late", log=log)})
    net.initialize()
    assert log == [("g1", "init"), ("g2", "init"), ("late", "init"), ("rec", "init")]


def test_float_keys_and_bad_keys():
    net = Network()
    with pytest.raises(ConfigurationTypeError, match="must be a number"):
        NeuronGroup(net, 1, {"one": Log(name="x", log=[])})
    with pytest.raises(ConfigurationTypeError, match="Behaviour instance"):
        NeuronGroup(net, 1, {1: Log})
    with pytest.raises(ConfigurationTypeError, match="forget the parentheses"):
        NeuronGroup(net, 1, {1: Log})


def test_seed_matches_iteration_and_time():
    times = []

    class Clock(Behaviour):
        def iteration(self, obj):
            times.append((obj.iteration, obj.t, obj.network.t))

    net = Network(dt=0.25)
    NeuronGroup(net, 1, {1: Clock()})
    net.simulate_iterations(3)
    assert times == [(1, 0.25, 0.25), (2, 0.5, 0.5), (3, 0.75, 0.75)]
