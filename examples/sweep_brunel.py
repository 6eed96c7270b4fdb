"""Brunel (2000) model A over g x nu_ext: the regime map from a parameter sweep (pymonn.sweeps).

    python examples/sweep_brunel.py                    # 7 x 6 points x 2 repeats on every core; sweep_brunel.png
    python examples/sweep_brunel.py --quick            # 2 x 2 points, small and short (for tests)
    python examples/sweep_brunel.py --store brunel.csv # rows kept as they finish; a rerun skips finished points
    python examples/sweep_brunel.py --scheduler tcp://host:8786   # on a running Dask cluster

Brunel's Fig. 2 is a phase diagram of the sparse excitatory-inhibitory network over the relative
inhibition g and the external rate nu_ext / nu_thr: synchronous regular firing (SR) where
excitation dominates (g < 4), asynchronous irregular firing (AI) where inhibition dominates at
moderate drive, synchronous irregular states (SI, fast at high drive, slow at low drive) beside
it. Each point here is ``brunel.py``'s network (``--scale`` of the paper's 12,500 neurons, J
scaled by 1/scale so that the mean input stays the paper's), run for ``--duration`` ms on its
own seed; the sweep returns the population rate, the mean CV of the inter-spike intervals and the
synchrony chi of each run, and the figure draws them as maps over the grid (mean over repeats),
with the four states of the paper's Fig. 8 marked. Where excitation dominates the rate saturates
near 1 / t_ref and the CV is ~0 (SR); where inhibition dominates the rate falls and the CV is
near or above 1 (irregular).

Runs go to an embedded Dask LocalCluster (one worker process per core) unless ``--serial`` or
``--scheduler``; see docs/sweeps.md for SLURM.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import brunel  # noqa: E402

from pymonn.sweeps import sweep  # noqa: E402

#: (g, eta) of the paper's Fig. 8 states, marked on the maps.
STATES = brunel.STATES


def run_point(params: dict, seed: int) -> dict:
    """One network of the grid: build, run, and the activity statistics (``brunel.statistics``)."""
    net = brunel.build(scale=params["scale"], g=params["g"], eta=params["eta"], seed=seed)
    net.run(params["duration"], progress=False)
    stats = brunel.statistics(net, t_start=min(100.0, params["duration"] / 4))
    return {k: stats[k] for k in ("rate", "cv", "synchrony", "pop_cv", "peak_hz")}


def plot(table, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import LogNorm
    from matplotlib.patheffects import withStroke

    from pymonn import plot as pplot

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
    titles = {"rate": "population rate (Hz)", "cv": "mean CV of ISIs", "synchrony": "synchrony chi"}
    gs, etas = sorted(set(table.g)), sorted(set(table.eta))
    for ax, value in zip(axes, titles, strict=True):
        if value == "rate":  # rates span 1 to 1 / t_ref = 500 Hz: a log scale
            pplot.sweep(table, "g", "eta", value, ax=ax, cmap="magma", norm=LogNorm(max(0.5, table.rate.min()), 500))
        else:
            pplot.sweep(table, "g", "eta", value, ax=ax)
        ax.set_title(titles[value])
        ax.set_xlabel("g (relative inhibition)")
        ax.set_ylabel("nu_ext / nu_thr")
        for state, (g, eta) in STATES.items():
            if gs[0] <= g <= gs[-1] and etas[0] <= eta <= etas[-1]:
                x, y = np.interp(g, gs, range(len(gs))), np.interp(eta, etas, range(len(etas)))
                outline = [withStroke(linewidth=2.5, foreground="black")]
                ax.plot(x, y, "o", mfc="none", mec="white", ms=11, mew=1.5, path_effects=outline)
                ax.annotate(state, (x, y), xytext=(7, 7), textcoords="offset points", color="white", fontsize=9,
                            path_effects=outline)
    scale, duration, repeats = table.scale.iloc[0], table.duration.iloc[0], int(table.repeat.max()) + 1
    fig.suptitle(f"Brunel 2000 model A over g x nu_ext: scale {scale:g} ({int(12500 * scale)} neurons), "
                 f"{duration:g} ms per run, " + (f"mean of {repeats} repeats" if repeats > 1 else "one run per point"))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--g", type=float, nargs="+", default=[2, 3, 4, 5, 6, 7, 8], help="values of g")
    parser.add_argument("--eta", type=float, nargs="+", default=[0.9, 1.5, 2, 2.5, 3, 4],
                        help="values of nu_ext / nu_thr")
    parser.add_argument("--scale", type=float, default=0.2, help="network size factor (default 0.2: 2,500 neurons)")
    parser.add_argument("--duration", type=float, default=600.0, help="ms per run (default 600)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per point (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sweep")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--serial", action="store_true", help="run here, one after the other")
    where.add_argument("--workers", type=int, help="embedded cluster size (default: one worker per core)")
    where.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--store", help="results.csv or results.parquet to keep rows as they finish")
    parser.add_argument("--out", default="sweep_brunel.png", help="PNG to write")
    parser.add_argument("--quick", action="store_true", help="g in {3, 6}, eta in {1, 4}, scale 0.1, 300 ms, "
                                                             "1 repeat (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.g, args.eta, args.scale, args.duration, args.repeats = [3.0, 6.0], [1.0, 4.0], 0.1, 300.0, 1
    if not 0 < args.scale <= 1:
        parser.error("--scale must lie in (0, 1]")
    client = "serial" if args.serial else args.scheduler or args.workers
    grid = {"g": args.g, "eta": args.eta, "scale": args.scale, "duration": args.duration}
    start = time.perf_counter()
    table = sweep(run_point, grid, repeats=args.repeats, seed=args.seed, client=client, store=args.store,
                  progress=not args.quick)
    wall = time.perf_counter() - start
    failed = int(table.error.notna().sum())
    mean = table.groupby(["g", "eta"])[["rate", "cv", "synchrony"]].mean()
    print(mean.round(3).to_string())
    print(f"{len(table)} runs ({failed} failed) in {wall:.1f} s; {table.wall_s.sum():.1f} s of runs on "
          f"{table.worker.nunique()} worker(s)")
    plot(table, args.out)
    print(f"figure saved to {args.out}")
    return table


if __name__ == "__main__":
    main()
