"""A PymoNNto-style script whose window closes itself after a while (tests the blocking show())."""

from PyQt5 import QtCore

from pymonn import *


class Flicker(Behavior):

    def initialize(self, n):
        n.fired = n.vector(bool)
        n.v = n.vector('uniform')

    def iteration(self, n):
        n.fired = n.vector('uniform') < 0.1
        n.v = n.vector('uniform')


net = Network(seed=4)
NeuronGroup(net=net, tag='g', size=30, behavior={1: Flicker()})
net.initialize()
ui = Network_UI(net, modules=get_default_UI_modules(['fired', 'v'], ['W']), label='closes itself')
QtCore.QTimer.singleShot(800, ui.explorer.close)  # builds the window; it closes 0.8 s after show()
ui.show()
print(f'show() returned after the window closed, at iteration {net.iteration}')
