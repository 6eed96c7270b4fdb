"""Runs that fail (issue 15, items 8-9): a step that raised half-way marks the network, which refuses to go
on until told; every recorder of the run ends at the same, last complete step; Ctrl-C ends a run after a
complete step."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest

from pymonn import Behaviour, BehaviourError, EventRecorder, Network, NeuronGroup, Recorder, StateError

h5py = pytest.importorskip("h5py", reason="streaming recorders write HDF5: the [io] extra (h5py)")
from pymonn.streaming import StreamingEventRecorder, StreamingRecorder, read_stream  # noqa: E402


class Ramp(Behaviour):
    def initialize(self, n):
        n.v = n.vector()
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v[:] = n.iteration
        n.fired[:] = n.iteration % 3 == 0


class Trouble(Behaviour):
    """At step ``at``: raise ``what`` ('error', 'interrupt'), or send SIGINT once ('sigint') or twice ('twice')."""

    def initialize(self, n):
        self.at, self.what = self.parameter("at", 50), self.parameter("what", "error")

    def iteration(self, n):
        if n.iteration != self.at:
            return
        if self.what == "error":
            raise ValueError(f"broken at step {self.at}")
        if self.what == "interrupt":
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGINT)
        if self.what == "twice":
            os.kill(os.getpid(), signal.SIGINT)


def network(folder, what, at=50):
    net = Network(dt=0.5, seed=0)
    g = NeuronGroup(net, 3, {1: Ramp(), 2: Recorder(["v"], tag="early", max_length=30), 3: EventRecorder("fired", tag="early_ev"),
                             4: StreamingRecorder(["v"], folder / "early.h5", chunk_steps=10),
                             5: StreamingEventRecorder("fired", folder / "early_ev.h5", chunk_steps=10),
                             6: Trouble(at=at, what=what),
                             7: Recorder(["v"], tag="late"), 8: EventRecorder("fired", tag="late_ev"),
                             9: StreamingRecorder(["v"], folder / "late.h5", chunk_steps=7)}, tag="g")
    net.initialize()
    return net, g


def last_steps(g):
    """The last recorded step of every recorder (and of the files their streams wrote)."""
    out = {}
    for key in (2, 4, 7, 9):
        out[key] = int(g.behaviours[key].iterations[-1])
        assert np.array_equal(g.behaviours[key]["v"][:, 0], g.behaviours[key].iterations)  # v = iteration
    for key in (3, 5, 8):
        out[key] = int(g.behaviours[key]["fired.iteration"][-1])
    for key in (4, 9, 5):
        g.behaviours[key].close()
    for name in ("early", "late"):
        data = read_stream(g.behaviours[4 if name == "early" else 9].path)
        out[f"{name}.h5"] = int(data["iteration"][-1])
        np.testing.assert_array_equal(data["iteration"], np.arange(1, data["iteration"][-1] + 1))
    events = read_stream(g.behaviours[5].path)
    out["early_ev.h5"] = int(events["fired.iteration"][-1])
    return out


def test_a_failed_step_marks_the_network_and_every_recorder_ends_before_it(tmp_path):
    net, g = network(tmp_path, "error")
    with pytest.raises(BehaviourError, match="broken at step 50"):
        net.simulate_iterations(100, progress=False)
    assert isinstance(net.failed, BehaviourError) and net.iteration == 50
    # steps 1..49 complete: every recorder ends at step 49 (48 for events: every third step fires), the
    # early ones having given back what they took in step 50, the flushed file rows included
    assert set(last_steps(g).values()) == {49, 48}
    assert last_steps_only_complete(g)
    for run in (lambda: net.simulate_iterations(1, progress=False), lambda: net.run(1.0, progress=False),
                lambda: net.simulate_iteration()):
        with pytest.raises(StateError, match=r"stopped half-way through step 50 .*resume_after_error"):
            run()
    assert net.iteration == 50  # refused: nothing ran
    assert net.resume_after_error() is not None and net.failed is None
    g.behaviours[6].at = -1
    net.simulate_iterations(10, progress=False)
    assert int(g.behaviours[2].iterations[-1]) == 60 and 50 not in g.behaviours[2].iterations


def last_steps_only_complete(g):
    return all(50 not in np.asarray(g.behaviours[k].iterations) for k in (2, 4, 7, 9))


def test_loading_a_state_clears_the_failure(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good, _ = network(tmp_path / "a", "error", at=10**9)
    good.simulate_iterations(30, progress=False)
    good.save(tmp_path / "s.npz")
    net, g = network(tmp_path / "b", "error", at=40)
    with pytest.raises(BehaviourError):
        net.simulate_iterations(100, progress=False)
    net.load(tmp_path / "s.npz")
    assert net.failed is None and net.iteration == 30
    g.behaviours[6].at = -1
    assert net.simulate_iterations(5, progress=False) == 5


@pytest.mark.parametrize("what", ["interrupt", "twice"])
def test_an_interrupt_inside_a_step_leaves_every_recorder_at_the_step_before(tmp_path, what):
    net, g = network(tmp_path, what)
    with pytest.raises(KeyboardInterrupt):
        net.simulate_iterations(100, progress=False)
    assert isinstance(net.failed, KeyboardInterrupt) and net.iteration == 50
    assert set(last_steps(g).values()) == {49, 48}


def test_ctrl_c_stops_after_a_complete_step_and_the_run_can_go_on(tmp_path):
    """One Ctrl-C: the step finishes for every behaviour and recorder, then KeyboardInterrupt; not a failure."""
    net, g = network(tmp_path, "sigint")
    with pytest.raises(KeyboardInterrupt, match="interrupted after step 50"):
        net.simulate_iterations(100, progress=False)
    assert net.failed is None and net.iteration == 50
    net.simulate_iterations(5, progress=False)  # goes on without being told
    assert set(last_steps(g).values()) == {55, 54}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back


def test_ctrl_c_during_a_single_step_call_is_a_half_done_step(tmp_path):
    net, g = network(tmp_path, "sigint", at=5)
    for _ in range(4):
        net.simulate_iteration()
    with pytest.raises(KeyboardInterrupt):
        net.simulate_iteration()  # no deferral for single steps: the interrupt lands inside step 5
    assert isinstance(net.failed, KeyboardInterrupt)
    assert int(g.behaviours[2].iterations[-1]) == int(g.behaviours[7].iterations[-1]) == 4


def test_outside_the_main_thread_an_interrupt_still_leaves_consistent_recorders(tmp_path):
    net, g = network(tmp_path, "interrupt", at=20)
    caught = []

    def run():
        try:
            net.simulate_iterations(100, progress=False)
        except KeyboardInterrupt as exc:
            caught.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert caught and isinstance(net.failed, KeyboardInterrupt)
    assert int(g.behaviours[2].iterations[-1]) == int(g.behaviours[7].iterations[-1]) == 19
