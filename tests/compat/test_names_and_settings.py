"""PymoNNto's star-import names, network settings and object attributes (issue 10, items 1 and 2).

Written in PymoNNto's spelling: ``from pymonn import *`` is the only import a PymoNNto script has.
The expected values are PymoNNto 3.0.6's (read from its NetworkCore sources): ``float32`` is
numpy's type, ``SxD = 0``, ``DxS = 1``, ``def_dtype`` is the network's float type,
``matrix_dim()`` is (dst, src) unless the layout is SxD, ``NeuronGroup.id`` is ``arange(size)``.
"""

import subprocess
import sys

import pytest

from pymonn import *
from pymonn.errors import ConfigurationError


def two_groups(settings=None):
    net = Network(settings=settings or {})
    src = NeuronGroup(net=net, tag="src", size=100, behavior={})
    dst = NeuronGroup(net=net, tag="dst", size=50, behavior={})
    syn = SynapseGroup(net=net, src="src", dst="dst", tag="GLUTAMATE", behavior={})
    return net, src, dst, syn


def test_dtype_words_and_layout_constants_have_pymonntos_values():
    assert float32 is np.float32 and float64 is np.float64
    assert (SxD, DxS) == (0, 1)
    assert pre == preSynaptic == dendrite == afferent and post == postSynaptic == axon == efferent


def test_plt_is_matplotlib_pyplot_but_loads_only_when_used():
    code = (
        "import sys\n"
        "from pymonn import *\n"
        "print('before', 'matplotlib' in sys.modules)\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "fig = plt.figure()\n"
        "import matplotlib.pyplot as real\n"
        "print('after', plt.plot is real.plot, isinstance(fig, real.Figure))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["before", "False", "after", "True", "True"]


@pytest.mark.parametrize("settings, dtype", [
    ({}, np.float64),
    ({"dtype": float32}, np.float32),
    ({"dtype": float64, "syn_dim": DxS}, np.float64),
    ({"dtype": np.float16}, np.float16),
])
def test_def_dtype_is_the_networks_float_type(settings, dtype):
    net, src, dst, syn = two_groups(settings)
    for obj in (net, src, dst, syn):
        assert obj.def_dtype is dtype
    assert src.vector("uniform").dtype == dtype and syn.matrix("uniform").dtype == dtype
    # as PymoNNto scripts use it
    assert (syn.matrix("uniform") < 0.5).astype(dst.def_dtype).dtype == dtype


@pytest.mark.parametrize("settings, shape", [
    ({}, (50, 100)),
    ({"syn_dim": DxS}, (50, 100)),
    ({"syn_dim": SxD}, (100, 50)),
    ({"synapse_mode": SxD}, (100, 50)),       # the spelling PymoNNto's docs use
    ({"synapse_mode": "SxD"}, (100, 50)),     # pymonn's own spelling
    ({"dtype": float32, "syn_dim": SxD}, (100, 50)),
])
def test_matrix_dim_follows_the_layout_setting(settings, shape):
    net, src, dst, syn = two_groups(settings)
    assert syn.matrix_dim() == shape == syn.matrix().shape
    assert net.transposed_synapse_matrix_mode == (shape == (100, 50))
    w = syn.matrix("uniform")
    assert syn.ignore_transpose_mode(w).shape == (50, 100)


@pytest.mark.parametrize("settings, message", [
    ({"dtpye": float32}, r"settings \['dtpye'\] are unknown"),
    ({"syn_dim": 2}, "syn_dim=2 is not a synapse layout"),
    ({"synapse_mode": "DxD"}, "synapse_mode='DxD' is not a synapse layout"),
    ({"syn_dim": SxD, "synapse_mode": DxS}, "two different synapse layouts"),
    ({"dtype": int}, "float64, float32 or float16"),
])
def test_bad_settings_fail_at_once_naming_the_setting(settings, message):
    with pytest.raises((ConfigurationError, TypeError), match=message):
        Network(settings=settings)


def test_neuron_group_id_is_the_index_vector():
    net = Network()
    ng = NeuronGroup(net=net, tag="n", size=get_squared_dim(12), behavior={})
    np.testing.assert_array_equal(ng.id, np.arange(12))
    assert ng.id[ng.vector() == 0].sum() == 66
    with pytest.raises(ValueError):
        ng.id[0] = 5  # read-only: it is the group's numbering


def test_tag_shortcuts_maps_a_tag_to_what_a_lookup_returns():
    net, src, dst, syn = two_groups()
    assert net.tag_shortcuts["src"] == net["src"] == [src]
    assert net.tag_shortcuts["GLUTAMATE"] == [syn]
    assert "dst" in net.tag_shortcuts and "nothing" not in net.tag_shortcuts
    net.clear_tag_cache()  # nothing is cached, so a new group is found at once
    extra = NeuronGroup(net=net, tag="src", size=3, behavior={})
    assert net.tag_shortcuts["src"] == [src, extra]


def test_synapses_accepts_pymonntos_integer_directions():
    net, src, dst, syn = two_groups()
    assert dst.synapses(0) == dst.synapses(afferent) == [syn]
    assert src.synapses(1, "GLUTAMATE") == [syn]
    with pytest.raises(ConfigurationError, match="direction must be"):
        src.synapses(2)


def test_group_keywords_and_defaults_pymonnto_scripts_read():
    net = Network()
    ng = NeuronGroup(net, 10, {}, "coloured", blue)
    syn = SynapseGroup(net, ng, ng)
    assert ng.color == (0.0, 0.0, 255.0, 255.0)
    assert syn.enabled is True and syn.group_weighting == 1  # PymoNNto's defaults
    assert ng.BaseNeuronGroup is ng
    assert ng["NeuronDimension", 0] is None  # a plain int size has no geometry
    geo = NeuronGroup(net, get_squared_dim(20), {}, "grid")
    assert geo["NeuronDimension", 0] is geo.NeuronDimension and (geo.width, geo.height) == (4, 5)


class Count(Behavior):
    def initialize(self, n):
        self.step = self.parameter("arg_0", 1)
        n.count = n.vector()

    def iteration(self, n):
        n.count += self.step


def test_behavior_spellings_pymonnto_uses():
    net = Network()
    ng = NeuronGroup(net, 4, {1: Count(3), 9: Recorder("count", gapwidth=2)}, "g")
    b = ng.behavior[1]
    assert b is ng.behaviours[1] and b.init_kwargs["arg_0"] == 3
    b.add_tag("counter")
    assert ng["counter"] == [b] and ng.counter is b
    net.initialize()
    net.simulate_iterations(4)
    b.behavior_enabled = False  # PymoNNto's flag name switches the behaviour off
    net.simulate_iterations(2)
    assert ng.count[0] == 12 and b.behaviour_enabled is False
    # gapwidth=2 records every second step, as PymoNNto's counter does
    assert list(ng.Recorder.iterations) == [2, 4, 6]
    ng.recording = False
    net.simulate_iterations(2)
    assert list(ng.Recorder.iterations) == [2, 4, 6] and ng.recording is False
    ng.Recorder.clear_recorder()
    assert len(ng["count", 0]) == 0
    net.set_behaviors("Count", True)
    ng.remove_behavior(Count)  # by class, as PymoNNto allows
    assert ng.behaviours.keys() == {9}


def test_star_import_gives_pymonnto_scripts_their_names():
    namespace = {}
    exec("from pymonn import *", namespace)
    for name in ("float32", "float64", "SxD", "DxS", "plt", "get_gene", "set_genome", "set_score", "get_genome",
                 "gene", "os", "sys", "time", "copy", "math", "is_number"):
        assert name in namespace, name


def test_pre30_names_of_random_vectors_and_the_dtype_global():
    net = Network(seed=3)
    ng = NeuronGroup(net, 1000, {})
    syn = SynapseGroup(net, ng, ng)
    v = ng.get_random_neuron_vec(density=0.25)
    assert 0.2 < (v > 0).mean() < 0.3 and v.max() <= 1
    assert syn.get_random_synapse_mat(density=0.1).shape == (1000, 1000)
    assert def_dtype is np.float64  # PymoNNto 2.x's global


@pytest.mark.parametrize("spec, check", [
    ("zeros()", lambda v: (v == 0).all()), ("ones()", lambda v: (v == 1).all()),
    ("rand", lambda v: ((v >= 0) & (v <= 1)).all() and v.std() > 0.1),
    ("rnd", lambda v: ((v >= 0) & (v <= 1)).all() and v.std() > 0.1),
])
def test_pymonntos_init_string_spellings(spec, check):
    net = Network(seed=1)
    assert check(NeuronGroup(net, 200, {}).vector(spec))
