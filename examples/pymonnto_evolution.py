"""PymoNNto's evolution on pymonn: search a script's genes with Optuna, its trials on Dask workers.

    python examples/pymonnto_evolution.py                      # 60 trials of CMA-ES on every core
    python examples/pymonnto_evolution.py --quick              # 10 trials (for tests)
    python examples/pymonnto_evolution.py --resume             # continue the study in pymonnto_evolution.db
    python examples/pymonnto_evolution.py --evo-name my_evo    # also PymoNNto's Data/StorageManager folders

PymoNNto's master file (``Evolution(name, slave_file, individual_count, mutation, devices=...)``)
becomes one call, ``evolve(slave_file, genes, trials, sampler)``. The slave file
(``pymonnto_evolution_slave.py``) is unchanged PymoNNto style: gene strings ``'[5.0#noise]'`` and
``'[1.0#inh]'`` in behaviour keywords and ``set_score(...)`` at the end; each trial runs it in a
fresh process with its genes and seed. The search looks for the noise amplitude and inhibition
that give an excitatory rate of 10 Hz (score ``-(rate - 10)^2``, maximized as PymoNNto does). The
study lives in ``--store`` (SQLite), so a stopped search resumes. The figure shows the score of
every trial and the rate over the noise gene.
"""

from __future__ import annotations

import argparse
import pathlib
import time

from pymonn.sweeps import evolve

SLAVE = pathlib.Path(__file__).resolve().parent / "pymonnto_evolution_slave.py"
GENES = {"noise": (2.0, 12.0), "inh": (0.2, 3.0)}


def plot(table, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = table[table.state == "COMPLETE"]
    fig, (ax, ax_rate) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    ax.plot(done.trial, done.score, "o", ms=4, label="trial")
    ax.plot(done.trial, done.score.cummax(), "-", color="C3", label="best so far")
    ax.set(xlabel="trial", ylabel="score = -(rate - 10 Hz)^2", yscale="symlog", title="search")
    ax.legend()
    points = ax_rate.scatter(done.noise, done.rate, c=done.inh, cmap="viridis", s=18)
    ax_rate.axhline(10.0, color="0.5", lw=0.8, ls="--")
    ax_rate.set(xlabel="gene noise", ylabel="excitatory rate (Hz)", title="rate over the noise gene")
    fig.colorbar(points, ax=ax_rate, label="gene inh")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=60, help="trials of the study (default 60)")
    parser.add_argument("--sampler", default="cmaes", choices=("cmaes", "tpe", "random"), help="default cmaes")
    parser.add_argument("--store", default="pymonnto_evolution.db", help="the study's SQLite file ('none': memory)")
    parser.add_argument("--resume", action="store_true", help="continue the study in --store")
    parser.add_argument("--evo-name", help="also write PymoNNto's Data/StorageManager/<name>/ folders")
    parser.add_argument("--seed", type=int, default=1, help="seed of the search")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--serial", action="store_true", help="run the trials here, one after the other")
    where.add_argument("--workers", type=int, help="embedded cluster size (default: one worker per core)")
    where.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--out", default="pymonnto_evolution.png", help="PNG to write")
    parser.add_argument("--quick", action="store_true", help="10 trials, no store (for tests)")
    args = parser.parse_args(argv)
    store = None if args.quick or args.store.lower() == "none" else args.store
    trials = 10 if args.quick else args.trials
    client = "serial" if args.serial else args.scheduler or args.workers
    start = time.perf_counter()
    study, table = evolve(str(SLAVE), GENES, trials=trials, sampler=args.sampler, client=client, store=store,
                          resume=args.resume, seed=args.seed, evo_name=args.evo_name, progress=not args.quick,
                          study_name="pymonnto_evolution")
    wall = time.perf_counter() - start
    best = study.best_trial
    print(table[["trial", "noise", "inh", "rate", "score", "state"]].round(3).to_string(index=False))
    print(f"{len(table)} trials in {wall:.1f} s; best: trial {best.number}, noise {best.params['noise']:.2f}, "
          f"inh {best.params['inh']:.2f}: {best.user_attrs['rate']:.2f} Hz (score {best.value:.3g})")
    plot(table, args.out)
    print(f"figure saved to {args.out}")
    return study, table


if __name__ == "__main__":
    main()
