"""examples/wang_buzsaki.py: a model the library does not have, from equations; its f-I curve is
that of a type-1 neuron (rate rising continuously from 0), and rk4 agrees with a finer Euler run."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from example_loader import EXAMPLES, load


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PYMONN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "equations-cache"))


def test_quick_run_gives_a_type_1_f_i_curve(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = load("wang_buzsaki").main(["--quick"])
    rates, currents = result["rates"], result["currents"]
    firing = np.flatnonzero(rates > 0)
    assert 0.0 < result["rheobase"] <= 0.4
    assert rates[firing[0]] < 0.5 * rates[-1]          # low rates just above the rheobase (type 1)
    assert np.all(np.diff(rates[firing]) >= -2.0)      # and rising with the current
    assert 50 < rates[np.argmin(np.abs(currents - 1.0))] < 150
    assert (tmp_path / "wang_buzsaki.png").stat().st_size > 10_000


def test_rk4_and_a_finer_euler_run_agree():
    wb = load("wang_buzsaki")
    currents = np.array([0.5, 1.0, 2.0])
    rk4, _ = wb.f_i_curve(currents, 400.0, 0.02, "rk4")
    euler, _ = wb.f_i_curve(currents, 400.0, 0.002, "euler")
    assert np.all(rk4 > 0) and np.allclose(rk4, euler, rtol=0.05)


def test_the_script_takes_help():
    out = subprocess.run([sys.executable, str(EXAMPLES / "wang_buzsaki.py"), "--help"], capture_output=True,
                         text=True, check=True)
    assert "--quick" in out.stdout and "Wang" in out.stdout
