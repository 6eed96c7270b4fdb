"""Every script in examples/ takes ``--help`` and ``--quick``, as README.md and examples/README.md say.

``--help`` of every script runs in the fast suite (in this process, as ``python script.py --help``
would: ``__name__ == '__main__'``, ``sys.argv`` set); so does ``--quick`` of the scripts whose quick
run takes a few seconds at most. The quick runs of the long ones (which their own tests in
tests/examples and tests/sweeps also run, checking their numbers) run under ``-m slow``, every
script as a separate program.
"""

from __future__ import annotations

import pathlib
import runpy
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))
#: quick runs of 3 s or more here (2 cores): under -m slow, and run with --quick by their own tests
LONG = {"brunel.py", "dynamic_random_network.py", "lif_20k.py", "potjans_diesmann.py", "pymonnto_evolution.py",
        "stdp_song.py", "sweep_brunel.py"}
#: reads its genes from sys.argv once per process (pymonn.compat.genes): run as a program
OWN_PROCESS = {"pymonnto_evolution_slave.py"}


def run_here(name: str, args: list[str], tmp_path, monkeypatch, capsys) -> tuple[int, str]:
    """Run ``examples/name`` in this process as ``python name *args`` in ``tmp_path``: (exit status, stdout)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *args])
    monkeypatch.setattr(sys, "path", [str(EXAMPLES), *sys.path])
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, capsys.readouterr().out


def run_program(name: str, args: list[str], cwd: pathlib.Path) -> tuple[int, str]:
    out = subprocess.run([sys.executable, str(EXAMPLES / name), *args], cwd=cwd, capture_output=True, text=True,
                         timeout=600, env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    return out.returncode, out.stdout + out.stderr


def check_figures(folder: pathlib.Path) -> None:
    """Every PNG a script wrote is a real figure: large, and not one colour."""
    import matplotlib.image

    for png in folder.glob("*.png"):
        image = matplotlib.image.imread(png)
        assert image.shape[0] > 200 and image.shape[1] > 200, png.name
        assert image[..., :3].std() > 0.02, f"{png.name} is blank"


def test_every_script_is_covered():
    assert len(SCRIPTS) >= 19 and LONG <= set(SCRIPTS) and OWN_PROCESS <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_help_exits_0_and_documents_quick(name, tmp_path, monkeypatch, capsys):
    if name in OWN_PROCESS:
        code, out = run_program(name, ["--help"], tmp_path)
    else:
        code, out = run_here(name, ["--help"], tmp_path, monkeypatch, capsys)
    assert code == 0, out[-2000:]
    assert "--quick" in out
    assert list(tmp_path.iterdir()) == []  # --help runs nothing and writes nothing


@pytest.mark.parametrize("name", sorted(set(SCRIPTS) - LONG))
def test_quick_runs(name, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib", reason="the examples plot with matplotlib")
    if name in OWN_PROCESS:
        code, out = run_program(name, ["--quick"], tmp_path)
    else:
        code, out = run_here(name, ["--quick"], tmp_path, monkeypatch, capsys)
    assert code == 0, out[-2000:]
    assert len(out.strip().splitlines()) >= 1  # every script reports what it ran
    check_figures(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_quick_runs_as_a_program(name, tmp_path):
    pytest.importorskip("matplotlib", reason="the examples plot with matplotlib")
    code, out = run_program(name, ["--quick"], tmp_path)
    assert code == 0, out[-3000:]
    check_figures(tmp_path)
