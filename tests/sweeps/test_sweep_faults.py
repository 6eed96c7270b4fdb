"""Faults: a worker killed mid-run, a driver killed or interrupted mid-sweep, a store resumed."""

import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import affine, killed_once, logged
from sweep_processes import children

from pymonn.errors import ConfigurationError, StateFileError
from pymonn.sweeps import read_store, sweep

pytest.importorskip("distributed")


def kill_when_marked(marker, killed):
    """Wait for the run to write its worker's pid into ``marker``, then SIGKILL that worker."""
    for _ in range(1000):
        if marker.exists() and marker.read_text():
            pid = int(marker.read_text())
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            return
        time.sleep(0.01)


@pytest.mark.parametrize("where", ["embedded", "user"])
def test_a_worker_killed_during_a_run_is_replaced_and_the_run_retried(where, tmp_path, client):
    marker = tmp_path / "marker"
    killed = []
    watcher = threading.Thread(target=kill_when_marked, args=(marker, killed))
    watcher.start()
    table = sweep(killed_once, {"a": list(range(6)), "marker": str(marker)}, client=2 if where == "embedded" else client,
                  progress=False)
    watcher.join()
    assert len(killed) == 1
    assert table.error.isna().all(), table.error.tolist()
    assert list(table.y) == [a * a for a in range(6)]  # complete: every run has its row
    assert table.pid[3] != killed[0]  # run 3 ran again, in another process
    # the embedded scheduler hands a worker's death to pymonn, which submits the run again; a user's
    # scheduler first reschedules it itself (its allowed-failures, 3 by default)
    assert table.attempts[3] == (2 if where == "embedded" else 1) and (table.attempts.drop(index=3) == 1).all()
    if where == "user":
        client.wait_for_workers(2, timeout=30)  # the nanny restarts the killed worker


def test_with_no_retries_the_killed_run_is_an_error_row_and_the_table_stays_complete(tmp_path):
    marker = tmp_path / "marker"
    killed = []
    watcher = threading.Thread(target=kill_when_marked, args=(marker, killed))
    watcher.start()
    table = sweep(killed_once, {"a": list(range(6)), "marker": str(marker)}, client=2, retries=0, progress=False)
    watcher.join()
    assert len(table) == 6 and table.error.notna().sum() == 1
    assert table.error[3].startswith("the worker process running it died (1 of 1 attempts, retries=0)")
    assert list(table.y.drop(index=3)) == [0, 1, 4, 16, 25]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_interrupted_store_is_resumed_without_rerunning_finished_points(suffix, tmp_path):
    log = tmp_path / "calls.log"
    store = tmp_path / f"results{suffix}"
    grid = {"a": [0, 1, 2, 3, 4, 5], "log": str(log)}
    full = sweep(logged, grid, repeats=2, client="serial", progress=False)
    log.unlink()
    # the first three points as a killed driver leaves them: finished rows on disk, the rest missing
    first = sweep(logged, {**grid, "a": [0, 1, 2]}, repeats=2, client="serial", store=store, progress=False)
    assert len(read_store(store)) == 6 and log.read_text().split() == ["0", "0", "1", "1", "2", "2"]
    log.unlink()
    resumed = sweep(logged, grid, repeats=2, client="serial", store=store, progress=False)
    assert log.read_text().split() == ["3", "3", "4", "4", "5", "5"]  # only what was missing ran
    columns = ["point", "repeat", "a", "seed", "y", "error", "attempts"]
    pd.testing.assert_frame_equal(resumed[columns], full[columns], check_dtype=False)
    pd.testing.assert_frame_equal(resumed[columns].iloc[:6], first[columns], check_dtype=False)
    log.unlink()
    again = sweep(logged, grid, repeats=2, client="serial", store=store, progress=False)
    assert not log.exists()  # nothing left to run
    pd.testing.assert_frame_equal(again[columns], full[columns], check_dtype=False)
    stored = read_store(store)
    assert len(stored) == 12 and list(stored.y) == list(full.y)


def test_a_csv_line_cut_short_by_a_killed_driver_is_dropped_and_rerun(tmp_path):
    store = tmp_path / "results.csv"
    grid = {"a": [0, 1, 2], "log": str(tmp_path / "calls.log")}
    sweep(logged, grid, client="serial", store=store, progress=False)
    text = store.read_text()
    store.write_text(text[:-12])  # the last row lost its end (and its key)
    table = sweep(logged, grid, client="serial", store=store, progress=False)
    assert list(table.y) == [0, 3, 6] and (tmp_path / "calls.log").read_text().split() == ["0", "1", "2", "2"]
    assert store.read_text().count("\n") == 4  # header and three whole rows


def test_text_with_line_breaks_survives_a_csv_store(tmp_path):
    store = tmp_path / "results.csv"

    def text(params, seed):
        return {"note": "two\nlines, a \\ and \"quotes\""}

    sweep(text, {"a": [1]}, client="serial", store=store, progress=False)
    assert read_store(store).note[0] == "two\nlines, a \\ and \"quotes\""
    assert store.read_text().count("\n") == 2


def test_failed_rows_run_again_on_a_rerun(tmp_path):
    store = tmp_path / "results.parquet"
    flaky = {"fail": True}

    def fn(params, seed):
        if flaky["fail"] and params["a"] == 1:
            raise RuntimeError("not this time")
        return {"y": params["a"]}

    assert sweep(fn, {"a": [0, 1]}, client="serial", store=store, progress=False).error.notna().sum() == 1
    flaky["fail"] = False
    table = sweep(fn, {"a": [0, 1]}, client="serial", store=store, progress=False)
    assert table.error.isna().all() and list(table.y) == [0, 1]
    assert read_store(store).error.isna().all()  # the latest row of a run wins


def test_a_store_of_another_sweep_or_no_sweep_is_refused(tmp_path):
    store = tmp_path / "results.csv"
    sweep(affine, {"a": [1], "b": [2]}, client="serial", store=store, progress=False)
    with pytest.raises(ConfigurationError, match="holds the results of another sweep"):
        sweep(logged, {"a": [1], "log": str(tmp_path / "log")}, client="serial", store=store, progress=False)
    other = tmp_path / "other.csv"
    other.write_text("x,y\n1,2\n")
    with pytest.raises(StateFileError, match="not a pymonn sweep store: it has no column key, task"):
        sweep(affine, {"a": [1], "b": [2]}, client="serial", store=other, progress=False)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(StateFileError, match="could not be read as a sweep table"):
        sweep(affine, {"a": [1], "b": [2]}, client="serial", store=broken, progress=False)


def test_ctrl_c_closes_the_embedded_cluster_and_leaves_the_store_readable(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    store = tmp_path / "results.csv"
    grid = {"a": [0, 1, 2, 3, 4, 5], "slow_from": [2], "log": str(log)}
    before = {p.pid for p in children()}
    pressed = []

    def press_ctrl_c():
        for _ in range(2000):
            if store.exists() and store.read_text().count("\n") >= 3:  # header and two rows
                pressed.append(time.perf_counter())
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.01)

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    with pytest.raises(KeyboardInterrupt):
        sweep(logged, grid, client=2, store=store, progress=False)  # runs of a >= 2 take 5 s each
    presser.join()
    assert time.perf_counter() - pressed[0] < 4.0  # stopped without waiting for the 5 s runs
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and {p.pid for p in children()} - before:
        time.sleep(0.05)
    assert {p.pid for p in children()} - before == set()  # the embedded cluster is gone
    stored = read_store(store)
    assert sorted(stored.a) == [0, 1] and stored.error.isna().all()
    log.unlink()
    monkeypatch.setattr("sweep_helpers.time.sleep", lambda s: None)  # the rerun runs here: no more waiting
    table = sweep(logged, grid, client="serial", store=store, progress=False)
    assert list(table.y) == [0, 3, 6, 9, 12, 15] and sorted(map(int, log.read_text().split())) == [2, 3, 4, 5]
    assert np.all(table.attempts == 1)
