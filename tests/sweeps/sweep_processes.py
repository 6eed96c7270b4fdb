"""The processes a sweep test left behind (a module of its own: the tests and conftest import it)."""

from __future__ import annotations

import time


def children() -> list:
    """The live processes this test process started (directly or not), but for multiprocessing's
    resource tracker, which lives as long as this process once any process was spawned."""
    import psutil

    alive = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "multiprocessing.resource_tracker" not in " ".join(p.cmdline()):
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def wait_for_no_children(timeout: float = 10.0) -> list:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        left = children()
        if not left:
            return []
        time.sleep(0.05)
    return children()
