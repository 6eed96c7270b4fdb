"""sweep(): the same table serially, on an embedded LocalCluster, on a user's cluster and in-process workers."""

import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import affine, bad_return, fails_on_two

from pymonn.errors import ConfigurationError, ConfigurationTypeError
from pymonn.sweeps import sweep

pytest.importorskip("distributed")

GRID = {"a": [1, 2, 3], "b": [0.5, 1.5]}
RUN_COLUMNS = ["wall_s", "worker"]  # where and how long: the only columns that differ between backends


def comparable(table):
    return table.drop(columns=RUN_COLUMNS)


def expected_seeds(seed, points, repeats):
    return [int(np.random.SeedSequence(seed, spawn_key=(p, r)).generate_state(1, np.uint32)[0])
            for p in range(points) for r in range(repeats)]


def test_serial_table_holds_parameters_seeds_values_and_the_run_record():
    table = sweep(affine, GRID, repeats=2, seed=3, client="serial", progress=False)
    assert list(table.columns) == ["point", "repeat", "a", "b", "seed", "y", "u", "error", "attempts", "wall_s",
                                   "worker"]
    assert len(table) == 12 and list(table.point) == [p for p in range(6) for _ in range(2)]
    assert list(table.seed) == expected_seeds(3, 6, 2)
    np.testing.assert_array_equal(table.y, 10 * table.a + table.b)
    np.testing.assert_array_equal(table.u, [np.random.default_rng(s).random() for s in table.seed])
    assert table.error.isna().all() and (table.attempts == 1).all() and (table.worker == "serial").all()
    assert (table.wall_s >= 0).all()


def test_embedded_cluster_user_cluster_and_in_process_workers_give_the_serial_table(client, inprocess_client):
    serial = sweep(affine, GRID, repeats=2, seed=3, client="serial", progress=False)
    embedded = sweep(affine, GRID, repeats=2, seed=3, client=2, progress=False)
    users = sweep(affine, GRID, repeats=2, seed=3, client=client, progress=False)
    threads = sweep(affine, GRID, repeats=2, seed=3, client=inprocess_client, progress=False)
    for table in (embedded, users, threads):
        pd.testing.assert_frame_equal(comparable(table), comparable(serial))
        assert table.worker.str.startswith(("tcp://", "inproc://")).all()
    assert users.worker.nunique() == 2  # both workers of the user's cluster ran
    assert client.status == "running"   # the user's client stays open


def test_a_failing_run_gives_an_error_row_and_the_sweep_goes_on(client):
    for where in ("serial", client):
        table = sweep(fails_on_two, {"a": [1, 2, 3]}, client=where, progress=False)
        assert list(table.y.fillna(-1)) == [1, -1, 3]
        assert table.error[1].startswith("ZeroDivisionError: a == 2 divides by zero (at sweep_helpers.py:")
        assert table.error[[0, 2]].isna().all()


def test_values_a_table_cannot_hold_are_error_rows():
    table = sweep(bad_return, {"a": [1, 2]}, client="serial", progress=False)
    assert "returned 'trace' has shape (100,)" in table.error[0] and table.y[1] == 1.0
    clash = sweep(lambda p, s: {"a": 1}, {"a": [1]}, client="serial", progress=False)
    assert "returned 'a' is also a column" in clash.error[0]


def test_a_number_is_the_score_and_short_lists_become_columns():
    table = sweep(lambda p, s: [p["a"], 2 * p["a"]], {"a": [1, 2]}, client="serial", progress=False)
    assert list(table.score_0) == [1, 2] and list(table.score_1) == [2, 4]
    assert list(sweep(lambda p, s: np.float32(p["a"]), {"a": [1.5]}, client="serial", progress=False).score) == [1.5]


def test_a_list_of_points_and_the_genes_keyword():
    table = sweep(affine, [{"a": 1, "b": 0.0}, {"a": 5, "b": 1.0}], client="serial", progress=False)
    assert list(table.y) == [10.0, 51.0]
    assert list(sweep(affine, genes={"a": [2], "b": [1]}, client="serial", progress=False).y) == [21]


def test_the_progress_bar_counts_runs_and_failures(capsys):
    sweep(fails_on_two, {"a": [1, 2, 3]}, client="serial", progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "failed=1" in err


def unpicklable_closure():
    lock = threading.Lock()
    return lambda params, seed: {"locked": lock.locked()}


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(grid={}), ConfigurationError, "the grid is empty"),
    (dict(grid=GRID, repeats=0), ConfigurationError, "repeats must be an int >= 1"),
    (dict(grid=GRID, seed=-1), ConfigurationTypeError, "seed must be a non-negative int"),
    (dict(grid=GRID, client="local"), ConfigurationTypeError, "client must be None"),
    (dict(grid=GRID, client=0), ConfigurationError, "asks for no workers"),
    (dict(grid=GRID, retries=-1), ConfigurationError, "retries must be an int >= 0"),
    (dict(grid=GRID, store="results.xlsx"), ConfigurationError, "must end in .csv or .parquet"),
    (dict(grid=GRID, store="/no/such/folder/r.csv"), ConfigurationError, "folder of store"),
    (dict(grid=GRID, timeout=5), ConfigurationError, "timeout= and cwd= apply to scripts"),
    (dict(grid=GRID, genes=GRID), ConfigurationError, "not both"),
])
def test_bad_input_is_refused_before_anything_runs(kwargs, error, message):
    calls = []
    with pytest.raises(error, match=message):
        sweep(lambda p, s: calls.append(p) or {}, progress=False, **{"client": "serial", **kwargs})
    assert calls == []


def test_a_function_dask_cannot_pickle_is_refused_before_a_cluster_starts():
    fn = unpicklable_closure()
    with pytest.raises(ConfigurationError, match="cannot be sent to Dask workers .*or use client='serial'"):
        sweep(fn, {"a": [1]}, client=2, progress=False)
    assert list(sweep(fn, {"a": [1]}, client="serial", progress=False).locked) == [False]


def test_neither_a_function_nor_a_script():
    with pytest.raises(ConfigurationTypeError, match="expected a function fn"):
        sweep(42, {"a": [1]}, client="serial")


def test_importing_the_sweeps_loads_no_dask_optuna_or_pandas():
    code = ("import sys, pymonn.sweeps\nfrom pymonn.sweeps import sweep, evolve\n"
            "print([m for m in ('dask', 'distributed', 'optuna', 'pandas', 'pyarrow') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
