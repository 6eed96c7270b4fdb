"""The script of examples/pymonnto_evolution.py: a PymoNNto-style network whose genes a search sets.

    python examples/pymonnto_evolution_slave.py                 # the defaults: noise 5, inhibition 1
    python examples/pymonnto_evolution_slave.py noise=9 inh=0.5 # genes as PymoNNto's runner passes them
    python examples/pymonnto_evolution_slave.py --quick         # 250 ms instead of 1 s (for tests)

Written as a PymoNNto user writes a slave file (``from pymonn import *`` was ``from PymoNNto import
*``): 400 excitatory and 100 inhibitory Izhikevich neurons (regular spiking, a = 0.02, b = 0.2,
c = -65, d = 8; dt = 0.5 ms) driven by uniform noise of amplitude ``'[5.0#noise]'``, all-to-all
synapses with uniform weights scaled by 100 / N_src, excitation 0.5 and inhibition ``'[1.0#inh]'``.
Both keywords are gene strings: the default unless a search sets the gene. It runs 1 s and scores
how close the excitatory rate is to 10 Hz, ``set_score(-(rate - 10)^2, info={'rate': rate})``. The
network is seeded from the gene ``seed`` (a search gives every trial its own), so a trial repeats.
"""

import sys

from pymonn import *

if "--help" in sys.argv or "-h" in sys.argv:
    print(__doc__)
    sys.exit(0)

TARGET_HZ = 10.0
DURATION_MS = 250.0 if "--quick" in sys.argv else 1000.0


class Izhikevich_Input(Behavior):
    def initialize(self, neurons):
        self.noise = self.parameter('noise', 5.0)
        self.exc = self.parameter('exc', 0.5)
        self.inh = self.parameter('inh', 1.0)
        for s in neurons.synapses(afferent):
            s.W = s.matrix('uniform') * (100.0 / s.src.size)

    def iteration(self, neurons):
        neurons.I = self.noise * neurons.vector('uniform')
        for s in neurons.synapses(afferent, 'GLUTAMATE'):
            neurons.I += self.exc * s.W[:, s.src.fired].sum(axis=1)
        for s in neurons.synapses(afferent, 'GABA'):
            neurons.I -= self.inh * s.W[:, s.src.fired].sum(axis=1)


class Izhikevich_Neuron(Behavior):
    def initialize(self, neurons):
        neurons.a, neurons.b, neurons.c, neurons.d = 0.02, 0.2, -65.0, 8.0
        neurons.v = neurons.vector(-65.0)
        neurons.u = neurons.b * neurons.v
        neurons.fired = neurons.vector(bool)

    def iteration(self, neurons):
        neurons.fired = neurons.v > 30
        neurons.v[neurons.fired] = neurons.c
        neurons.u[neurons.fired] += neurons.d
        for _ in range(2):  # two half steps of 0.25 ms for v, as in Izhikevich (2003)
            neurons.v += 0.25 * (0.04 * neurons.v ** 2 + 5 * neurons.v + 140 - neurons.u + neurons.I)
        neurons.u += 0.5 * neurons.a * (neurons.b * neurons.v - neurons.u)


My_Network = Network(dt=0.5, seed=get_gene('seed', 1))
for tag, size in (('exc', 400), ('inh', 100)):
    NeuronGroup(net=My_Network, tag=tag, size=size, behavior={
        1: Izhikevich_Input(noise='[5.0#noise]', exc=0.5, inh='[1.0#inh]'),
        2: Izhikevich_Neuron(),
        9: EventRecorder('fired', tag='spikes'),
    })
SynapseGroup(net=My_Network, src='exc', dst='exc', tag='GLUTAMATE')
SynapseGroup(net=My_Network, src='exc', dst='inh', tag='GLUTAMATE')
SynapseGroup(net=My_Network, src='inh', dst='exc', tag='GABA')
SynapseGroup(net=My_Network, src='inh', dst='inh', tag='GABA')
My_Network.initialize()
My_Network.simulate_iterations(f'{DURATION_MS:g}ms')

rate = My_Network['spikes', 0].count() / (My_Network.exc.size * DURATION_MS / 1000.0)  # spikes per neuron and s
set_score(-(rate - TARGET_HZ) ** 2, info={'rate': rate})
