"""Behaviour.schedule_changed: called in execution order with the enabled behaviours, after every
change of the schedule; setting behaviour_enabled directly changes the schedule too."""

from pymonn import Behaviour, Network, NeuronGroup


class Spy(Behaviour):
    def initialize(self, obj):
        self.seen = []

    def schedule_changed(self, obj, schedule):
        self.seen.append([type(b).__name__ + str(b.key) for _, b in schedule])

    def iteration(self, obj):
        obj.calls = getattr(obj, "calls", []) + [self.key]


class Plain(Behaviour):
    def iteration(self, obj):
        obj.calls = getattr(obj, "calls", []) + [self.key]


def test_hook_sees_the_schedule_in_order_and_after_each_change():
    net = Network()
    g = NeuronGroup(net, 3, {5: Spy(), 1: Plain(), 9: Plain()})
    net.initialize()
    spy = g["Spy", 0]
    assert spy.seen == []  # not before the first step
    net.simulate_iterations(2, progress=False)
    assert spy.seen == [["Plain1", "Spy5", "Plain9"]]  # once, not every step
    g["Plain", 0].behaviour_enabled = False  # a plain attribute write reschedules
    net.simulate_iterations(1, progress=False)
    assert spy.seen[-1] == ["Spy5", "Plain9"]
    assert g.calls == [1, 5, 9, 1, 5, 9, 5, 9]
    g.deactivate_behaviors(9)
    net.simulate_iterations(1, progress=False)
    assert spy.seen[-1] == ["Spy5"]
    g.add_behaviour(3, Plain())
    net.simulate_iterations(1, progress=False)
    assert spy.seen[-1] == ["Plain3", "Spy5"]


def test_disabled_behaviour_gets_no_call():
    net = Network()
    g = NeuronGroup(net, 3, {5: Spy(behaviour_enabled=False), 1: Plain()})
    net.initialize()
    net.simulate_iterations(3, progress=False)
    assert g["Spy", 0].seen == [] and g.calls == [1, 1, 1]


def test_enabled_state_survives_a_state_file_round_trip():
    def build():
        net = Network(seed=1)
        g = NeuronGroup(net, 3, {1: Plain()}, tag="g")
        net.initialize()
        return net, g

    net, g = build()
    g.deactivate_behaviors(1)
    net.simulate_iterations(2, progress=False)
    fresh, g2 = build()
    fresh.load_state_dict(net.state_dict())
    assert g2["Plain", 0].behaviour_enabled is False
    fresh.simulate_iterations(2, progress=False)
    assert not hasattr(g2, "calls")  # the loaded flag took the behaviour out of the schedule
