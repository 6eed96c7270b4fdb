"""A PymoNNto-style script (the paper's 'Basic' model with a custom tab), ending with Network_UI(...).show().

Voltage leaks, noise kicks a few neurons, a neuron spikes above 0.5 and resets; ``spike`` is a
float array of 0 and 1, as in PymoNNto's documentation. The tab plots the mean voltage that it asks
the UI to record, as PymoNNto's Basic_Tab.py does. With PYMONN_TEST_ITERATION_FILE set, the
network's iteration is written there when the process exits.
"""

import atexit
import os

from pymonn import *


class Basic_Behavior(Behavior):

    def initialize(self, neurons):
        neurons.voltage = neurons.vector()
        self.threshold = self.parameter('threshold', 0.5)
        self.leak_factor = self.parameter('leak_factor', 0.9)

    def iteration(self, neurons):
        firing = neurons.voltage > self.threshold
        neurons.spike = firing.astype(neurons.voltage.dtype)  # 0.0 / 1.0
        neurons.voltage[firing] = 0.0
        neurons.voltage *= self.leak_factor
        neurons.voltage += neurons.vector('uniform', density=0.05)


class Input_Behavior(Behavior):

    def initialize(self, neurons):
        for synapse in neurons.synapses(afferent, 'GLUTAMATE'):
            synapse.W = synapse.matrix('uniform', density=0.1)

    def iteration(self, neurons):
        for synapse in neurons.synapses(afferent, 'GLUTAMATE'):
            neurons.voltage += synapse.W.dot(synapse.src.spike) / synapse.src.size * 10


class MeanVoltageTab(TabBase):

    def __init__(self, title='mean voltage'):
        super().__init__(title)
        self.updates = 0

    def add_recorder_variables(self, neuron_group, Network_UI):
        Network_UI.add_recording_variable(neuron_group, 'np.mean(voltage)', timesteps=1000)

    def initialize(self, Network_UI):
        self.page = Network_UI.Next_Tab(self.title)
        self.curve = Network_UI.Add_plot_curve(x_label='iteration', y_label='mean voltage')

    def update(self, Network_UI):
        if self.page.isVisible():
            self.updates += 1
            data = Network_UI.network['np.mean(voltage)', 0, 'np'][-1000:]
            iterations = Network_UI.network['iteration', 0, 'np'][-1000:]
            self.curve.setData(iterations, data)


net = Network(seed=11)
neurons = NeuronGroup(net=net, tag='my_neurons', size=get_squared_dim(100), behavior={
    1: Basic_Behavior(),
    2: Input_Behavior(),
    9: Recorder(['voltage', 'np.mean(voltage)', 'spike'], tag='my_recorder'),
})
SynapseGroup(net=net, src=neurons, dst=neurons, tag='GLUTAMATE')
net.initialize()
net.simulate_iterations(30)  # recorded, then cleared when the UI is built (as in PymoNNto)

if os.environ.get('PYMONN_TEST_ITERATION_FILE'):
    atexit.register(lambda: open(os.environ['PYMONN_TEST_ITERATION_FILE'], 'w').write(str(net.iteration)))

my_UI_modules = [MeanVoltageTab()] + get_default_UI_modules(['voltage', 'spike'], ['W'])
Network_UI(net, modules=my_UI_modules, label='My_Network_UI', group_display_count=1).show()
print('the script went on after show()')
