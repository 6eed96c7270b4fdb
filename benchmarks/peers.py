"""pymonn side by side with PymoNNto, Brian2 and NEST on the same workloads; prints a table.

    python benchmarks/peers.py                         # everything (about 15 minutes)
    python benchmarks/peers.py --only cuba --engines pymonn brian2
    python benchmarks/peers.py --write benchmarks/RESULTS.md

The peers live in ``benchmarks/.venv-peers`` (created on first use by ``peer_env.py``) with
``pymonnto``, ``brian2`` and ``nest-simulator``; numpy is pinned below 2.4 there because Brian2
2.9 does not import with numpy 2.4. pymonn runs in the interpreter that runs this script.

Each (engine, workload, size) runs in a fresh process (``peers_workloads.py``, which documents
the workloads), one after another, so that a run never competes with another. The table gives
set-up time (building and connecting; for Brian2 also code generation and compilation, from a
warm Cython cache after its first workload), simulation time, peak resident memory of the
process, the number of spikes (a check that the engines simulate the same activity), and
pymonn's speed-up: the peer's simulation time divided by pymonn's (above 1: pymonn is faster).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys

from peer_env import peer_python

HERE = pathlib.Path(__file__).resolve().parent
WORKLOADS = HERE / "peers_workloads.py"
ENGINES = ("pymonn", "pymonnto", "brian2", "nest")
OTHER = "## Other measurements"
INTRO = """# pymonn against PymoNNto, Brian2 and NEST

Output of `python benchmarks/peers.py --write benchmarks/RESULTS.md`. The workloads are described
in `benchmarks/peers_workloads.py`; every engine simulates the same network (connectivity drawn
once with numpy and handed to each), single-threaded, in float64. pymonn speed-up = the peer's
simulation time / pymonn's. Set-up includes building and connecting (Brian2: also code generation
and Cython compilation, from a warm cache). Peak memory is the whole process's resident set.
PymoNNto is written in its own dense-matrix numpy style, so it cannot hold the 20,000+ neuron
networks (n/a rows). Spike counts differ a little between engines where their input noise
differs (NEST's Izhikevich gets Gaussian instead of uniform noise; the STDP neuron's spike count
depends on its own learning history).

"""
MATRIX = [
    ("izhikevich", 1000, "Izhikevich 80/20 dense, N = 1,000 (500 ms)"),
    ("izhikevich", 5000, "Izhikevich 80/20 dense, N = 5,000 (500 ms)"),
    ("cuba", 4000, "CUBA, N = 4,000 (1 s)"),
    ("cuba", 20000, "CUBA, N = 20,000 (1 s)"),
    ("cuba", 100000, "CUBA, N = 100,000 (1 s)"),
    ("stdp", 1000, "Song STDP, 1,000 inputs (10 s)"),
    ("stdp", 100000, "Song STDP, 100,000 inputs (10 s)"),
    ("lif20k", 20000, "LIF 20k, 4M synapses (1 s)"),
]


def peer_interpreter() -> str:
    """The peer environment's python, with pymonnto, brian2, nest-simulator and numpy < 2.4."""
    python = str(peer_python("pymonnto", "brian2", "nest-simulator"))
    version = subprocess.run([python, "-c", "import numpy; print(numpy.__version__)"], capture_output=True,
                             text=True).stdout.strip()
    major, minor = (int(x) for x in version.split(".")[:2])
    if (major, minor) >= (2, 4):
        print(f"pinning numpy < 2.4 in the peer environment (found {version}) ...", file=sys.stderr)
        subprocess.run([python, "-m", "pip", "install", "-q", "numpy<2.4"], check=True)
    return python


def run_one(python: str, engine: str, workload: str, size: int, timeout: float) -> dict:
    cmd = [python, str(WORKLOADS), engine, workload, str(size)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 and not lines:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": tail[:80]}
    return json.loads(lines[-1])


def versions(python: str) -> str:
    code = ("import importlib.metadata as m\n"
            "print(', '.join(f'{p} {m.version(p)}' for p in ('PymoNNto', 'Brian2', 'nest-simulator', 'numpy')))")
    peers = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()
    import numba
    import numpy

    import pymonn

    return f"pymonn {pymonn.__version__} (numpy {numpy.__version__}, numba {numba.__version__}); peers: {peers}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")).split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def table(results: dict, engines: list[str], rows: list[tuple]) -> list[str]:
    head = "| workload | engine | set-up s | simulation s | peak MiB | spikes | pymonn speed-up |"
    lines = [head, "|---|---|---:|---:|---:|---:|---:|"]
    for workload, size, label in rows:
        ours = results.get(("pymonn", workload, size), {})
        for engine in engines:
            r = results.get((engine, workload, size))
            if r is None:
                continue
            if "skipped" in r or "error" in r:
                note = r.get("skipped") or r.get("error")
                lines.append(f"| {label} | {engine} | n/a | n/a | n/a | n/a | {note} |")
                continue
            ratio = ""
            if engine != "pymonn" and "sim_s" in ours:
                ratio = f"{r['sim_s'] / ours['sim_s']:.1f}x"
            lines.append(f"| {label} | {engine} | {fmt(r['setup_s'])} | {fmt(r['sim_s'], 3)} | {r['peak_mib']:.0f} | "
                         f"{r['spikes']:,} | {ratio} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--only", nargs="+", choices=sorted({w for w, _, _ in MATRIX}), default=None,
                        help="run only these workloads")
    parser.add_argument("--max-size", type=int, default=None, help="skip sizes above this")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run (default 900)")
    parser.add_argument("--write", default=None, help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    rows = [r for r in MATRIX if (args.only is None or r[0] in args.only)
            and (args.max_size is None or r[1] <= args.max_size)]
    peer = peer_interpreter() if set(args.engines) - {"pymonn"} else sys.executable
    load_before = os.getloadavg()
    started = datetime.datetime.now()
    results: dict = {}
    for workload, size, label in rows:
        for engine in args.engines:
            python = sys.executable if engine == "pymonn" else peer
            r = run_one(python, engine, workload, size, args.timeout)
            results[(engine, workload, size)] = r
            shown = r.get("error") or r.get("skipped") or f"set-up {r['setup_s']:.2f} s, simulation {r['sim_s']:.3f} s"
            print(f"{label:<45} {engine:<9} {shown}", file=sys.stderr, flush=True)
    load_after = os.getloadavg()
    lines = table(results, args.engines, rows)
    header = [
        f"Run {started:%Y-%m-%d %H:%M} to {datetime.datetime.now():%H:%M} on {machine()}.",
        f"Versions: {versions(peer)}.",
        f"Load average (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}.",
    ]
    print("\n".join(header + [""] + lines))
    if args.write:
        path = pathlib.Path(args.write)
        # a section "## Other measurements" (written by hand) survives a rewrite of the table
        old = path.read_text() if path.exists() else ""
        keep = old[old.index(OTHER):] if OTHER in old else ""
        path.write_text(INTRO + "\n".join(header + [""] + lines) + "\n" + ("\n" + keep if keep else ""))
        print(f"written to {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
