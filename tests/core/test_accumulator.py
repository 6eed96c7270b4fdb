"""NeuronGroup.accumulator / accumulator_fresh: per-step input arrays."""

import numpy as np

from pymonn import Behaviour, Network, NeuronGroup


class Store(Behaviour):
    """Stores (first writer) or adds ``value`` through ``accumulator_fresh``; logs what it saw."""

    def initialize(self, n):
        self.value = self.parameter("value", 1.0)
        self.log = []

    def iteration(self, n):
        acc, first = n.accumulator_fresh("I")
        self.log.append(first)
        if first:
            acc[:] = self.value
        else:
            acc += self.value


class Add(Behaviour):
    def initialize(self, n):
        self.value = self.parameter("value", 1.0)

    def iteration(self, n):
        n.accumulator("I")[:] += self.value


class Read(Behaviour):
    def initialize(self, n):
        self.seen = []

    def iteration(self, n):
        self.seen.append(n.accumulator("I").copy())


def _run(behaviours, steps=3):
    net = Network(dt=0.1, seed=0)
    ng = NeuronGroup(net, 4, behaviours)
    net.initialize()
    net.simulate_iterations(steps, progress=False)
    return ng


def test_fresh_first_writer_overwrites_and_later_writers_add():
    ng = _run({10: Store(value=2.0), 20: Add(value=0.5), 30: Read()})
    assert ng["Store", 0].log == [True, True, True]
    for seen in ng["Read", 0].seen:  # no carry-over although nothing zeroed the array
        np.testing.assert_array_equal(seen, 2.5)


def test_fresh_after_accumulator_is_not_first():
    ng = _run({10: Add(value=0.5), 20: Store(value=2.0), 30: Read()})
    assert ng["Store", 0].log == [False, False, False]
    for seen in ng["Read", 0].seen:
        np.testing.assert_array_equal(seen, 2.5)


def test_fresh_does_not_zero_and_creates_the_array_once():
    net = Network(dt=0.1, seed=0, dtype=np.float32)
    ng = NeuronGroup(net, 3, {30: Read()})
    net.initialize()
    net.simulate_iterations(1, progress=False)
    a = ng.accumulator("I")
    a[:] = 7.0
    net.simulate_iterations(1, progress=False)  # Read zeroes it on first use in this step
    a[:] = 7.0
    net._iteration += 1  # a new step without running anything
    b, first = ng.accumulator_fresh("I")
    assert first and b is a and b.dtype == np.float32
    np.testing.assert_array_equal(b, 7.0)  # left for the caller to overwrite
    c, again = ng.accumulator_fresh("I")
    assert c is a and not again
    new, first_new = ng.accumulator_fresh("g_e")
    assert first_new and new.shape == (3,) and new.dtype == np.float32 and ng.g_e is new
