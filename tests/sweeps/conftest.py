"""Fixtures of the sweep tests: Dask clusters that are always closed, and no process left behind."""

from __future__ import annotations

import logging
import time

import pytest


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


@pytest.fixture(scope="session")
def local_cluster():
    """A LocalCluster of 2 single-threaded worker processes, shared by the tests and closed at the end."""
    import distributed

    before = {p.pid for p in children()}
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                       silence_logs=logging.CRITICAL)
    yield cluster
    cluster.close()
    left = [p for p in wait_for_no_children() if p.pid not in before]
    assert left == [], f"processes left after closing the cluster: {left}"


@pytest.fixture
def client(local_cluster):
    import distributed

    with distributed.Client(local_cluster) as c:
        yield c


@pytest.fixture(scope="session")
def inprocess_client():
    """A cluster whose workers are threads of this process (processes=False), closed at the end."""
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
                                  silence_logs=logging.CRITICAL) as cluster, distributed.Client(cluster) as c:
        yield c
