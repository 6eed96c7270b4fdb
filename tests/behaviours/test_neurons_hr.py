"""Hindmarsh-Rose: bursting at the standard parameters, tonic spiking at higher current, twins."""

import numpy as np
import pytest
from pymonn.behaviours import ConstantCurrent, HindmarshRose
from pymonn.behaviours.neurons.hindmarsh_rose import hr_step_numba, hr_step_numpy

from pymonn import ConfigurationError, EventRecorder, Network, NeuronGroup, Recorder


def bursts(t, gap_factor=3.0):
    """Split spike times into bursts at ISIs longer than gap_factor x the median ISI."""
    isi = np.diff(t)
    cut = np.flatnonzero(isi > gap_factor * np.median(isi))
    return np.split(t, cut + 1), isi


@pytest.fixture(scope="module")
def hr_run():
    """Default parameters (r = 0.006) at I = 2.5 and 4.0, and the 1984 paper's r = 0.001 at I = 2."""
    net = Network(dt=0.05, seed=0)


    g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=[2.5, 4.0, 2.0]),
                             30: HindmarshRose(r=[0.006, 0.006, 0.001]), 90: EventRecorder()})
    net.run(4000, progress=False)
    t, i = g["EventRecorder", 0]["fired.t"], g["EventRecorder", 0]["fired.i"]
    return [t[(i == k) & (t > 1000)] for k in range(3)]


def test_standard_parameters_burst(hr_run):
    groups, isi = bursts(hr_run[0])
    sizes = [len(b) for b in groups[1:-1]]  # whole bursts only
    assert len(sizes) >= 10
    assert all(s == 3 for s in sizes)  # several spikes per burst (3 at I = 2.5)
    intra = np.concatenate([np.diff(b) for b in groups[1:-1]])
    gaps = np.array([b[0] - a[-1] for a, b in zip(groups[:-1], groups[1:], strict=True)])
    assert gaps.min() > 4 * intra.max()  # quiescent gaps (94.5 vs <= 17.5)


def test_paper_slow_time_scale_gives_long_bursts(hr_run):
    groups, _ = bursts(hr_run[2])
    sizes = [len(b) for b in groups[1:-1]]
    assert len(sizes) >= 3 and min(sizes) >= 8  # Hindmarsh & Rose 1984 Fig. 6: ~9 spikes per burst


def test_tonic_spiking_at_higher_current(hr_run):
    isi = np.diff(hr_run[1])
    assert len(isi) > 100
    assert np.std(isi) / np.mean(isi) < 0.02  # regular single spikes (ISI 20.1)
    assert isi.max() < 1.1 * isi.min()


def test_spike_detection_counts_each_spike_once():
    """x crosses x_th = 1 once per spike: the spike count equals the number of local maxima of x above 1."""
    net = Network(dt=0.05, seed=0)


    g = NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=2.5), 30: HindmarshRose(), 90: EventRecorder(),
                             91: Recorder(["x"])})
    net.run(1500, progress=False)
    x = g["Recorder", 0]["x"][:, 0]
    peaks = np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > 1.0))
    assert len(g["EventRecorder", 0]["fired.t"]) == len(peaks) > 10
    assert g.v is g.x


@pytest.mark.parametrize("per_neuron", [0, 1])
def test_numba_kernel_equals_numpy_twin_bit_for_bit(rng, per_neuron):
    n = 500
    size = n if per_neuron else 1
    table = np.array([np.full(size, 1.0), np.full(size, 3.0), np.full(size, 1.0), np.full(size, 5.0),
                      rng.uniform(0.001, 0.01, size), np.full(size, 4.0), np.full(size, -1.6), np.full(size, 1.0)])
    x, y, z = rng.uniform(-2, 2, n), rng.uniform(-12, 1, n), rng.uniform(0, 4, n)
    current = rng.uniform(0, 5, n)
    a = [x.copy(), y.copy(), z.copy(), current, np.zeros(n, bool)]
    b = [x.copy(), y.copy(), z.copy(), current, np.zeros(n, bool)]
    spiked = 0
    for _ in range(200):
        hr_step_numba(*a, table, 0.05)
        hr_step_numpy(*b, table, 0.05)
        spiked += a[4].sum()
    assert spiked > 10
    for u, w in zip(a[:3], b[:3], strict=True):
        assert np.array_equal(u, w)


def test_bad_parameters_raise_configuration_error():
    net = Network(dt=0.05)
    NeuronGroup(net, 2, {30: HindmarshRose(r=0.0)}, tag="g")
    with pytest.raises(Exception) as info:
        net.initialize()
    err = info.value.__cause__
    assert isinstance(err, ConfigurationError)
    assert "HindmarshRose" in str(err) and "'r'" in str(err) and "positive" in str(err)
