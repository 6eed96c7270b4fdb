"""The sweep examples, run as the README of examples/ says (--quick), checked against what they show."""

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("distributed")
pytest.importorskip("optuna")
pytest.importorskip("matplotlib")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_brunel_sweep_draws_the_regime_map(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    table = load("sweep_brunel").main(["--quick"])
    assert (tmp_path / "sweep_brunel.png").stat().st_size > 10_000
    assert len(table) == 4 and table.error.isna().all() and table.worker.str.startswith("tcp://").all()
    cell = table.set_index(["g", "eta"])
    # excitation dominates (g = 3): synchronous regular firing near saturation (1 / t_ref = 500 Hz), CV ~ 0
    for eta in (1.0, 4.0):
        assert cell.rate[3.0, eta] > 200 and cell.cv[3.0, eta] < 0.3
    # inhibition dominates (g = 6): low rates, irregular firing (CV near or above 1), rising with the drive
    for eta in (1.0, 4.0):
        assert cell.rate[6.0, eta] < 100 and cell.cv[6.0, eta] > 0.5
    assert cell.rate[6.0, 4.0] > 2 * cell.rate[6.0, 1.0]


def test_pymonnto_evolution_finds_genes_for_the_target_rate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    study, table = load("pymonnto_evolution").main(["--quick"])
    assert (tmp_path / "pymonnto_evolution.png").stat().st_size > 10_000
    assert len(table) == 10 and (table.state == "COMPLETE").all()
    np.testing.assert_allclose(table.score, -(table.rate - 10.0) ** 2)  # the slave's set_score, read back
    ranks = lambda x: np.argsort(np.argsort(x))  # noqa: E731
    assert np.corrcoef(ranks(table.noise), ranks(table.rate))[0, 1] > 0.8  # more noise, more spikes
    assert abs(study.best_trial.user_attrs["rate"] - 10.0) < 5.0


def test_the_slave_runs_alone_with_its_defaults_and_with_genes_from_the_command_line(tmp_path):
    slave = str(EXAMPLES / "pymonnto_evolution_slave.py")
    low = subprocess.run([sys.executable, slave], cwd=tmp_path, capture_output=True, text=True, check=True)
    high = subprocess.run([sys.executable, slave, "noise=9"], cwd=tmp_path, capture_output=True, text=True,
                          check=True)
    rate = [float(out.stdout.split("'rate': ")[1].rstrip("}\n")) for out in (low, high)]
    assert rate[0] < 2.0 and 5.0 < rate[1] < 15.0  # noise 5 is near the rheobase; 9 drives ~10 Hz


@pytest.mark.parametrize("name", ["sweep_brunel", "pymonnto_evolution", "pymonnto_evolution_slave"])
def test_help(name):
    out = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--help"], capture_output=True, text=True,
                         check=True)
    assert "python examples/" in out.stdout
