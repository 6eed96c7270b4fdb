"""Fixtures of the sweep tests: Dask clusters that are always closed, and no process left behind."""

from __future__ import annotations

import logging

import pytest
from sweep_processes import children, wait_for_no_children


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
