"""Scripts in either PymoNNto spelling run with only the import line changed (issue 2, item 3).

Both networks follow Izhikevich's 2003 random network as the PymoNNto tutorial writes it: 800
excitatory / 200 inhibitory neurons, uniform random weights, uniform noise input of 20, dt = 0.5.
The excitatory rate must lie within 0.0125-0.0155 spikes per neuron per step over 1000 steps.
"""

from pymonn import *

RATE_BAND = (0.0125, 0.0155)


# -- pre-3.0 spelling: set_variables / new_iteration / get_neuron_vec / behaviour= ------------------
class OldIzhikevich(Behaviour):
    def set_variables(self, n):
        self.set_init_attrs_as_variables(n)
        n.I = n.get_neuron_vec()
        n.a += n.get_neuron_vec()
        n.b += n.get_neuron_vec()
        n.c += n.get_neuron_vec()
        n.d += n.get_neuron_vec()
        n.v *= n.get_neuron_vec("uniform")
        n.u *= n.get_neuron_vec("uniform")
        n.fired = n.get_neuron_vec() > 0
        n.dt = 0.5

    def new_iteration(self, n):
        n.fired = n.v > 30
        if np.sum(n.fired) > 0:
            n.v[n.fired] = n.c[n.fired]
            n.u[n.fired] = n.u[n.fired] + n.d[n.fired]
        n.v += n.dt * (0.04 * n.v**2 + 5 * n.v + 140 - n.u + n.I)
        n.u += n.dt * (n.a * (n.b * n.v - n.u))


class OldInput(Behaviour):
    def set_variables(self, n):
        for s in n.afferent_synapses["All"]:
            s.W = s.get_synapse_mat("uniform")

    def new_iteration(self, n):
        n.I = 20 * n.get_neuron_vec("uniform")
        for s in n.afferent_synapses["GLUTAMATE"]:
            n.I += 0.5 * np.sum(s.W[:, s.src.fired], axis=1)
        for s in n.afferent_synapses["GABA"]:
            n.I -= np.sum(s.W[:, s.src.fired], axis=1)


def build_old(seed=None):
    net = Network(seed=seed)
    groups = []
    for tag, size in (("excitatory_neurons", 800), ("inhibitory_neurons", 200)):
        groups.append(NeuronGroup(net=net, tag=tag, size=get_squared_dim(size), behaviour={
            1: OldIzhikevich(a=0.02, b=0.2, c=-65, d=8.0, v="0;-65", u="0;-8.0"),
            2: OldInput(),
            9: Recorder(tag="my_recorder", variables=["n.v", "n.u", "n.fired"]),
        }))
    e, i = groups
    SynapseGroup(net=net, src=e, dst=e, tag="GLUTAMATE")
    SynapseGroup(net=net, src=e, dst=i, tag="GLUTAMATE")
    SynapseGroup(net=net, src=i, dst=e, tag="GABA")
    SynapseGroup(net=net, src=i, dst=i, tag="GABA")
    return net


# -- 3.x spelling: Behavior / initialize / iteration / vector / matrix / parameter / behavior= ---------
class NewIzhikevich(Behavior):
    def initialize(self, n):
        n.a = self.parameter("a", 0.02)
        n.b = self.parameter("b", 0.2)
        n.c = self.parameter("c", -65.0)
        n.d = self.parameter("d", 8.0)
        n.v = self.parameter("v", -65.0, n) * n.vector("uniform")
        n.u = self.parameter("u", -8.0, n) * n.vector("uniform")
        n.I = n.vector()
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.fired = n.v > 30
        n.v[n.fired] = n.c
        n.u[n.fired] += n.d
        n.v += n.dt * (0.04 * n.v**2 + 5 * n.v + 140 - n.u + n.I)
        n.u += n.dt * (n.a * (n.b * n.v - n.u))


class NewInput(Behavior):
    def initialize(self, n):
        self.noise = self.parameter("noise", 20.0)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform")

    def iteration(self, n):
        n.I = self.noise * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            n.I += 0.5 * s.W[:, s.src.fired].sum(axis=1)
        for s in n.synapses(afferent, "GABA"):
            n.I -= s.W[:, s.src.fired].sum(axis=1)


def build_new(seed=None):
    net = Network(dt=0.5, seed=seed)
    e = NeuronGroup(net, get_squared_dim(800), tag="exc", behavior={
        1: NewIzhikevich(v="0;-65", u="0;-8.0"),
        2: NewInput(noise=20.0),
        9: Recorder(["v", "np.mean(v)", "fired"]),
    })
    i = NeuronGroup(net, get_squared_dim(200), tag="inh", behavior={
        1: NewIzhikevich(v="0;-65", u="0;-8.0"),
        2: NewInput(),
        9: EventRecorder("fired"),
    })
    SynapseGroup(net, "exc", "exc", tag="GLUTAMATE")
    SynapseGroup(net, e, i, tag="GLUTAMATE")
    SynapseGroup(net, i, "exc", tag="GABA")
    SynapseGroup(net, "inh", "inh", tag="GABA")
    return net


def test_pre30_spelling_runs_in_rate_band(capsys):
    net = build_old(seed=3)
    net.initialize()
    net.simulate_iterations(1000, measure_block_time=True)
    assert "1000xBatch" in capsys.readouterr().out
    fired = net["n.fired", 0, "np"]
    assert fired.shape == (1000, 800)
    assert RATE_BAND[0] <= fired.mean() <= RATE_BAND[1]
    assert net["n.v", 0].shape == (1000, 800)
    assert net["n.u", 1].shape == (1000, 200)
    assert net["my_recorder", 0] is net.excitatory_neurons.my_recorder


def test_v3_spelling_runs_in_rate_band():
    net = build_new(seed=4)
    net.initialize()
    net.run("500ms")  # 1000 steps at dt = 0.5 ms
    assert net.iteration == 1000 and net.t == 500.0
    fired = net["fired", 0]
    assert RATE_BAND[0] <= fired.mean() <= RATE_BAND[1]
    mean_v = net["np.mean(v)", 0]
    np.testing.assert_allclose(mean_v, net["v", 0].mean(axis=1))
    inh_events = net.inh["EventRecorder", 0]
    assert inh_events.count() > 0 and inh_events["fired.i"].max() < 200

