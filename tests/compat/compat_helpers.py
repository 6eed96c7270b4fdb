"""Behaviours the compat tests share, written as a PymoNNto user writes them."""

from pymonn import *


class Counter(Behavior):
    """PymoNNto's own test behaviour: every neuron's ``count`` grows by ``inc`` each step."""

    def initialize(self, neurons):
        self.inc = self.parameter("inc", 1)
        neurons.count = neurons.vector()

    def iteration(self, neurons):
        neurons.count += self.inc
