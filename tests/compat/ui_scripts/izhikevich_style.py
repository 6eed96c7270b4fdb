"""A PymoNNto-style Izhikevich network: 'exc' (80) and 'inh' (20) regular-spiking groups, bool ``fired``.

Only the first group is displayed (``group_display_count=1``).
"""

from pymonn import *


class Izhikevich_main(Behavior):

    def initialize(self, n):
        self.a, self.b, self.c, self.d = 0.02, 0.2, -65.0, 8.0
        n.v = n.vector(-65.0)
        n.u = self.b * n.v
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.fired = n.v > 30
        n.v[n.fired] = self.c
        n.u[n.fired] += self.d
        current = 5.0 * n.vector('normal(0, 1)') + 4.0
        for s in n.synapses(afferent):
            current += s.W[:, s.src.fired].sum(axis=1)
        n.v += 0.5 * (0.04 * n.v ** 2 + 5 * n.v + 140 - n.u + current)
        n.v += 0.5 * (0.04 * n.v ** 2 + 5 * n.v + 140 - n.u + current)
        n.u += self.a * (self.b * n.v - n.u)


class Weights(Behavior):

    def initialize(self, n):
        for s in n.synapses(afferent):
            s.W = s.matrix('uniform') * (0.5 if 'GLUTAMATE' in s.tags else -1.0)


net = Network(seed=7)
exc = NeuronGroup(net=net, tag='exc', size=80, behavior={
    1: Weights(), 2: Izhikevich_main(), 9: EventRecorder('fired', tag='spikes')})
inh = NeuronGroup(net=net, tag='inh', size=20, behavior={
    1: Weights(), 2: Izhikevich_main(), 9: EventRecorder('fired', tag='spikes')})
for src, dst in ((exc, exc), (exc, inh)):
    SynapseGroup(net=net, src=src, dst=dst, tag='GLUTAMATE')
for src, dst in ((inh, exc), (inh, inh)):
    SynapseGroup(net=net, src=src, dst=dst, tag='GABA')
net.initialize()

my_UI_modules = get_default_UI_modules(['fired', 'v', 'u'], ['W'])
Network_UI(net, modules=my_UI_modules, label='Izhikevich', group_display_count=1).show()
