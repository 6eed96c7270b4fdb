"""Recorder and EventRecorder: buffers, every=, max_length=, on/off, clear."""

import numpy as np
import pytest

from pymonn import *
from pymonn.buffers import RowBuffer


class Ramp(Behaviour):
    """v = iteration * [1, 2, 3]; fired where iteration % (i + 2) == 0."""

    def initialize(self, n):
        n.v = n.vector()
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v = n.iteration * np.arange(1.0, n.size + 1)
        n.fired = n.iteration % (np.arange(n.size) + 2) == 0


def ramp_net(*recorders, size=3):
    net = Network(dt=0.5)
    behaviours = {1: Ramp()}
    behaviours.update({10 + i: r for i, r in enumerate(recorders)})
    NeuronGroup(net, size, behaviours, tag="g")
    return net


def test_every_and_times():
    rec = Recorder(["v", "np.sum(v)"], every=3)
    net = ramp_net(rec)
    net.simulate_iterations(10)
    np.testing.assert_array_equal(rec.iterations, [3, 6, 9])
    np.testing.assert_array_equal(rec.t, [1.5, 3.0, 4.5])
    np.testing.assert_array_equal(rec["v"][:, 1], [6, 12, 18])
    np.testing.assert_array_equal(rec["np.sum(v)"], [18, 36, 54])


def test_every_step_and_every_kth_step_are_all_recorded():
    """Long enough runs that a recorder skipping any step (every 10th ...) or adding one is caught."""
    each, third = Recorder(["v"]), Recorder(["v"], every=3)
    net = ramp_net(each, third)
    net.simulate_iterations(47)
    np.testing.assert_array_equal(each.iterations, np.arange(1, 48))
    np.testing.assert_array_equal(each["v"], np.arange(1, 48)[:, None] * [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(third.iterations, np.arange(3, 48, 3))
    np.testing.assert_array_equal(third["v"][:, 2], np.arange(3, 48, 3) * 3.0)
    np.testing.assert_allclose(third.t, np.arange(3, 48, 3) * 0.5)


def test_max_length_is_a_ring_buffer():
    rec = Recorder("v", max_length=4)
    net = ramp_net(rec)
    net.simulate_iterations(10)
    np.testing.assert_array_equal(rec["v"][:, 0], [7, 8, 9, 10])
    np.testing.assert_array_equal(rec.iterations, [7, 8, 9, 10])
    assert rec._buffers["v"].nbytes == 4 * 3 * 8  # never more than max_length rows


def test_buffers_grow_in_chunks_without_lists():
    buf = RowBuffer(chunk=4)
    for k in range(1000):
        buf.append(np.array([k, k]))
    assert isinstance(buf._data, np.ndarray) and buf._data.shape[0] < 1500
    np.testing.assert_array_equal(buf.array()[:, 0], np.arange(1000))
    grows = 0
    cap = 0
    buf = RowBuffer(chunk=4)
    for k in range(10000):
        buf.append(k)
        if buf._data.shape[0] != cap:
            grows, cap = grows + 1, buf._data.shape[0]
    assert grows < 30  # geometric growth: amortised O(1) per append
    with pytest.raises(RecordingError, match="changed shape"):
        buf.append(np.zeros(2))


def test_returned_arrays_are_read_only_views():
    rec = Recorder("v")
    net = ramp_net(rec)
    net.simulate_iterations(3)
    data = rec["v"]
    with pytest.raises(ValueError):
        data[0, 0] = 99


def test_recording_off_on_and_clear():
    rec, ev = Recorder("v"), EventRecorder("fired")
    net = ramp_net(rec, ev)
    net.simulate_iterations(4)
    net.recording_off()
    net.simulate_iterations(4)
    net.recording_on()
    net.simulate_iterations(2)
    np.testing.assert_array_equal(rec.iterations, [1, 2, 3, 4, 9, 10])
    assert set(ev["fired.iteration"]) == {2, 3, 4, 9, 10}
    net.clear_recorder()
    assert len(rec["v"]) == 0 and ev.count() == 0
    net.simulate_iterations(1)
    np.testing.assert_array_equal(rec.iterations, [11])


def test_clear_recorder_by_tag():
    a, b = Recorder("v", tag="keep"), Recorder("v", tag="drop")
    net = ramp_net(a, b)
    net.simulate_iterations(2)
    net.clear_recorder("drop")
    assert len(a["v"]) == 2 and len(b["v"]) == 0


def test_event_recorder_pairs_match_dense_recording():
    ev, dense = EventRecorder("fired"), Recorder("fired")
    net = ramp_net(ev, dense, size=5)
    net.simulate_iterations(60)
    steps, idx = np.nonzero(dense["fired"])
    np.testing.assert_array_equal(ev["fired.i"], idx)
    np.testing.assert_array_equal(ev["fired.iteration"], steps + 1)
    np.testing.assert_allclose(ev["fired.t"], (steps + 1) * 0.5)
    pairs = ev["n.fired"]
    assert pairs.shape == (len(idx), 2)
    np.testing.assert_allclose(pairs[:, 0], ev["fired.t"])
    assert ev.nbytes <= 2 * 12 * 4096  # (t, i) as int64 + int32: 12 bytes per event
    assert net["fired.i", 0] is not None


def test_recorder_on_synapse_group_and_bad_input():
    net = Network()
    a = NeuronGroup(net, 2, {}, tag="a")

    class Weights(Behaviour):
        def initialize(self, s):
            s.W = s.matrix(1.0)

        def iteration(self, s):
            s.W += 1

    SynapseGroup(net, a, a, behaviour={1: Weights(), 2: Recorder(["W", "np.mean(s.W)"])})
    net.simulate_iterations(2)
    np.testing.assert_array_equal(net["np.mean(W)", 0], [2, 3])
    assert net["s.W", 0].shape == (2, 2, 2)
    with pytest.raises(ConfigurationError, match="every must be a positive int"):
        Recorder("v", every=0)
    with pytest.raises(ConfigurationError, match="variables must be a str or a list"):
        Recorder(5)


def test_ring_bulk_appends_wrap_in_order_and_tail_reads_newest():
    ring = RowBuffer(max_length=5, dtype=np.int32)
    ring.append_many(np.arange(3))
    ring.append_many(np.arange(3, 7))  # wraps: 0..6 written, 2..6 kept
    np.testing.assert_array_equal(ring.array(), [2, 3, 4, 5, 6])
    ring.append_repeated(9, 2)
    np.testing.assert_array_equal(ring.array(), [4, 5, 6, 9, 9])
    assert ring.array().dtype == np.int32
    ring.append_many(np.arange(100, 112))  # more than the ring holds: only the newest survive
    np.testing.assert_array_equal(ring.array(), [107, 108, 109, 110, 111])
    np.testing.assert_array_equal(ring.tail(3), [109, 110, 111])
    assert sum(len(s) for s in ring.segments()) == 5
    grow = RowBuffer(chunk=2)
    grow.append_repeated(7, 5)
    np.testing.assert_array_equal(grow.tail(10), [7] * 5)
    assert len(RowBuffer().tail(3)) == 0
