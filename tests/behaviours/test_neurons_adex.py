"""AdEx: the firing patterns of Naud et al. 2008 (Table 1, Fig. 4), twins, refractory, errors."""

import numpy as np
import pytest
from pymonn.behaviours import ADEX_PRESETS, AdEx, ConstantCurrent, SquarePulse
from pymonn.behaviours.neurons.adex import adex_step_numba, adex_step_numpy

from pymonn import ConfigurationError, Network, NeuronGroup, Recorder

START, END = 100.0, 600.0


@pytest.fixture(scope="module")
def patterns():
    """Spike times (ms) of every preset for its own step current (Naud et al. 2008, Fig. 4)."""
    out = {}
    for name, p in ADEX_PRESETS.items():
        net = Network(dt=0.1, seed=0)
        g = NeuronGroup(net, 1, {10: SquarePulse(start=START, end=END, amplitude=p["I_step"]),
                                 30: AdEx(preset=name), 90: Recorder(["fired"])})
        net.run(END + 100, progress=False)
        fired = g["Recorder", 0]["fired"][:, 0]
        out[name] = np.flatnonzero(fired) * 0.1 + 0.1
    return out


def test_preset_parameters_are_naud_table_1():
    assert ADEX_PRESETS["adapting"]["b"] == 60.0 and ADEX_PRESETS["adapting"]["tau_w"] == 300.0
    assert ADEX_PRESETS["regular_bursting"]["V_r"] == -46.0 and ADEX_PRESETS["initial_burst"]["C"] == 130.0


def test_no_spikes_outside_the_step(patterns):
    for name, t in patterns.items():
        assert np.all((t > START) & (t < END + 20)), name


def test_tonic_spiking_is_regular(patterns):
    isi = np.diff(patterns["tonic"])
    assert len(isi) >= 40
    assert isi[-1] / isi[0] < 1.1  # measured 1.06
    assert np.std(isi[5:]) / np.mean(isi[5:]) < 0.02


def test_adapting_isi_lengthens(patterns):
    isi = np.diff(patterns["adapting"])
    assert np.all(np.diff(isi[:6]) > 0)  # monotonic lengthening
    assert isi[-1] > 4 * isi[0]  # measured 76 / 11.6 = 6.6


def test_initial_burst_then_regular(patterns):
    isi = np.diff(patterns["initial_burst"])
    assert np.all(isi[:2] < 10.0)  # the burst: 3.8, 7.7 ms
    assert np.all(isi[2:] > 40.0)  # then tonic (64 ms)
    assert np.std(isi[4:]) < 0.5


def test_regular_bursting(patterns):
    isi = np.diff(patterns["regular_bursting"])
    short, long = isi[isi < 10.0], isi[isi > 100.0]
    assert len(short) + len(long) == len(isi)  # bimodal ISIs
    assert len(long) >= 3  # repeated bursts...
    assert len(short) >= len(long)  # ...of at least two spikes each


def test_other_patterns_signatures(patterns):
    delayed = np.diff(patterns["delayed_accelerating"])
    assert patterns["delayed_accelerating"][0] - START > 25  # delayed onset
    assert delayed[-2] < 0.7 * delayed[0]  # accelerating
    assert len(patterns["transient"]) <= 3  # transient: fires at onset only
    irregular = np.diff(patterns["irregular"])
    assert np.std(irregular) / np.mean(irregular) > 0.3


def test_refractory_period_clamps_v():
    net = Network(dt=0.1, seed=0)
    g = NeuronGroup(net, 1, {10: ConstantCurrent(amplitude=2000.0), 30: AdEx(preset="tonic", t_ref=3.0),
                             90: Recorder(["v", "fired"])})
    net.run(100, progress=False)
    v = g["Recorder", 0]["v"][:, 0]
    k = np.flatnonzero(g["Recorder", 0]["fired"][:, 0])
    assert len(k) > 3 and np.all(np.diff(k) > 30)
    for s in k[:-1]:
        assert np.all(v[s:s + 31] == -58.0)


@pytest.mark.parametrize("per_neuron", [0, 1])
def test_numba_kernel_equals_numpy_twin(rng, per_neuron):
    n = 1000
    size = n if per_neuron else 1
    keys = ["C", "g_L", "E_L", "V_T", "Delta_T", "a", "tau_w", "b", "V_r"]
    base = ADEX_PRESETS["adapting"]
    table = np.array([np.full(size, base[k]) * (rng.uniform(0.9, 1.1, size) if per_neuron else 1) for k in keys]
                     + [np.full(size, 0.0)])
    n_ref = rng.integers(0, 5, size).astype(np.int32)
    v, w = rng.uniform(-75, -1, n), rng.uniform(0, 200, n)
    current = rng.uniform(0, 800, n)
    ref = rng.integers(0, 3, n).astype(np.int32)
    a = [v.copy(), w.copy(), current, ref.copy(), np.zeros(n, bool)]
    b = [v.copy(), w.copy(), current, ref.copy(), np.zeros(n, bool)]
    spiked = 0
    for _ in range(30):
        adex_step_numba(*a, table, n_ref, 0.1)
        adex_step_numpy(*b, table, n_ref, 0.1)
        assert np.array_equal(a[4], b[4])
        spiked += a[4].sum()
    assert spiked > 100
    assert np.array_equal(a[3], b[3])
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs, words", [
    (dict(preset="bursting"), ["preset", "tonic", "adapting"]),
    (dict(Delta_T=0.0), ["AdEx", "'g'", "Delta_T", "positive"]),
    (dict(tau_w=-5.0), ["tau_w", "positive"]),
    (dict(V_r=5.0), ["V_r", "v_peak"]),
])
def test_bad_parameters_raise_configuration_error(kwargs, words):
    net = Network(dt=0.1)
    NeuronGroup(net, 3, {30: AdEx(**kwargs)}, tag="g")
    with pytest.raises(Exception) as info:
        net.initialize()
    err = info.value.__cause__ or info.value
    assert isinstance(err, ConfigurationError)
    for w in words:
        assert w in str(err), (w, str(err))


#: Naud, Marcille, Clopath & Gerstner 2008, Table 1: C (pF), g_L (nS), E_L, V_T, Delta_T (mV), a (nS),
#: tau_w (ms), b (pA), V_r (mV), and the step current of Fig. 4 (pA), as published
NAUD_TABLE_1 = {
    "tonic": (200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
    "adapting": (200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
    "initial_burst": (130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
    "regular_bursting": (200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
    "delayed_accelerating": (200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
    "delayed_regular_bursting": (100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
    "transient": (100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
    "irregular": (100, 12, -60, -50, 2, -11, 130, 30, -48, 160),
}


def test_every_preset_is_naud_table_1_exactly():
    keys = ("C", "g_L", "E_L", "V_T", "Delta_T", "a", "tau_w", "b", "V_r", "I_step")
    assert set(ADEX_PRESETS) == set(NAUD_TABLE_1)
    for name, row in NAUD_TABLE_1.items():
        assert tuple(ADEX_PRESETS[name][k] for k in keys) == row, name


def test_the_preset_reaches_the_kernel():
    """A behaviour's table holds the preset it was given (tau_w of 'tonic' is 30 ms, of 'adapting' 300 ms)."""
    net = Network(dt=0.1, seed=0)
    a = NeuronGroup(net, 1, {30: AdEx(preset="tonic")})
    b = NeuronGroup(net, 1, {30: AdEx(preset="adapting", tau_w=45.0)})
    net.initialize()
    assert a["AdEx", 0].tau_w[0] == 30.0 and a["AdEx", 0].b[0] == 0.0
    assert b["AdEx", 0].tau_w[0] == 45.0 and b["AdEx", 0].b[0] == 60.0  # an explicit value overrides the preset
