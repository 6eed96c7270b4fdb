"""A virtual environment for peer simulators, created on first use next to the benchmarks.

Peers (PymoNNto, Brian2, ...) are never dependencies of pymonn: they live only in this
environment, which the benchmark scripts create and reuse.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import venv

ENV_DIR = pathlib.Path(__file__).resolve().parent / ".venv-peers"


def peer_python(*packages: str) -> pathlib.Path:
    """Path of the peer environment's python, creating it and installing ``packages`` if needed."""
    python = ENV_DIR / "bin" / "python"
    if not python.exists():
        print(f"creating the peer environment in {ENV_DIR} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(ENV_DIR)
    missing = [p for p in packages if subprocess.run(
        [str(python), "-m", "pip", "show", "-q", p.split("==")[0].split(">")[0]], capture_output=True).returncode]
    if missing:
        print(f"installing {' '.join(missing)} into the peer environment ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *missing], check=True)
    return python
