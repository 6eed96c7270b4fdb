"""Tags, lookups and attribute shortcuts."""

import numpy as np
import pytest

from pymonn import *


class Noop(Behaviour):
    def iteration(self, obj):
        pass


def make():
    net = Network(tag="net")
    exc = NeuronGroup(net, 4, {1: Noop(tag="dyn,fast"), 9: Recorder(["v"], tag="my_recorder")}, tag="exc,GLUTAMATE")
    inh = NeuronGroup(net, 2, {1: Noop(tag="dyn")}, tag="inh")
    syn = SynapseGroup(net, exc, inh, tag="EI,GLUTAMATE")
    return net, exc, inh, syn


def test_multi_tags_and_class_names_are_tags():
    net, exc, inh, syn = make()
    assert exc.tags == ["exc", "GLUTAMATE", "NeuronGroup"]
    assert net["exc"] == [exc]
    assert net["GLUTAMATE"] == [exc, syn]
    assert net["NeuronGroup"] == [exc, inh]
    assert net["dyn"] == [exc.behaviours[1], inh.behaviours[1]]
    assert net["Noop", 1] is inh.behaviours[1]
    assert net["dyn", 5] is None
    assert exc["dyn"] == [exc.behaviours[1]] and inh["fast"] == []


def test_shortcuts_where_name_is_free():
    net, exc, inh, syn = make()
    assert net.exc is exc and net.inh is inh and net.EI is syn
    assert exc.my_recorder is exc.behaviours[9]
    exc.v = np.zeros(4)  # a variable wins over nothing; shortcuts never shadow real attributes
    net2 = Network()
    g = NeuronGroup(net2, 1, tag="run")  # 'run' is a method: no shortcut
    assert callable(net2.run) and net2["run", 0] is g
    with pytest.raises(AttributeError, match="has no variable or tag 'nope'"):
        exc.nope  # noqa: B018


def test_afferent_efferent_and_synapses():
    net, exc, inh, syn = make()
    assert inh.afferent_synapses["EI"] == [syn] and inh.afferent_synapses["All"] == [syn]
    assert exc.efferent_synapses["GLUTAMATE"] == [syn]
    assert inh.afferent_synapses["GABA"] == []
    assert inh.synapses(afferent) == [syn] and exc.synapses(efferent, "EI") == [syn]
    assert exc.synapses(afferent) == []
    with pytest.raises(ConfigurationError, match="afferent' or 'efferent"):
        exc.synapses("sideways")


def test_recorded_variables_by_lookup_and_np():
    net, exc, inh, syn = make()
    exc.behaviours[1].iteration = lambda n: setattr(n, "v", np.full(4, float(n.iteration)))
    net.simulate_iterations(3)
    v = net["v", 0]
    assert isinstance(v, np.ndarray) and v.shape == (3, 4)
    np.testing.assert_array_equal(net["n.v", 0][:, 0], [1, 2, 3])
    assert len(net["v"]) == 1
    assert np.asarray(net["n.v", 0, "np"]).shape == (3, 4)
    assert exc.my_recorder["n.v"].shape == (3, 4)


def test_all_objects_and_geometry():
    net, exc, inh, syn = make()
    assert net.all_objects() == [net, exc, inh, syn]
    dim = get_squared_dim(800)
    assert (dim.width, dim.height, dim.size) == (25, 32, 800)
    g = NeuronGroup(net, NeuronDimension(width=3, height=2, depth=2), tag="grid")
    assert g.size == 12
    np.testing.assert_array_equal(g.x[:4], [0, 1, 2, 0])
    np.testing.assert_array_equal(g.y[:7], [0, 0, 0, 1, 1, 1, 0])
    np.testing.assert_array_equal(g.z, [0] * 6 + [1] * 6)
