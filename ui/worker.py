"""The simulation worker: runs the network in batches on a QThread while the GUI draws.

Two threads touch the network: the worker (which steps it) and the GUI thread (which copies what
the panels draw, applies parameter edits and runs console code). :class:`SimulationLock` keeps
them apart: the worker holds it for one batch at a time, and a GUI thread that asks for it gets it
at the end of the current batch (a turnstile stops the worker from taking it straight back). So the
GUI never reads half-written buffers and a batch never sees a half-applied edit.
"""

from __future__ import annotations

import threading
import time
import traceback
from contextlib import contextmanager

import numpy as np

from ._qt import QtCore, pyqtSignal, pyqtSlot
from .affinity import calling_thread_affinity, pin_calling_thread


class SimulationLock:
    """Mutual exclusion between simulation batches and GUI access, fair to the GUI.

    ``with lock.hold():`` (GUI side, re-entrant) waits for the running batch to end and keeps
    the worker out until the block exits. ``with lock.batch():`` is the worker's side.

    Parameters
    ----------
    interrupt : callable, optional
        Called when ``hold`` has to wait for a running batch, to end that batch early (the
        explorer passes ``net.stop``: the batch then ends after the current step, so the GUI waits
        for one step rather than a whole batch).
    """

    def __init__(self, interrupt=None) -> None:
        self._lock = threading.RLock()
        self._turnstile = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._in_batch = False
        self.interrupt = interrupt

    @contextmanager
    def hold(self):
        """GUI side: wait for the running batch to end and keep the worker out inside the block."""
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._turnstile:
            if self._in_batch and self.interrupt is not None:
                self.interrupt()
            self._lock.acquire()
        self._owner, self._depth = me, 1
        try:
            yield
        finally:
            self._owner, self._depth = None, 0
            self._lock.release()

    @contextmanager
    def batch(self):
        """Worker side: run one batch unless the GUI is waiting."""
        with self._turnstile:  # wait here while a GUI request is pending
            pass
        with self._lock:
            self._in_batch = True
            try:
                yield
            finally:
                self._in_batch = False

    def held_by_me(self) -> bool:
        """Whether the calling thread holds the lock through :meth:`hold`."""
        return self._owner == threading.get_ident()


def paced_steps(now: float, anchor: tuple[float, int], iteration: int, speed: float, dt: float,
                limit: int) -> tuple[int, float]:
    """Steps due under real-time pacing, and seconds until the next one is due.

    With ``speed`` simulated ms per real ms (1.0: real time, 0.1: ten times slower), the network
    should be at step ``i0 + speed * (now - t0) * 1000 / dt`` at wall time ``now`` (seconds),
    counted from ``anchor = (t0, i0)``. Returns ``(min(due, limit), wait)``: ``due`` steps to run
    now (0 when ahead), ``wait`` seconds until the next step is due (0 when steps are due).
    """
    per_second = speed * 1000.0 / dt  # steps per real second
    t0, i0 = anchor
    target = i0 + int(np.floor((now - t0) * per_second + 1e-9))
    due = target - iteration
    if due > 0:
        return min(due, limit), 0.0
    return 0, (iteration + 1 - i0) / per_second - (now - t0)


class SimulationWorker(QtCore.QObject):
    """Runs the network on its own QThread: free running, paced, or a fast-forward of N steps.

    Control methods (``run``, ``pause``, ``fast_forward``, ``cancel``, ``tick``, ``shutdown``) are
    called from the GUI thread and only set flags; results come back as queued Qt signals.

    Signals
    -------
    progress(done, total)
        During a fast-forward, after every batch.
    finished(kind, done, total, cancelled)
        When a fast-forward ends (``kind == 'fast-forward'``).
    failed(message)
        A behaviour raised; the worker stops and the network keeps the state of the failed step.
    """

    progress = pyqtSignal(int, int)
    finished = pyqtSignal(str, int, int, bool)
    failed = pyqtSignal(str)

    def __init__(self, net, lock: SimulationLock) -> None:
        super().__init__()
        self.net = net
        self.lock = lock
        self._cv = threading.Condition()
        self.mode = "idle"  # 'idle', 'run', 'ff'
        self.steps_per_frame = 0  # 0: free running, else N steps per GUI frame
        self.speed: float | None = None  # simulated ms per real ms while running (None: as fast as it can)
        self._anchor: tuple[float, int] | None = None  # (wall time, step) pacing counts from
        self.batch_seconds = 0.05  # batch length; the GUI interrupts a batch when it needs the network
        self.ff_batch_seconds = 0.1
        self._ticks = 0
        self._ff_total = 0
        self._ff_done = 0
        self._cancel = False
        self._shutdown = False
        self.step_seconds = 0.0  # moving average of wall time per step inside batches
        self.last_error: str | None = None
        self.cpu: int | None = None  # the core the thread pins itself to when it starts (see affinity.py)
        self.affinity: set[int] | None = None  # the thread's affinity once it runs (for tests)

    # -- control (GUI thread) -------------------------------------------------------------------
    def run(self) -> None:
        """Start running freely (or paced, with ``steps_per_frame`` or ``speed``)."""
        with self._cv:
            if self.mode == "idle":
                self.last_error = None
                self._anchor = None
                self.mode = "run"
                self._cv.notify_all()

    def set_speed(self, speed: float | None) -> None:
        """Real-time factor while running (1.0: simulated time runs as fast as the clock; None: max)."""
        if speed is not None and not (np.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive number of simulated ms per real ms or None, got {speed!r}")
        with self._cv:
            self.speed = None if speed is None else float(speed)
            self._anchor = None  # pacing counts from now
            self._cv.notify_all()

    def pause(self) -> None:
        """Stop running: the current batch ends after its current step."""
        with self._cv:
            if self.mode == "run":
                self.mode = "idle"
                if self.lock._in_batch:
                    self.net.stop()
            self._cv.notify_all()

    def fast_forward(self, steps: int) -> bool:
        """Start a fast-forward of ``steps`` steps; False when one is already running."""
        with self._cv:
            if self.mode == "ff":
                return False
            self._ff_total, self._ff_done, self._cancel = int(steps), 0, False
            self.last_error = None
            self.mode = "ff"
            self._cv.notify_all()
        return True

    def cancel(self) -> None:
        """Cancel a running fast-forward (it stops within one step)."""
        with self._cv:
            if self.mode == "ff":
                self._cancel = True
                self.net.stop()
            self._cv.notify_all()

    def tick(self) -> None:
        """One GUI frame passed: in paced mode the worker may run one more batch."""
        if self.steps_per_frame > 0:
            with self._cv:
                self._ticks = 1
                self._cv.notify_all()

    def shutdown(self) -> None:
        """End the loop (a running fast-forward is reported as cancelled)."""
        with self._cv:
            self._shutdown = True
            self._cancel = True
            if self.mode == "ff":
                self.net.stop()
            self._cv.notify_all()

    @property
    def busy(self) -> bool:
        """Running, fast-forwarding, or still finishing a batch."""
        return self.mode != "idle" or self.lock._in_batch

    # -- the thread's loop ----------------------------------------------------------------------
    def _batch_size(self, seconds: float) -> int:
        if self.step_seconds <= 0:
            return 10
        return int(max(1, min(100_000, seconds / self.step_seconds)))

    @pyqtSlot()
    def loop(self) -> None:
        """Wait for work and do it in batches until :meth:`shutdown`."""
        pin_calling_thread(self.cpu)
        self.affinity = calling_thread_affinity()
        while True:
            with self._cv:
                while not self._shutdown and (
                    self.mode == "idle" or (self.mode == "run" and self.steps_per_frame > 0 and self._ticks == 0)
                ):
                    self._cv.wait(0.1)
                if self._shutdown:
                    if self.mode == "ff":
                        self._finish_ff(cancelled=True)
                    return
                mode = self.mode
                if mode == "run" and self.steps_per_frame > 0:
                    self._ticks = 0
                    n = self.steps_per_frame
                elif mode == "run" and self.speed is not None:
                    n = self._paced_batch()
                    if n == 0:
                        continue
                elif mode == "run":
                    n = self._batch_size(self.batch_seconds)
                else:
                    n = min(self._batch_size(self.ff_batch_seconds), self._ff_total - self._ff_done)
            done = self._run_batch(n, mode)
            if mode == "ff":
                with self._cv:
                    self._ff_done += done
                    finished = self._ff_done >= self._ff_total or self._cancel or self.last_error is not None
                    if finished and self.mode == "ff":
                        self._finish_ff(cancelled=self._ff_done < self._ff_total)
                self.progress.emit(self._ff_done, self._ff_total)

    def _paced_batch(self) -> int:
        """Steps to run now under ``speed`` (called holding the condition); waits when ahead.

        Batches are at most 10 ms of wall time, so that the GUI sees the network advance smoothly;
        a network slower than the pace runs as fast as it can, and pacing restarts from where it
        is (no burst to catch up).
        """
        now = time.perf_counter()
        limit = self._batch_size(0.01)
        if self._anchor is None:
            self._anchor = (now, self.net.iteration)
        due, wait = paced_steps(now, self._anchor, self.net.iteration, self.speed, self.net.dt, 2**62)
        if due == 0:
            self._cv.wait(min(max(wait, 0.0005), 0.05))
            return 0
        if (due - limit) / (self.speed * 1000.0 / self.net.dt) > 0.25:  # a quarter second behind the pace:
            self._anchor = (now, self.net.iteration)  # the network is slower than it; no burst to catch up
        return min(due, limit)

    def _finish_ff(self, cancelled: bool) -> None:
        self.mode = "idle"
        self.finished.emit("fast-forward", self._ff_done, self._ff_total, cancelled)

    def _run_batch(self, n: int, mode: str) -> int:
        if n <= 0:
            return 0
        with self.lock.batch():
            if self.mode != mode or self._shutdown or (mode == "ff" and self._cancel):
                return 0
            start = time.perf_counter()
            try:
                done = self.net.simulate_iterations(n, progress=False)
            except Exception as exc:  # a behaviour failed: stop and report, never crash the GUI
                self.last_error = "".join(traceback.format_exception(exc))
                with self._cv:
                    if self.mode == "ff":
                        self._cancel = True
                    else:
                        self.mode = "idle"
                self.failed.emit(self.last_error)
                return 0
            elapsed = time.perf_counter() - start
        if done:
            per_step = elapsed / done
            self.step_seconds = per_step if self.step_seconds <= 0 else 0.7 * self.step_seconds + 0.3 * per_step
        return done
