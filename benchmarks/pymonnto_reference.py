"""Reference figures for tests/compat/test_pymonnto_networks.py, measured with PymoNNto 3.0.6.

    python benchmarks/pymonnto_reference.py                      # 20 runs per network and dtype
    python benchmarks/pymonnto_reference.py --peer-python /path/to/venv/bin/python --runs 20
    python benchmarks/pymonnto_reference.py --also-pymonn --json ref.json

The networks are the builders of ``tests/compat/pymonnto_style.py``. That file's text is run
unchanged except for its one ``from pymonn import *`` line, which becomes ``from PymoNNto import *``,
in the peer environment (``peer_env.peer_python``: PymoNNto 3.0.6 is never a pymonn dependency), so
the reference is measured on the same code the test runs. Each network runs ``--runs`` times per
dtype (``settings={'dtype': float32}`` is PymoNNto's default; float64 is pymonn's), unseeded, as
PymoNNto always is: every run draws from numpy's global generator where it left off. The script
prints mean and sample sd (ddof=1) of every figure, sd/|mean|, and a ``REFERENCE`` literal to paste
into the test. ``--also-pymonn`` measures pymonn the same way (unseeded) for comparison.
Run by hand; nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import pathlib
import subprocess
import sys
import tempfile

from peer_env import peer_python

HERE = pathlib.Path(__file__).resolve().parent
BUILDERS = HERE.parent / "tests" / "compat" / "pymonnto_style.py"
PYMONN_IMPORT = "from pymonn import *"
PEER_IMPORT = "from PymoNNto import *"
PEER_PACKAGES = ("pymonnto==3.0.6", "matplotlib", "sympy", "scipy")

# Runs inside the measured interpreter: imports the builders, runs every network ``runs`` times per
# dtype and writes one JSON document to the file given as argv[2]. The networks' own prints
# (PymoNNto announces every network it builds) go to stderr.
DRIVER = r'''
import contextlib, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import reference_networks as m
out_path, runs, names, dtypes = sys.argv[2], int(sys.argv[3]), sys.argv[4].split(","), sys.argv[5].split(",")
results = {}
with contextlib.redirect_stdout(sys.stderr):
    for name in names:
        for dtype in dtypes:
            settings = {"dtype": {"float32": np.float32, "float64": np.float64}[dtype]}
            results[name + "/" + dtype] = [m.FIGURES[name](settings=settings) for _ in range(runs)]
with open(out_path, "w") as f:
    json.dump(results, f)
'''


def peer_source(text: str) -> str:
    """The builders' text with its single pymonn import line switched to PymoNNto's."""
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.strip() == PYMONN_IMPORT]
    if len(hits) != 1:
        raise SystemExit(f"{BUILDERS}: expected exactly one line {PYMONN_IMPORT!r}, found {len(hits)}")
    lines[hits[0]] = lines[hits[0]].replace(PYMONN_IMPORT, PEER_IMPORT)
    return "".join(lines)


def measure(python: str, source: str, runs: int, names: list[str], dtypes: list[str]) -> dict:
    """Run the driver in ``python`` on ``source``; {'name/dtype': [figures dict per run]}."""
    with tempfile.TemporaryDirectory(prefix="pymonnto-reference-") as tmp:
        folder = pathlib.Path(tmp)
        (folder / "reference_networks.py").write_text(source)
        (folder / "driver.py").write_text(DRIVER)
        out = folder / "out.json"
        proc = subprocess.run([python, str(folder / "driver.py"), str(folder), str(out), str(runs),
                               ",".join(names), ",".join(dtypes)], cwd=folder, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"{python} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(out.read_text())


def statistics(runs: list[dict]) -> dict:
    """{'figure': (mean, sd)} over the runs (sample sd, ddof=1)."""
    out = {}
    for key in runs[0]:
        values = [float(r[key]) for r in runs]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
        out[key] = (mean, sd)
    return out


def print_table(title: str, stats: dict) -> None:
    print(f"\n{title}")
    print("| network | dtype | figure | mean | sd | sd/|mean| |\n|---|---|---|---:|---:|---:|")
    for group, figures in stats.items():
        name, dtype = group.split("/")
        for key, (mean, sd) in figures.items():
            rel = sd / abs(mean) if mean else float("nan")
            print(f"| {name} | {dtype} | {key} | {mean:.6g} | {sd:.3g} | {rel:.3g} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="runs per network and dtype (default 20)")
    parser.add_argument("--peer-python", help="python of an existing environment with PymoNNto 3.0.6 "
                        "(default: benchmarks/.venv-peers, created on first use)")
    parser.add_argument("--networks", default="izhikevich,stdp,hopfield,brunel_hakim",
                        help="comma-separated subset of the builders' FIGURES")
    parser.add_argument("--dtypes", default="float32,float64", help="comma-separated: float32, float64")
    parser.add_argument("--also-pymonn", action="store_true", help="measure pymonn (this interpreter) too")
    parser.add_argument("--json", metavar="OUT", help="write the raw runs and statistics here")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2 (the sd needs two runs)")
    names = [n for n in args.networks.split(",") if n]
    dtypes = [d for d in args.dtypes.split(",") if d]
    for d in dtypes:
        if d not in ("float32", "float64"):
            parser.error(f"--dtypes: unknown dtype {d!r} (float32 or float64)")

    python = args.peer_python or str(peer_python(*PEER_PACKAGES))
    version = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('pymonnto'), "
                              "m.version('numpy'))"], capture_output=True, text=True).stdout.split()
    text = BUILDERS.read_text()
    date = datetime.date.today().isoformat()
    print(f"PymoNNto {version[0] if version else '?'} (numpy {version[1] if len(version) > 1 else '?'}), "
          f"{args.runs} runs per network and dtype, {date}, builders: {BUILDERS.relative_to(HERE.parent)}")
    raw = {"pymonnto": measure(python, peer_source(text), args.runs, names, dtypes)}
    if args.also_pymonn:
        raw["pymonn"] = measure(sys.executable, text, args.runs, names, dtypes)
    stats = {engine: {g: statistics(r) for g, r in runs.items()} for engine, runs in raw.items()}
    for engine, s in stats.items():
        print_table(f"{engine}:", s)

    print(f"\n# PymoNNto {version[0] if version else '?'}, benchmarks/pymonnto_reference.py, "
          f"{args.runs} runs, {date}: (mean, sd)")
    print("REFERENCE = {")
    for group, figures in stats["pymonnto"].items():
        body = ", ".join(f'"{k}": ({m:.6g}, {s:.3g})' for k, (m, s) in figures.items())
        print(f'    "{group}": {{{body}}},')
    print("}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"date": date, "runs": args.runs, "raw": raw,
                                                       "stats": stats}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
