"""A PymoNNto-style script whose behaviour raises at iteration 11 (after the UI opened)."""

from pymonn import *


class Breaks(Behavior):

    def initialize(self, n):
        n.fired = n.vector(bool)
        n.v = n.vector('uniform')

    def iteration(self, n):
        if n.iteration > 10:
            raise ValueError('broken on purpose')
        n.fired = n.v > 0.9


net = Network(seed=1)
NeuronGroup(net=net, tag='g', size=20, behavior={1: Breaks()})
net.initialize()
Network_UI(net, modules=get_default_UI_modules(['fired', 'v'], ['W'])).show()
