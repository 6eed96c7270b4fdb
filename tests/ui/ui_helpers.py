"""Small networks and readers shared by the explorer's tests."""

from __future__ import annotations

import numpy as np

from pymonn import Behaviour, EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup, afferent, get_squared_dim


class Flicker(Behaviour):
    """Random spikes (probability ``p`` per neuron and step) and a uniform ``v``: data for recorders."""

    def initialize(self, n):
        self.p = self.parameter("p", 0.15)
        n.fired = n.vector(bool)
        n.v = n.vector("uniform")

    def iteration(self, n):
        n.fired = n.vector("uniform") < self.p
        n.v = n.vector("uniform")


class Drive(Behaviour):
    """Constant drive plus noise into the accumulator: I = amplitude + noise * uniform."""

    default_key = 10

    def initialize(self, n):
        self.amplitude = self.parameter("amplitude", 12.0)
        self.noise = self.parameter("noise", 4.0)

    def iteration(self, n):
        n.accumulator("I")[:] += self.amplitude + self.noise * n.vector("uniform")


class Delta(Behaviour):
    """W (uniform, scaled) from the afferent groups' spikes into I: +for 'exc', - for 'inh'."""

    default_key = 20

    def initialize(self, n):
        self.scale = self.parameter("scale", 2.0)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform") * self.scale

    def iteration(self, n):
        current = n.accumulator("I")
        for s in n.synapses(afferent, "exc"):
            current += s.W[:, s.src.fired].sum(axis=1)
        for s in n.synapses(afferent, "inh"):
            current -= s.W[:, s.src.fired].sum(axis=1)


class LIFModel(Behaviour):
    """tau dv/dt = -(v - v_rest) + I (Euler); fires at v_th and resets to v_reset."""

    default_key = 30

    def initialize(self, n):
        self.tau = self.parameter("tau", 10.0)
        self.v_th = self.parameter("v_th", -50.0)
        self.v_reset = self.parameter("v_reset", -65.0)
        self.v_rest = -65.0
        n.v = n.vector("uniform") * 15.0 - 65.0
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v += n.dt / self.tau * (self.v_rest - n.v + n.accumulator("I"))
        n.fired = n.v >= self.v_th
        n.v[n.fired] = self.v_reset


def small_network(seed: int = 3, n_exc: int = 64, n_inh: int = 16, dtype=np.float64) -> Network:
    """Two LIF-like groups on grids with recurrent random weights and recorders of their own."""
    net = Network(dt=0.5, seed=seed, dtype=dtype)
    for tag, size in (("exc", n_exc), ("inh", n_inh)):
        NeuronGroup(net, get_squared_dim(size), tag=tag, behaviour={
            10: Drive(amplitude=18.0 if tag == "exc" else 16.0),
            20: Delta(scale=1.5),
            30: LIFModel(),
            90: Recorder(["v"], tag="traces"),
            91: EventRecorder("fired", tag="spikes"),
        })
    SynapseGroup(net, "exc", "exc", tag="exc")
    SynapseGroup(net, "exc", "inh", tag="exc")
    SynapseGroup(net, "inh", "exc", tag="inh")
    SynapseGroup(net, "inh", "inh", tag="inh")
    net.initialize()
    return net


def behaviour_state(net) -> list:
    """What must be identical before opening and after closing an explorer."""
    out = []
    for obj in net.all_objects():
        out.append((obj.describe(), sorted((k, type(b).__name__, id(b), b.behaviour_enabled)
                                           for k, b in obj.behaviours.items())))
    out.append(("schedule", [(o.describe(), k, id(b)) for o, k, b in net.sorted_behaviours()]))
    return out



def recorded_spikes(group, t_start: float, t_stop: float):
    """(t, i) of the group's own EventRecorder within (t_start, t_stop]."""
    rec = group["spikes", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    keep = (t > t_start + 1e-9) & (t <= t_stop + 1e-9)
    return t[keep], i[keep].astype(np.int64)


def image_pixels(item) -> np.ndarray:
    """The RGBA bytes an image item renders (rows x 4*width), for comparing two items pixel by pixel."""
    from pymonn.ui._qt import QtGui

    item.render()
    q = item.qimage.convertToFormat(QtGui.QImage.Format_ARGB32)
    ptr = q.constBits()
    ptr.setsize(q.sizeInBytes())
    return np.frombuffer(ptr, np.uint8).reshape(q.height(), q.bytesPerLine())[:, : 4 * q.width()].copy()
