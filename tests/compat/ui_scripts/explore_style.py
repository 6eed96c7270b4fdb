"""A script that opens pymonn's own explorer with ``pymonn.ui.explore(net)`` as its last step."""

import atexit
import os

from pymonn.ui import explore

from pymonn import *


class Flicker(Behaviour):

    def initialize(self, n):
        n.fired = n.vector(bool)
        n.v = n.vector('uniform')

    def iteration(self, n):
        n.fired = n.vector('uniform') < 0.1
        n.v = n.vector('uniform')


net = Network(seed=2)
NeuronGroup(net, 50, {1: Flicker()}, tag='g')
net.initialize()
if os.environ.get('PYMONN_TEST_ITERATION_FILE'):
    atexit.register(lambda: open(os.environ['PYMONN_TEST_ITERATION_FILE'], 'w').write(str(net.iteration)))
explore(net)
print('the script went on after explore()')
