"""EventRecorder with and without the library's compiled helper: the same recordings, also when the
buffers grow, in a ring, for non-bool and non-contiguous values and for several variables."""

import numpy as np
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder
from pymonn import recording as recording_module
from pymonn.behaviour import Behaviour


class Flicker(Behaviour):
    """Sets ``fired`` (bool), ``count`` (int) and a strided bool view from the network's rng."""

    def initialize(self, g):
        g.fired = g.vector(bool)
        g.wide = np.zeros(2 * g.size, dtype=bool)
        g.count = np.zeros(g.size, dtype=np.int64)

    def iteration(self, g):
        if g.network.iteration % 25 == 0:  # a new array object now and then: the cached checks must notice
            g.fired = g.fired.copy()
        g.fired[:] = g.network.rng.random(g.size) < 0.3
        g.wide[::2] = g.fired[::-1]
        g.count[:] = g.network.rng.integers(0, 3, g.size)


def record(kernel, max_length=None, chunk=16):
    pytest.importorskip("numba")
    import pymonn.behaviours  # noqa: F401  (installs the compiled helper)

    old = recording_module.set_event_kernel(kernel if kernel != "library" else recording_module._event_kernel)
    try:
        net = Network(seed=7)
        g = NeuronGroup(net, 37, {1: Flicker(), 90: EventRecorder(["fired", "count", "wide[::2]"], chunk=chunk,
                                                                   max_length=max_length),
                                  91: Recorder(["fired"])})
        net.simulate_iterations(120, progress=False)
        rec = g["EventRecorder", 0]
        return {v: (rec[f"{v}.iteration"], rec[f"{v}.i"]) for v in rec.variables}, g["Recorder", 0]
    finally:
        recording_module.set_event_kernel(old)


@pytest.mark.parametrize("max_length,chunk", [(None, 16), (None, 5000), (50, 16)], ids=["growing", "roomy", "ring"])
def test_compiled_helper_records_exactly_what_numpy_records(max_length, chunk):
    with_kernel, rows = record("library", max_length, chunk)
    without, _ = record(None, max_length, chunk)
    assert recording_module._event_kernel is not None  # the library installed it
    for v in with_kernel:
        np.testing.assert_array_equal(with_kernel[v][0], without[v][0])
        np.testing.assert_array_equal(with_kernel[v][1], without[v][1])
        assert with_kernel[v][1].dtype == np.int32 and with_kernel[v][0].dtype == np.int64
    # the events are the True entries of the recorded rows (the newest 50 for the ring)
    step, index = np.nonzero(rows["fired"])
    truth_steps, truth_i = rows.iterations[step], index
    keep = slice(-max_length, None) if max_length else slice(None)
    np.testing.assert_array_equal(with_kernel["fired"][0], truth_steps[keep])
    np.testing.assert_array_equal(with_kernel["fired"][1], truth_i[keep])
    assert truth_i.size > 1000


def test_set_event_kernel_returns_the_previous_one():
    sentinel = object()
    old = recording_module.set_event_kernel(sentinel)
    try:
        assert recording_module.set_event_kernel(old) is sentinel
    finally:
        recording_module.set_event_kernel(old)


def test_clearing_mid_run_restarts_cleanly():
    pytest.importorskip("numba")
    import pymonn.behaviours  # noqa: F401

    net = Network(seed=3)
    g = NeuronGroup(net, 20, {1: Flicker(), 90: EventRecorder("fired", chunk=8), 91: Recorder(["fired"])})
    net.simulate_iterations(40, progress=False)
    g["EventRecorder", 0].clear()
    g["Recorder", 0].clear()
    net.simulate_iterations(30, progress=False)
    step, index = np.nonzero(g["Recorder", 0]["fired"])
    np.testing.assert_array_equal(g["EventRecorder", 0]["fired.iteration"], g["Recorder", 0].iterations[step])
    np.testing.assert_array_equal(g["EventRecorder", 0]["fired.i"], index)
