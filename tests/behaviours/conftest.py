"""Fixtures shared by the behaviour-library tests: build a one-group network, read spike trains.

Each helper is a fixture that returns the function (``def test_x(run_group): run_group(...)``), so
that test modules never import this conftest by name.
"""

from __future__ import annotations

import numpy as np
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder


def _run_group(size, behaviours, duration_ms, *, dt=0.1, seed=1, dtype=np.float64, record=None, every=1):
    """Run one NeuronGroup with ``behaviours`` ({key: Behaviour}) for ``duration_ms``.

    An EventRecorder of ``fired`` is added at key 90 (and a Recorder of ``record`` at 91 if given).
    Returns (net, group).
    """
    net = Network(dt=dt, seed=seed, dtype=dtype)
    behaviours = dict(behaviours)
    behaviours.setdefault(90, EventRecorder("fired"))
    if record:
        behaviours[91] = Recorder(record, every=every)
    group = NeuronGroup(net, size, behaviours, tag="g")
    net.initialize()
    net.run(duration_ms, progress=False)
    return net, group


def _spikes(group):
    """(iterations, indices) of every spike the group's EventRecorder saw."""
    rec = group["EventRecorder", 0]
    return rec["fired.iteration"], rec["fired.i"]


def _spike_times(group, neuron=0, dt=None):
    """Spike times (ms) of one neuron."""
    it, idx = _spikes(group)
    dt = dt if dt is not None else group.dt
    return it[idx == neuron] * dt


def _trains(group):
    """List of spike-time arrays (ms), one per neuron."""
    it, idx = _spikes(group)
    return [it[idx == i] * group.dt for i in range(group.size)]


@pytest.fixture
def rng():
    """A fixed numpy generator for building random test states."""
    return np.random.default_rng(12345)


@pytest.fixture
def run_group():
    """``run_group(size, {key: Behaviour}, duration_ms, dt=0.1, seed=1, dtype=..., record=None)``."""
    return _run_group


@pytest.fixture
def spike_times():
    """``spike_times(group, neuron=0)`` -> spike times (ms) of one neuron."""
    return _spike_times


@pytest.fixture
def trains():
    """``trains(group)`` -> list of spike-time arrays (ms), one per neuron."""
    return _trains


@pytest.fixture
def spike_steps():
    """``spike_steps(group)`` -> (iterations, indices) of all spikes."""
    return _spikes
