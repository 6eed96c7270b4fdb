"""Framework overhead and the seed Izhikevich network: pymonn against PymoNNto 3.x, side by side.

    python benchmarks/overhead.py            # creates benchmarks/.venv-peers with pymonnto on first use

Both engines run the same workload text (benchmarks/overhead_workloads.py, PymoNNto's 3.x
spelling) in separate processes; the table gives the best of several repeats and pymonn's ratio
(pymonn time / PymoNNto time: below 1 means pymonn is faster).

Rows: per-call overhead (10 groups x 5 trivial behaviours); the seed network (800 + 200
Izhikevich neurons, dense random weights, 1000 steps, v, u and fired recorded); the same script
at 4,000 + 1,000 neurons, literally (the all-to-all input then drives every neuron to fire every
other step) and with weights scaled by 1000/N so that it stays in the seed's regime.
"""

from __future__ import annotations

import json
import pathlib
import platform
import subprocess
import sys

from peer_env import peer_python

HERE = pathlib.Path(__file__).resolve().parent
WORKLOADS = str(HERE / "overhead_workloads.py")

ROWS = [
    ("per-call overhead, us (10 groups x 5 behaviours)", ["overhead"], "us_per_call"),
    ("seed network 800+200, 1000 steps, s", ["izhikevich", "--size", "1000"], "seconds"),
    ("4000+1000 same script, 1000 steps, s", ["izhikevich", "--size", "5000", "--repeats", "1"], "seconds"),
    ("4000+1000 weights x 1000/N, 1000 steps, s", ["izhikevich", "--size", "5000", "--repeats", "2", "--keep-regime"],
     "seconds"),
]


def measure(python: str, engine: str, args: list[str]) -> dict:
    out = subprocess.run([python, WORKLOADS, engine, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    peer = str(peer_python("pymonnto"))
    print(f"machine: {platform.machine()}, {platform.processor() or platform.platform()}, python {platform.python_version()}")
    header = f"{'workload':<46}{'pymonn':>10}{'PymoNNto':>10}{'ratio':>8}   notes"
    print(header)
    print("-" * len(header))
    for label, args, field in ROWS:
        ours = measure(sys.executable, "pymonn", args)
        theirs = measure(peer, "PymoNNto", args)
        ratio = ours[field] / theirs[field]
        notes = ""
        if "rate" in ours:
            notes = f"rate {ours['rate']:.4f} vs {theirs['rate']:.4f}; dtype {ours['dtype']} vs {theirs['dtype']}"
        print(f"{label:<46}{ours[field]:>10.3f}{theirs[field]:>10.3f}{ratio:>8.2f}   {notes}")


if __name__ == "__main__":
    main()
