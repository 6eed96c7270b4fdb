"""Behaviours added, removed, enabled and disabled while a network runs."""

import pytest

from pymonn import *


class Count(Behaviour):
    def initialize(self, obj):
        self.calls = 0
        self.init_at = obj.iteration

    def iteration(self, obj):
        self.calls += 1


def test_add_behaviour_mid_run_initializes_and_runs_from_next_step():
    net = Network()
    g = NeuronGroup(net, 2, {1: Count()}, tag="g")
    net.simulate_iterations(5)
    late = g.add_behavior(2, Count(tag="late"))
    assert late.initialized and late.init_at == 5
    net.simulate_iterations(5)
    assert g.behaviours[1].calls == 10 and late.calls == 5
    assert g.late is late
    with pytest.raises(DuplicateKeyError, match="already has Count at key 2"):
        g.add_behavior(2, Count())


def test_added_by_a_behaviour_during_a_step():
    net = Network()

    class Spawner(Behaviour):
        def iteration(self, obj):
            if obj.iteration == 2:
                obj.add_behavior(5, Count(tag="spawned"))

    NeuronGroup(net, 1, {1: Spawner()})
    net.simulate_iterations(4)
    assert net["spawned", 0].calls == 2  # steps 3 and 4


def test_remove_by_key_tag_and_instance():
    net = Network()
    a, b, c = Count(tag="x"), Count(tag="x"), Count()
    g = NeuronGroup(net, 1, {1: a, 2: b, 3: c}, tag="g")
    net.simulate_iterations(2)
    assert g.remove_behavior("x") == [a, b]
    net.simulate_iterations(2)
    assert (a.calls, b.calls, c.calls) == (2, 2, 4)
    g.remove_behavior(3)
    assert g.behaviours == {} and c.parent is None
    with pytest.raises(ConfigurationError, match="no behaviour matching 'nope'"):
        g.remove_behavior("nope")


def test_activate_deactivate_across_network_by_tag_and_class():
    net = Network()
    g1 = NeuronGroup(net, 1, {1: Count(tag="plastic"), 2: Count()})
    g2 = NeuronGroup(net, 1, {1: Count(tag="plastic")})
    net.simulate_iterations(1)
    net.deactivate_behaviors("plastic")
    net.simulate_iterations(3)
    assert [g1.behaviours[1].calls, g1.behaviours[2].calls, g2.behaviours[1].calls] == [1, 4, 1]
    net.activate_behaviors("plastic")
    g1.deactivate_behaviors(2)
    net.simulate_iterations(2)
    assert [g1.behaviours[1].calls, g1.behaviours[2].calls, g2.behaviours[1].calls] == [3, 4, 3]
    net.deactivate_behaviors("Count")
    net.simulate_iterations(2)
    assert g2.behaviours[1].calls == 3


def test_disabled_at_construction():
    net = Network()
    g = NeuronGroup(net, 1, {1: Count(behaviour_enabled=False)})
    net.simulate_iterations(3)
    assert g.behaviours[1].calls == 0
