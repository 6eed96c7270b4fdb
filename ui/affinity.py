"""Keeping the explorer's two threads on one CPU core.

The GUI thread and the simulation worker never run Python at the same time (the GIL, and the
explorer's lock that keeps drawing and simulating apart), so a second core gives them nothing.
Handing the GIL from one core to the other does cost: on a 2-core VM a process whose two threads
alternated across cores got 71-79 % of a core from its host, against 99 % for the same work on
one thread, and the explorer kept 64 % of the bare simulation speed unpinned against 80 % pinned
(``benchmarks/explorer.py``). So the explorer pins both threads to one core while it is open and
gives the GUI thread its old affinity back when it closes. Only Linux has per-thread affinity
(``os.sched_setaffinity(0, ...)`` applies to the calling thread); elsewhere nothing changes.
"""

from __future__ import annotations

import os


def available() -> bool:
    """Whether per-thread CPU affinity can be read and set here (Linux)."""
    return hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity")


def shared_core() -> int | None:
    """The core for both threads: the lowest one the calling thread may run on (None: no affinity here)."""
    if not available():
        return None
    try:
        allowed = os.sched_getaffinity(0)
    except OSError:
        return None
    return min(allowed) if allowed else None


def pin_calling_thread(cpu: int | None) -> set[int] | None:
    """Pin the calling thread to ``cpu``; return its previous affinity (None when nothing changed)."""
    if cpu is None or not available():
        return None
    try:
        previous = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None
    return previous


def restore_calling_thread(previous: set[int] | None) -> None:
    """Give the calling thread back the affinity :func:`pin_calling_thread` returned."""
    if previous is None or not available():
        return
    try:
        os.sched_setaffinity(0, previous)
    except OSError:
        pass


def calling_thread_affinity() -> set[int] | None:
    """The calling thread's affinity (None where it cannot be read)."""
    return os.sched_getaffinity(0) if available() else None
