"""Sweeps on Dask: serial against the embedded LocalCluster, and the cost of the Dask and script paths.

    python benchmarks/sweep.py            # 5 repeats of every row; prints a table of medians
    python benchmarks/sweep.py --repeats 5 --long

Workload (issue 12): 16 points x 1 s of the CUBA network (examples/cuba.py, 4,000 neurons), each
point its own seed (one point: build, 1 s of network, and its statistics); ``--long`` adds
16 x 10 s, where runs are long beside the cluster's start. Rows:

* serial: ``sweep(fn, grid, client='serial')`` in this process, kernels compiled and cached before;
* embedded: ``sweep(fn, grid, client=2)``: the embedded LocalCluster, started and closed by the
  call (start-up, the workers' first import of the library and numba's cached kernels included);
* warm cluster: a LocalCluster of 2 single-threaded workers started and warmed (one run each)
  before, passed as ``client``: the steady state of a long sweep;
* per-run overhead of the Dask path: one warm worker, N runs; wall / N minus one run in this
  process, for the CUBA point (and how much of it is the run itself being slower in a worker)
  and for a function that returns at once;
* first run on a fresh worker: its run time minus the bare call (importing pymonn's library and
  loading numba's cached kernels in a new process);
* script form: the same point as a script (benchmarks/sweep_cuba_point.py) in a fresh process per
  run: per-run time minus the bare call, serially and on 2 workers.

Timings move with the machine's load: the load average is printed before and after, and every
number is the median of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import pathlib
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

import vogels_abbott  # noqa: E402

from pymonn.sweeps import sweep  # noqa: E402

SCRIPT = str(HERE / "sweep_cuba_point.py")


def cuba_point(params: dict, seed: int) -> dict:
    """One sweep point: CUBA (4,000 neurons) for ``duration`` ms; its rate."""
    net = vogels_abbott.build("cuba", params["size"], seed=seed)
    net.run(params["duration"], progress=False)
    return {"rate": vogels_abbott.statistics(net)["rate"]}


def nothing(params: dict, seed: int) -> dict:
    return {"k": params["k"]}


def grid(points: int, duration: float) -> dict:
    return {"k": list(range(points)), "size": 4000, "duration": duration}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(wall seconds, result) of ``fn(*args, **kwargs)``."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def warm_cluster(workers: int):
    import distributed

    from pymonn.sweeps.backend import WORKER_ENV

    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                       silence_logs=logging.CRITICAL, env=dict(WORKER_ENV))
    client = distributed.Client(cluster, set_as_default=False)
    sweep(cuba_point, grid(workers, 100.0), client=client, progress=False)  # import the library, load the kernels
    return cluster, client


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--long", action="store_true", help="also the row of 16 x 10 s")
    args = parser.parse_args(argv)
    r, n = args.repeats, args.points
    med = statistics.median
    print(f"load average before: {load()} (1, 5, 15 min); {os.cpu_count()} cores; median of {r} repeats")
    cuba_point({"size": 4000, "duration": 100.0}, 1)  # compile or load the kernels here first
    rows: list[tuple[str, float, str]] = []
    for duration in (1000.0, 10000.0) if args.long else (1000.0,):
        tag = f"{n} x {duration / 1000:g} s CUBA 4000"
        points = grid(n, duration)
        cluster, client = warm_cluster(2)
        serial, warm, embedded, loads = [], [], [], []
        try:  # serial, warm cluster and embedded cluster in turn, so that each repeat sees the same load
            for _ in range(r):
                loads.append(os.getloadavg()[0])
                serial.append(timed(sweep, cuba_point, points, client="serial", progress=False))
                warm.append(timed(sweep, cuba_point, points, client=client, progress=False))
                embedded.append(timed(sweep, cuba_point, points, client=2, progress=False))
        finally:
            client.close()
            cluster.close()
        bare = med([t.wall_s.median() for _, t in serial])
        t_serial, t_warm, t_embedded = (med([w for w, _ in runs]) for runs in (serial, warm, embedded))
        ratio_warm = med([s_ / w for (s_, _), (w, _) in zip(serial, warm, strict=True)])
        ratio_embedded = med([s_ / w for (s_, _), (w, _) in zip(serial, embedded, strict=True)])
        in_worker = med([t.wall_s.median() for _, t in warm])
        rows += [(f"{tag}: serial, s", t_serial, f"one run {bare:.3f} s in this process; 1-min load at the "
                                                  f"repeats' starts {', '.join(f'{x:.2f}' for x in loads)}"),
                 (f"{tag}: warm LocalCluster(2), s", t_warm,
                  f"speed-up {ratio_warm:.2f}x (median of the repeats' ratios); one run {in_worker:.3f} s in a "
                  "worker, 2 at once"),
                 (f"{tag}: embedded LocalCluster(2), s", t_embedded,
                  f"speed-up {ratio_embedded:.2f}x (cluster start and worker warm-up included)")]
        if duration == 1000.0:
            first = []
            for _, table in embedded:
                first.extend(table.sort_values("point").groupby("worker").wall_s.first() - bare)
            rows.append(("first run on a fresh worker, extra ms", 1000 * med(first),
                         "imports pymonn's library, loads numba's cached kernels"))
    points, calls = grid(n, 1000.0), 200
    cluster, client = warm_cluster(1)
    overhead, in_worker, empty = [], [], []
    try:  # the bare call and the one-worker path in turn, so that each pair sees the same load
        for _ in range(r):
            t_here, here = timed(sweep, cuba_point, points, client="serial", progress=False)
            t_one, one = timed(sweep, cuba_point, points, client=client, progress=False)
            overhead.append((t_one - t_here) / n)
            in_worker.append(one.wall_s.median() - here.wall_s.median())
            t_empty_here = timed(sweep, nothing, {"k": list(range(calls))}, client="serial", progress=False)[0]
            t_empty = timed(sweep, nothing, {"k": list(range(calls))}, client=client, progress=False)[0]
            empty.append((t_empty - t_empty_here) / calls)
    finally:
        client.close()
        cluster.close()
    rows += [("Dask path per-run overhead (CUBA 1 s), ms", 1000 * med(overhead),
              f"one warm worker, {n} runs: (wall - wall in this process) / {n}; target < 50 ms"),
             ("  of which the run itself in the worker, ms", 1000 * med(in_worker),
              "median run time in the worker minus in this process"),
             ("Dask path per-run overhead (empty fn), ms", 1000 * med(empty), f"one warm worker, {calls} runs")]
    script_grid = {"k": list(range(n)), "size": [4000], "duration": [1000.0]}
    script_extra, t_scripts, t_scripts_2 = [], [], []
    for _ in range(r):
        t, scripts = timed(sweep, SCRIPT, genes=script_grid, client="serial", progress=False)
        if not scripts.error.isna().all():
            raise SystemExit(f"a script run failed: {scripts.error.dropna().tolist()[:1]}")
        here = sweep(cuba_point, points, client="serial", progress=False)
        script_extra.append(scripts.wall_s.median() - here.wall_s.median())
        t_scripts.append(t)
        t_scripts_2.append(timed(sweep, SCRIPT, genes=script_grid, client=2, progress=False)[0])
    rows += [("script form: per-run overhead, ms", 1000 * med(script_extra),
              "a fresh interpreter per run (python, numpy, pymonn, numba's cached kernels) minus the call here"),
             (f"script form: {n} x 1 s serial, s", med(t_scripts), ""),
             (f"script form: {n} x 1 s embedded LocalCluster(2), s", med(t_scripts_2),
              f"speed-up {med([a / b for a, b in zip(t_scripts, t_scripts_2, strict=True)]):.2f}x")]
    width = max(len(label) for label, _, _ in rows) + 2
    print(f"{'measurement':<{width}}{'median':>10}   notes")
    print("-" * (width + 60))
    for label, value, note in rows:
        print(f"{label:<{width}}{value:>10.3f}   {note}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
