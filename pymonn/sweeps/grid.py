"""``sweep``: one run per grid point and repetition, on this process or on Dask workers, into one table."""

from __future__ import annotations

import os
import sys
from typing import Any

from ..errors import ConfigurationError, ConfigurationTypeError
from .backend import backend, check_client, check_picklable, check_retries, drain
from .points import check_seed, expand, make_runs
from .progress import Progress
from .script import ScriptTask, check_script, check_timeout
from .store import Store, check_store
from .table import frame, order, row
from .tasks import FunctionTask


def make_task(fn: Any, timeout: Any, cwd: Any, who: str) -> FunctionTask | ScriptTask:
    """The work of every run: a callable ``fn(params, seed)`` or the path of a script."""
    timeout = check_timeout(timeout, who)
    if cwd is not None and (not isinstance(cwd, (str, os.PathLike)) or not os.path.isdir(cwd)):
        raise ConfigurationError(f"{who}: cwd {cwd!r} is not an existing folder")
    if callable(fn):
        if timeout is not None or cwd is not None:
            raise ConfigurationError(f"{who}: timeout= and cwd= apply to scripts (a function runs in its worker, "
                                     "which cannot stop it); give the path of a script or drop them")
        return FunctionTask(fn)
    if isinstance(fn, (str, os.PathLike)):
        return ScriptTask(check_script(fn, who), timeout=timeout, cwd=os.fspath(cwd) if cwd is not None else None)
    raise ConfigurationTypeError(f"{who}: expected a function fn(params, seed) -> dict or the path of a script, "
                                 f"got {type(fn).__name__} {fn!r}")


def _param_names(points: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for point in points:
        names.extend(n for n in point if n not in names)
    return names


def sweep(fn: Any, grid: Any = None, repeats: int = 1, seed: int = 0, client: Any = None, store: Any = None,
          progress: bool = True, *, genes: Any = None, retries: int = 2, timeout: float | None = None,
          cwd: Any = None):
    """Run ``fn`` on every point of ``grid`` (``repeats`` times each) and return one table row per run.

    Parameters
    ----------
    fn : callable or str
        ``fn(params: dict, seed: int) -> dict`` of results (numbers, bools, strings, lists of at most
        16 numbers; a bare number is the ``score``), or the path of a PymoNNto-style script that reads
        its genes (``'[2.0#a]'``, ``get_gene``) and calls ``set_score`` (:mod:`pymonn.sweeps.script`).
    grid : dict of lists, or list of dicts
        ``{'g': [3, 4, 5], 'eta': [1, 2]}`` runs the 6 combinations (the last name varies fastest);
        a list of dicts runs those points. A single value is a constant.
    repeats : int
        Runs per point, each with its own seed.
    seed : int
        The seed of the sweep. Run ``(point, repeat)`` gets ``SeedSequence(seed, spawn_key=(point,
        repeat))`` as a 32-bit int, so the table is the same on any backend, in any order.
    client : None, 'serial', int, distributed.Client, Dask cluster or str
        Where to run (:mod:`pymonn.sweeps.backend`): None starts an embedded ``LocalCluster`` (one
        single-threaded worker process per core) and closes it at the end.
    store : str, optional
        ``'results.csv'`` or ``'results.parquet'``: every finished row is written as it arrives, and a
        rerun with the same arguments runs only what is missing (:mod:`pymonn.sweeps.store`).
    progress : bool
        A tqdm bar over finished runs, failures counted.
    genes : dict, optional
        The grid under PymoNNto's name (for scripts); give ``grid`` or ``genes``, not both.
    retries : int
        How often a run whose worker process died is submitted again before its row gets the error.
    timeout : float, optional
        Seconds a script may run; then its processes are killed and its row gets the error.
    cwd : str, optional
        The working directory of a script (default: the current one).

    Returns
    -------
    pandas.DataFrame
        One row per run, ordered by point and repeat: ``point``, ``repeat``, the parameters,
        ``seed``, every returned value, (scripts: ``returncode``, ``stdout``), ``error`` (None when
        the run succeeded), ``attempts``, ``wall_s`` (seconds the run took on its worker) and
        ``worker`` (its Dask address, or 'serial').

    Raises
    ------
    ConfigurationError, ConfigurationTypeError
        Before anything runs: an empty grid, a bad value, an unknown client, a missing script, a
        function that cannot be pickled for Dask, a store of another sweep.

    Notes
    -----
    A run that raises gives a row with the error, and the sweep goes on. On Ctrl-C the runs still
    going are cancelled, the embedded cluster is closed, the store keeps every finished row, and
    KeyboardInterrupt is raised again.
    """
    who = "sweep"
    task = make_task(fn, timeout, cwd, who)
    if grid is not None and genes is not None:
        raise ConfigurationError(f"{who}: give grid= or genes= (its PymoNNto name), not both")
    points = expand(genes if grid is None else grid, who)
    runs = make_runs(points, repeats, check_seed(seed, who), who)
    client = check_client(client, who)
    retries = check_retries(retries, who)
    path = check_store(store, who)
    serial = isinstance(client, str) and client == "serial"
    if not serial:
        check_picklable(task, who)
    params = _param_names(points)
    results = Store(path, task.name, order=lambda columns: order(columns, params))
    done = results.done()
    todo = [r for r in runs if r.key not in done]
    stored = len(runs) - len(todo)
    bar = Progress(0, on=False)
    try:
        if todo:
            with backend(client, retries, who) as runner:
                bar = Progress(len(runs), stored, bool(progress))
                for run in todo:
                    runner.submit(run, task)
                for batch in drain(runner):
                    rows = [row(run, result, task.name) for run, result in batch]
                    results.append(rows)
                    stored += len(rows)
                    bar.update(len(rows), sum(1 for r in rows if r["error"] is not None))
    except KeyboardInterrupt:
        where = f" in {path}; rerun with the same arguments to run the rest" if path else ""
        print(f"sweep interrupted: {stored} of {len(runs)} runs finished{where}", file=sys.stderr)
        raise
    finally:
        bar.close()
    latest = results.latest()
    rows = [{**latest[r.key], "point": r.point, "repeat": r.repeat} for r in runs if r.key in latest]
    return frame(rows, params)


def read_store(path: str):
    """The table in a sweep's store file: the latest row of each run, ordered by point and repeat."""
    from .store import read_rows

    if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
        raise ConfigurationError(f"read_store: {path!r} is not a file")
    latest: dict[str, dict] = {}
    for r in read_rows(os.fspath(path)):
        latest[r["key"]] = r
    rows = sorted(latest.values(), key=lambda r: (r.get("point") or 0, r.get("repeat") or 0))
    return frame(rows, [])  # the file keeps the table's column order
