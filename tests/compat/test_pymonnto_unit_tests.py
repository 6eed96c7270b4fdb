"""The user-visible behaviour PymoNNto's own unit tests (test_pymoNNto.py, 3.0.6) assert, on pymonn.

Written here in PymoNNto's spelling (a PymoNNto user's network, ``from pymonn import *`` only), one
test per PymoNNto test function; the assertions check the same facts: vector and matrix init
strings and shapes, running with behaviours switched off and on and recording off, the tag
system, storage manager parameters, and adding/removing behaviours at run time.
"""

import pytest
from compat_helpers import Counter

from pymonn import *


@pytest.fixture(autouse=True)
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Data").mkdir()
    set_genome({})
    yield tmp_path
    set_genome({})


def sample_network(as_list=False):
    net = Network()
    behaviours = [Counter(inc="[2#I]"), Recorder("count")]
    neurons = NeuronGroup(net=net, tag="my_neurons", size=100,
                          behavior=behaviours if as_list else {1: behaviours[0], 2: behaviours[1]})
    synapses = SynapseGroup(net=net, src=neurons, dst=neurons, tag="GLUTAMATE")
    sm = StorageManager("test", random_nr=False, print_msg=False)
    net.initialize(storage_manager=sm)
    return net, neurons, synapses, sm


def test_vectors_and_matrices_from_init_strings():
    net = Network()
    NeuronGroup(net=net, tag="neurons", size=100, behavior={})
    NeuronGroup(net=net, tag="neurons2", size=50, behavior={})
    SynapseGroup(net=net, tag="syn", src="neurons", dst="neurons2", behavior={})
    net.initialize()
    for make, shape in ((net.neurons.vector, (100,)), (net.syn.matrix, (50, 100))):
        assert make().shape == shape and (make() == 0).all()
        assert (make(1) == 1).all() and (make(-10) == -10).all()
        assert make(bool).dtype == bool and not make(bool).any()
        assert make(int).dtype == int and (make(int) == 0).all()
        for spec in ("uniform", "random"):
            values = make(spec)
            assert values.shape == shape and ((values >= 0) & (values <= 1)).all()
        assert make("lognormal(mean=1, sigma=1)").shape == shape and (make("lognormal(mean=1, sigma=1)") > 0).all()
        normal = make("normal(loc=1,scale=1)")
        assert normal.shape == shape and abs(normal.mean() - 1) < 0.5


@pytest.mark.parametrize("as_list", [False, True])
def test_behaviours_recording_and_tags(as_list, project):
    set_genome({"I": 1})
    net, neurons, synapses, sm = sample_network(as_list)
    net.simulate_iterations(1000)
    net.deactivate_behaviors("Counter")
    net.simulate_iterations(10)
    net.activate_behaviors("Counter")
    net.simulate_iterations(20)
    net.recording_off()
    net.simulate_iterations(30)
    assert net.iteration == 1000 + 10 + 20 + 30
    assert np.mean(neurons.count) == 1000 + 20 + 30  # the gene I = 1 replaced the default 2
    assert synapses.src == neurons and synapses.dst == neurons
    assert neurons.synapses(afferent, "GLUTAMATE") == [synapses]
    assert len(net.all_objects()) == 3
    assert net["my_neurons"] == [neurons]
    assert len(net["count", 0]) == net.iteration - 30
    net.clear_recorder()
    assert len(neurons["count", 0]) == 0
    assert net.tag_shortcuts["my_neurons"] == net["my_neurons"]
    # initialize(storage_manager=sm) kept the genome with the run
    assert sm.load_param("I") == 1
    assert (project / "Data" / "StorageManager" / "test" / "test" / "config.ini").is_file()


def test_storage_manager_parameters_and_group():
    sm = StorageManager("test", print_msg=False)
    assert (Path_of(sm) / "config.ini").is_file()
    sm.save_param("k", 0)
    assert sm.load_param("k") == 0
    sm.save_param_dict({"k1": 1, "k2": 2, "k3": 3})
    assert [sm.load_param(k) for k in ("k1", "k2", "k3")] == [1, 2, 3]
    sm2 = StorageManager("test", print_msg=False)
    sm2.save_param("k", 101)
    sm2.save_param("k1", 102)
    smg = StorageManagerGroup("test")
    smg.sort_by("k")
    assert smg.get_param_list("k") == [0, 101]
    table = smg.get_multi_param_list(["#SM#", "k", "k1"])
    assert table[0, 0].load_param("k") == 0 and table[0, 1].load_param("k") == 101
    assert (table[1, 0], table[1, 1], table[2, 0], table[2, 1]) == (0, 101, 1, 102)


def Path_of(sm):  # noqa: N802
    import pathlib

    return pathlib.Path(sm.absolute_path)


def test_adding_and_removing_behaviours_at_run_time():
    set_genome({"I": 1})
    net, neurons, synapses, sm = sample_network()
    neurons.count *= 0
    neurons.remove_behavior("Counter")
    net.simulate_iterations(10)
    assert np.mean(neurons.count) == 0
    neurons.add_behavior(0.5, Counter(inc="2"), initialize=True)
    net.simulate_iterations(10)
    assert np.mean(neurons.count) == 2 * 10
    neurons.remove_behavior("Counter")
    neurons.add_behavior(4, Counter(inc="2"), initialize=False)
    assert np.mean(neurons.count) == 2 * 10
