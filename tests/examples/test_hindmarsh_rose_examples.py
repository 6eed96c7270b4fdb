"""The Rust seed's two tools: single_neuron_trace.py (CSV) and network_spike_log.py (spike log)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from example_loader import EXAMPLES, load

#: The rows printed in the Rust seed's README (time ms, x, y, z, I).
SEED_ROWS = np.array([
    [0, -0.8389827395482743, -3.16059326818377, 4.380507094353632, 5],
    [10, -0.8248061250730747, -3.0936129998394075, 4.380376416015061, 5],
    [20, -0.8127511024678337, -3.0228727527871437, 4.380250920454535, 5],
    [30, -0.8014456817973684, -2.9498986930201476, 4.380130076465763, 5],
    [40, -0.7902885854182303, -2.875332912211439, 4.3800137222828734, 5],
    [50, -0.7790063446801208, -2.7994385680578877, 4.379901860619658, 5],
    [60, -0.7674664602317387, -2.7223137661322014, 4.379794570932519, 5],
    [70, -0.7555971412972287, -2.643983632803613, 4.379691971608132, 5],
    [80, -0.7433523092777098, -2.5644404689712217, 4.37959420375446, 5],
])


def parse_csv(text: str) -> np.ndarray:
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("time")]
    rows = [[float(c) for c in ln.split(",")] for ln in lines]
    assert all(len(r) == 5 for r in rows), "every line has five comma-separated columns"
    return np.array(rows)


def rk4_reference(state, steps, h=0.1, current=5.0, r=0.001):
    """Independent RK4 of the Hindmarsh-Rose equations (a=1, b=3, c=1, d=5, s=4, x_R=-1.6)."""
    def f(s):
        x, y, z = s
        return np.array([y - x**3 + 3 * x**2 - z + current, 1 - 5 * x**2 - y, r * (4 * (x + 1.6) - z)])
    s = np.array(state, dtype=float)
    out = [s.copy()]
    for _ in range(steps):
        k1 = f(s)
        k2 = f(s + h / 2 * k1)
        k3 = f(s + h / 2 * k2)
        k4 = f(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(s.copy())
    return np.array(out)


def test_trace_cli_prints_the_seeds_rows():
    """As a command: stdout is the CSV, and its first lines are the seed README's lines."""
    result = subprocess.run([sys.executable, str(EXAMPLES / "single_neuron_trace.py"), "--quick"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = parse_csv(result.stdout)
    assert rows.shape == (101, 5)  # time 0 and one row per 10 ms step for 1 s
    np.testing.assert_allclose(rows[:9], SEED_ROWS, rtol=0, atol=1e-12)


def test_trace_matches_independent_rk4_and_spikes_about_twice_a_second():
    trace = load("single_neuron_trace")
    buf = io.StringIO()
    rows = trace.main(["--duration", "10000", "--header"], out=buf)
    text = buf.getvalue().splitlines()
    assert text[0] == "time_ms, x, y, z, I"
    assert len(text) == 1 + 1001
    np.testing.assert_allclose(parse_csv(buf.getvalue()), rows, rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(rows[:, 0], np.arange(1001) * 10.0)
    assert np.all(rows[:, 4] == 5.0)
    ref = rk4_reference(SEED_ROWS[0, 1:4], 1000)
    np.testing.assert_allclose(rows[:, 1:4], ref, rtol=0, atol=1e-9)
    # tonic spiking at I = 5: the seed says "about twice a second"
    x = rows[:, 1]
    spikes = np.flatnonzero((x[:-1] < 1.0) & (x[1:] >= 1.0))
    rate = spikes.size / 10.0
    assert 1.0 <= rate <= 2.5, rate
    assert -1.2 < x.min() < -0.8 and 1.5 < x.max() < 2.2


def test_trace_bursting_current_and_sampling():
    trace = load("single_neuron_trace")
    rows = trace.main(["--duration", "2000", "--every", "5", "--current", "2.0"], out=io.StringIO())
    assert rows.shape == (1 + 40, 5)
    np.testing.assert_array_equal(np.diff(rows[:, 0]), 50.0)
    assert np.all(rows[1:, 4] == 2.0)


LINE = re.compile(r"^t=(\d+): neuron (\d+) is spiking$")


def test_spike_log_cli_format():
    result = subprocess.run([sys.executable, str(EXAMPLES / "network_spike_log.py"), "--size=10", "--quick"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, "some neuron spikes within 2 s"
    parsed = [LINE.match(ln) for ln in lines]
    assert all(parsed), [ln for ln, m in zip(lines, parsed, strict=True) if not m][:3]
    t = np.array([int(m.group(1)) for m in parsed])
    i = np.array([int(m.group(2)) for m in parsed])
    assert np.all(np.diff(t) >= 0) and t.max() <= 2000 and np.all(t % 10 == 0)
    assert i.min() >= 0 and i.max() < 10
    assert "kept up" in result.stderr or "fell behind" in result.stderr


def test_spike_log_lines_are_the_recorded_spikes():
    """Each printed line is a spike of the network (compared with an EventRecorder of the same run)."""
    log = load("network_spike_log")
    buf = io.StringIO()
    summary = log.main(["--size", "200", "--duration", "3000"], out=buf)
    lines = buf.getvalue().splitlines()
    assert summary["spikes"] == len(lines) > 50
    net = log.build(200, record=True)
    net.simulate_iterations(300, progress=False)
    rec = net.hr["EventRecorder", 0]
    expected = [f"t={10 * k}: neuron {n} is spiking" for k, n in zip(rec["fired.iteration"], rec["fired.i"], strict=True)]
    assert lines == expected
    # rate of the bursting / tonic population: between 0.2 and 3 spikes per neuron per second
    assert 0.2 <= len(lines) / (200 * 3.0) <= 3.0


def test_spike_log_real_time_pacing_waits_for_the_clock(monkeypatch):
    """The whole --real-time command on a fake clock that advances only when the log sleeps: every
    step is ahead, so the run sleeps to each step's end and takes exactly its simulated 0.5 s."""
    import types

    log = load("network_spike_log")
    clock = FakeClock()
    monkeypatch.setattr(log, "time", types.SimpleNamespace(perf_counter=clock, sleep=clock.sleep))
    monkeypatch.setattr(log.SpikeLog.__init__, "__defaults__", (False, clock, clock.sleep))
    summary = log.main(["--size", "2000", "--duration", "500", "--real-time", "--quiet"], out=io.StringIO())
    assert summary["wall_s"] == pytest.approx(0.5, abs=1e-9)
    assert len(clock.slept) == 50 and sum(clock.slept) == pytest.approx(0.5)  # 50 steps of 10 ms
    assert summary["spikes"] > 0
    assert summary["kept_up"] and summary["max_lag_ms"] == 0.0 and summary["late_steps"] == 0


class FakeClock:
    """A wall clock that advances only when the simulation 'computes' or the log sleeps."""

    def __init__(self):
        self.now, self.slept = 100.0, []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def test_spike_log_pacing_sleeps_when_ahead_and_measures_lag_when_behind():
    """Pacing against a fake clock: fast steps sleep up to the step's wall time; slow steps are logged as lag."""
    log = load("network_spike_log")
    net = log.build(20)
    clock = FakeClock()
    pacer = log.SpikeLog(net.hr, 10.0, io.StringIO(), real_time=True, quiet=True, clock=clock, sleep=clock.sleep)
    costs = iter([0.002] * 5 + [0.025] + [0.001] * 4)  # wall seconds each step 'computes'; step 6 stalls 25 ms

    def step(n):
        clock.now += next(costs)
        pacer(n)

    net.simulate_iterations(10, progress=False, callback=step)
    # the first five steps finish early and sleep to the end of their 10 ms
    assert clock.slept[:5] == pytest.approx([0.008] * 5)
    # step 6 ends 15 ms behind its deadline, step 7 still 6 ms behind; step 8 is early again (sleeps 3 ms)
    assert pacer.max_lag == pytest.approx(0.015)
    assert pacer.late_steps == 1  # only step 6 is a whole step (10 ms) behind
    assert clock.slept[5:] == pytest.approx([0.003, 0.009, 0.009])
    assert clock.now == pytest.approx(100.1)  # ten steps end where their simulated time does
