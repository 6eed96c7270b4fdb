"""The command line: ``python -m pymonn.sweeps grid|evolve SCRIPT --gene ...`` (see ``--help``).

    python -m pymonn.sweeps grid script.py --gene a=1,2,3 --gene g=3:6:4 --repeats 2 --store results.parquet
    python -m pymonn.sweeps evolve script.py --gene a=1.0:5.0 --trials 50 --sampler cmaes --store study.db

Every input is checked before anything runs; a bad one ends the command with exit status 2 and a
message naming it. Runs that fail are rows with their error (exit status 0); the table is printed
(``--table FILE`` also writes it as CSV or parquet).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import PymonnError
from .evolution import SAMPLERS
from .specs import parse_grid_gene, parse_search_gene

EPILOG = """\
genes (--gene NAME=SPEC, repeatable):
  grid:    a=1,2,3 (values)   g=3:6:4 (4 values from 3 to 6)   x=1:100:3:log (geomspace)   m=fast (one value)
  evolve:  a=1.0:5.0 (float range)   n=1:9 (int range)   t=0.1:10:log   n=10,20,40 (choices)   m=fast (fixed)

The script reads its genes as PymoNNto's do ('[2.0#a]' in a behaviour keyword, get_gene('a', 2.0))
and reports with set_score(score); its seed is the gene 'seed' (Network(seed=get_gene('seed', 1))).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pymonn.sweeps", description=__doc__.split("\n\n")[0],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{grid,evolve}")
    grid = commands.add_parser("grid", help="run the script on every point of a grid", epilog=EPILOG,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    evolve = commands.add_parser("evolve", help="search the genes with Optuna", epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    for sub in (grid, evolve):
        sub.add_argument("script", help="the PymoNNto-style script to run (it calls set_score)")
        sub.add_argument("--gene", action="append", required=True, metavar="NAME=SPEC", help="a gene (repeatable)")
        sub.add_argument("--seed", type=int, default=0, help="seed of the sweep or search (default 0)")
        where = sub.add_mutually_exclusive_group()
        where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
        where.add_argument("--workers", type=int, metavar="N", help="embedded cluster of N worker processes "
                                                                     "(default: one per core)")
        where.add_argument("--serial", action="store_true", help="run here, one after the other")
        sub.add_argument("--timeout", type=float, help="seconds a run may take (then it is killed: an error row)")
        sub.add_argument("--retries", type=int, default=2, help="resubmissions of a run whose worker died (default 2)")
        sub.add_argument("--cwd", help="working directory of the script (default: this one)")
        sub.add_argument("--table", metavar="FILE", help="also write the table to FILE (.csv or .parquet)")
        sub.add_argument("--no-progress", action="store_true", help="no progress bar")
    grid.add_argument("--repeats", type=int, default=1, help="runs per point, each with its own seed (default 1)")
    grid.add_argument("--store", help="results.csv or results.parquet: rows written as they arrive; a rerun "
                                      "skips finished points")
    evolve.add_argument("--trials", type=int, default=100, help="trials of the study (default 100)")
    evolve.add_argument("--sampler", choices=SAMPLERS, default="cmaes", help="Optuna sampler (default cmaes)")
    evolve.add_argument("--direction", action="append", choices=("maximize", "minimize"),
                        help="one per objective (default: maximize)")
    evolve.add_argument("--store", default="study.db", help="study.db (SQLite) or study.log (journal); "
                                                             "'none' keeps it in memory (default study.db)")
    evolve.add_argument("--resume", action="store_true", help="continue the study in --store")
    evolve.add_argument("--study-name", help="name of the study in the store")
    evolve.add_argument("--parallel", type=int, help="trials at once (default: the workers' threads)")
    evolve.add_argument("--evo-name", help="run the script as PymoNNto's evolution does (Data/StorageManager "
                                           "folders named after this)")
    return parser


def _client(args: argparse.Namespace) -> Any:
    return "serial" if args.serial else args.scheduler or args.workers


def _write(table: Any, path: str) -> None:
    if path.endswith(".parquet"):
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False)


def _show(table: Any) -> str:
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 30, "display.max_colwidth", 40):
        return table.drop(columns=["stdout"], errors="ignore").to_string(max_rows=60)


def main(argv: list[str] | None = None) -> Any:
    """Run the command; returns the table (and the study for ``evolve``)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.table is not None and not args.table.endswith((".csv", ".parquet")):
        parser.error(f"--table {args.table!r} must end in .csv or .parquet")
    try:
        if args.command == "grid":
            from .grid import sweep

            genes = dict(parse_grid_gene(g) for g in args.gene)
            if len(genes) != len(args.gene):
                parser.error("a gene is given twice")
            result = table = sweep(args.script, genes=genes, repeats=args.repeats, seed=args.seed,
                                   client=_client(args), store=args.store, progress=not args.no_progress,
                                   retries=args.retries, timeout=args.timeout, cwd=args.cwd)
            failed = int(table["error"].notna().sum())
            summary = f"{len(table)} runs, {failed} failed"
        else:
            from .evolution import evolve

            genes = dict(parse_search_gene(g) for g in args.gene)
            if len(genes) != len(args.gene):
                parser.error("a gene is given twice")
            store = None if args.store.lower() == "none" else args.store
            study, table = evolve(args.script, genes, trials=args.trials, sampler=args.sampler,
                                  directions=args.direction, client=_client(args), store=store, resume=args.resume,
                                  seed=args.seed, study_name=args.study_name, parallel=args.parallel,
                                  retries=args.retries, timeout=args.timeout, cwd=args.cwd, evo_name=args.evo_name,
                                  progress=not args.no_progress)
            result = study, table
            failed = int((table["state"] != "COMPLETE").sum())
            summary = f"{len(table)} trials, {failed} failed"
            if len(study.directions) == 1 and failed < len(table):
                best = study.best_trial
                summary += f"; best: trial {best.number}, score {best.value:.6g}, {best.params}"
            elif failed < len(table):
                summary += f"; Pareto front: trials {[t.number for t in study.best_trials]}"
    except PymonnError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print(_show(table))
    print(summary)
    if args.table:
        _write(table, args.table)
    return result


if __name__ == "__main__":
    main()
