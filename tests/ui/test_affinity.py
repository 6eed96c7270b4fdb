"""The explorer keeps its GUI thread and its worker on one core while open, and restores the GUI
thread's affinity on close (Linux); share_core=False leaves both alone."""

import os

import pytest
from pymonn.ui import affinity

pytestmark = pytest.mark.skipif(not affinity.available(), reason="per-thread affinity is Linux-only")


def _wait_for(qtbot, explorer):
    qtbot.waitUntil(lambda: explorer.worker.affinity is not None, timeout=5000)


def test_both_threads_share_one_core_and_the_gui_thread_gets_its_affinity_back(qtbot, net):
    from pymonn.ui import Explorer

    before = os.sched_getaffinity(0)
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    _wait_for(qtbot, win)
    core = min(before)
    assert os.sched_getaffinity(0) == {core}
    assert win.worker.affinity == {core}
    win.run()
    qtbot.waitUntil(lambda: net.iteration > 50, timeout=10000)  # it runs pinned
    win.close()
    assert os.sched_getaffinity(0) == before


def test_share_core_false_changes_nothing(qtbot, net):
    from pymonn.ui import Explorer

    before = os.sched_getaffinity(0)
    win = Explorer(net, restore_layout=False, save_layout=False, share_core=False)
    qtbot.addWidget(win)
    _wait_for(qtbot, win)
    assert os.sched_getaffinity(0) == before and win.worker.affinity == before
    win.close()
    assert os.sched_getaffinity(0) == before


def test_pin_and_restore_helpers_round_trip():
    before = os.sched_getaffinity(0)
    previous = affinity.pin_calling_thread(min(before))
    try:
        assert previous == before and os.sched_getaffinity(0) == {min(before)}
    finally:
        affinity.restore_calling_thread(previous)
    assert os.sched_getaffinity(0) == before
    assert affinity.pin_calling_thread(None) is None
