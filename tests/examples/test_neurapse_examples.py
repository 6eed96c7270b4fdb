"""Neurapse's examples: Hodgkin-Huxley square pulse, feed-forward LIF layers, dynamic random network."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy as np
import pytest
from example_loader import EXAMPLES, load


def check_png(path: pathlib.Path, min_size=(300, 500)) -> np.ndarray:
    import matplotlib.image

    assert path.exists() and path.stat().st_size > 10_000, path
    image = matplotlib.image.imread(path)
    assert image.shape[0] >= min_size[0] and image.shape[1] >= min_size[1]
    assert image[..., :3].std() > 0.05, "the figure is not blank"
    return image


def hh_reference_spikes(amplitude=15.0, start=60.0, end=90.0, duration=150.0, h=0.005):
    """Spike times (upward crossings of 0 mV) of an independent RK4 integration of Neurapse's HH neuron."""
    g_na, g_k, g_l, e_na, e_k, e_l = 120.0, 36.0, 0.3, 50.0, -77.0, -55.0

    def rates(v):
        am = 0.1 * (v + 40) / (1 - np.exp(-(v + 40) / 10))
        bm = 4 * np.exp(-(v + 65) / 18)
        ah = 0.07 * np.exp(-(v + 65) / 20)
        bh = 1 / (1 + np.exp(-(v + 35) / 10))
        an = 0.01 * (v + 55) / (1 - np.exp(-(v + 55) / 10))
        bn = 0.125 * np.exp(-(v + 65) / 80)
        return am, bm, ah, bh, an, bn

    def f(s, current):
        v, m, hh, n = s
        am, bm, ah, bh, an, bn = rates(v)
        i_ion = g_na * m**3 * hh * (v - e_na) + g_k * n**4 * (v - e_k) + g_l * (v - e_l)
        return np.array([current - i_ion, am * (1 - m) - bm * m, ah * (1 - hh) - bh * hh, an * (1 - n) - bn * n])

    am, bm, ah, bh, an, bn = rates(-65.0)
    s = np.array([-65.0, am / (am + bm), ah / (ah + bh), an / (an + bn)])
    spikes = []
    for k in range(int(round(duration / h))):
        t = k * h
        current = amplitude if start <= t + h / 2 < end else 0.0
        k1 = f(s, current)
        k2 = f(s + h / 2 * k1, current)
        k3 = f(s + h / 2 * k2, current)
        k4 = f(s + h * k3, current)
        new = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if s[0] < 0 <= new[0]:
            spikes.append(t + h * (0 - s[0]) / (new[0] - s[0]))
        s = new
    return np.array(spikes)


def test_hh_pulse_cli_writes_figure(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    out = tmp_path / "hh.png"
    result = subprocess.run([sys.executable, str(EXAMPLES / "hodgkin_huxley_pulse.py"), "--quick", "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 spikes at t = " in result.stdout
    check_png(out)


def test_hh_pulse_spike_times_match_reference(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    hh = load("hodgkin_huxley_pulse")
    result = hh.main(["--out", str(tmp_path / "hh.png")])  # Neurapse's dt = 0.01 ms
    ref = hh_reference_spikes()
    assert ref.size == 3
    np.testing.assert_allclose(result["spike_times"], ref, atol=0.1)
    assert -66.0 < result["rest_mV"] < -64.5
    assert 38.0 < result["peak_mV"] < 45.0
    # no spike before the pulse nor long after it
    assert np.all((result["spike_times"] > 60.0) & (result["spike_times"] < 95.0))


def test_hh_pulse_below_rheobase_is_silent(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    hh = load("hodgkin_huxley_pulse")
    result = hh.main(["--quick", "--amplitude", "2.0", "--out", str(tmp_path / "weak.png")])
    assert result["spike_times"].size == 0
    assert result["peak_mV"] < -55.0


def test_feedforward_volleys_propagate_with_delays(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    ff = load("feedforward_lif")
    out = tmp_path / "ff.png"
    stats = ff.main(["--quick", "--out", str(out)])
    assert len(stats) == 5 and stats[0]["answered"] == 1.0
    lat = np.array([s["latency"] for s in stats])
    # every layer answers almost every volley, each later than the one before by at least the
    # 1 ms axonal delay (plus integration time) but less than 3 ms
    assert all(s["answered"] > 0.9 for s in stats[1:]), [s["answered"] for s in stats]
    steps = np.diff(lat)
    assert np.all((steps > 1.0) & (steps < 3.0)), steps
    # the volley stays compact (spread well below the 50 ms period) while background firing stays low
    assert all(s["spread"] < 4.0 for s in stats[1:])
    assert all(0.5 < s["background_hz"] < 15 for s in stats[1:])
    check_png(out)


def test_feedforward_weak_weights_let_the_volley_die(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    ff = load("feedforward_lif")
    stats = ff.main(["--quick", "--weight", "40", "--out", str(tmp_path / "weak.png")])
    answered = [s["answered"] for s in stats[1:]]
    assert answered[-1] < 0.4 and answered[-1] < answered[0]
