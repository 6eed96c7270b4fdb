"""A PymoNNto-style Hopfield network: per-neuron state ``v`` (+-1) and a scalar ``energy`` per group.

Hebbian weights store two patterns; each step ``v`` is updated from ``W @ v`` (with a little noise)
and ``energy = -1/2 v W v``. No variable holds spikes.
"""

from pymonn import *


class Hopfield_weights(Behavior):

    def initialize(self, n):
        patterns = np.sign(np.stack([n.vector('uniform'), n.vector('uniform')]) - 0.5)
        for s in n.synapses(afferent, 'GLUTAMATE'):
            s.W = patterns.T @ patterns / n.size
            np.fill_diagonal(s.W, 0.0)


class Hopfield_main(Behavior):

    def initialize(self, n):
        n.v = np.sign(n.vector('uniform') - 0.5)
        n.energy = 0.0

    def iteration(self, n):
        n.energy = 0.0
        for s in n.synapses(afferent, 'GLUTAMATE'):
            n.energy += -0.5 * n.v @ s.W @ n.v
            n.v = np.sign(s.W @ n.v + n.vector('normal(0, 0.3)'))


net = Network(seed=5)
NeuronGroup(net=net, tag='excitatory_neurons', size=get_squared_dim(64), behavior={
    1: Hopfield_weights(),
    2: Hopfield_main(),
    9: Recorder(['energy', 'v'], tag='my_recorder'),
})
SynapseGroup(net=net, src='excitatory_neurons', dst='excitatory_neurons', tag='GLUTAMATE')
net.initialize()

my_UI_modules = get_default_UI_modules(['v', 'energy'], ['W'])
Network_UI(net, modules=my_UI_modules, label='Hopfield', group_display_count=1).show()
