"""Recordings as pandas tables and Neo objects; Elephant's statistics agree with pymonn.analysis."""

import warnings

import numpy as np
import pytest
from test_analysis import PoissonSpikes, Regular

from pymonn import EventRecorder, Network, NeuronGroup, Recorder
from pymonn import analysis as A
from pymonn.errors import ConfigurationError
from pymonn.tables import to_neo

# quantities 0.16 deprecates an argument that elephant still passes; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:The 'copy' argument in Quantity is deprecated")


@pytest.fixture(scope="module")
def net():
    net = Network(dt=0.5, seed=4)
    NeuronGroup(net, 30, {10: PoissonSpikes(rate=15.0), 90: EventRecorder("fired")}, tag="pois")
    NeuronGroup(net, 3, {10: Regular(period=4), 90: Recorder(["v", "np.mean(v)", "fired"]),
                         91: Recorder(["v"], every=2), 92: EventRecorder("fired")}, tag="reg")
    net.initialize()
    net.simulate_iterations(20_000, progress=False)  # 10 s
    return net


def test_to_dataframe_long_format(net):
    pd = pytest.importorskip("pandas", reason="to_dataframe needs pandas")
    rec = net.reg.behaviours[90]
    df = rec.to_dataframe("v")
    assert list(df.columns) == ["t", "iteration", "variable", "neuron", "value"]
    assert len(df) == 20_000 * 3
    v = rec["v"]
    row = df.iloc[3 * 7 + 2]  # sample 7, neuron 2
    assert row["t"] == pytest.approx(8 * 0.5) and row["iteration"] == 8 and row["neuron"] == 2
    assert row["value"] == v[7, 2]
    wide = df.pivot(index="iteration", columns="neuron", values="value").to_numpy()
    np.testing.assert_array_equal(wide, v)
    both = rec.to_dataframe()
    assert set(both["variable"]) == {"v", "np.mean(v)", "fired"}
    assert both["value"].dtype == np.float64  # bool and float mixed: float64
    mean_rows = both[both["variable"] == "np.mean(v)"]
    assert (mean_rows["neuron"] == 0).all() and len(mean_rows) == 20_000
    np.testing.assert_allclose(mean_rows["value"].to_numpy(), v.mean(axis=1))
    ev = net.reg.behaviours[92].to_dataframe()
    assert list(ev.columns) == ["t", "iteration", "variable", "neuron"]
    assert len(ev) == net.reg.behaviours[92].count() == 20_000 * 3 // 4
    np.testing.assert_array_equal(ev["t"].to_numpy(), net.reg.behaviours[92]["fired.t"])
    assert isinstance(ev, pd.DataFrame)


def test_to_neo_round_trip(net):
    neo = pytest.importorskip("neo", reason="to_neo needs the [neo] extra (neo, quantities)")
    pq = pytest.importorskip("quantities", reason="to_neo needs the [neo] extra (neo, quantities)")
    ev = net.pois.behaviours[90]
    trains = ev.to_neo()
    assert len(trains) == 30 and all(isinstance(s, neo.SpikeTrain) for s in trains)
    assert trains[0].units == pq.ms and float(trains[0].t_stop) == pytest.approx(10_000.0)
    assert trains[5].annotations["neuron"] == 5 and trains[5].annotations["source"] == "pois"
    assert sum(len(s) for s in trains) == ev.count()
    back = A.as_spike_trains(trains)  # Neo trains are a spike source
    orig = A.as_spike_trains(ev)
    assert back.n == orig.n and back.t_stop == orig.t_stop
    a, b = np.lexsort((back.t, back.i)), np.lexsort((orig.t, orig.i))
    np.testing.assert_array_equal(back.i[a], orig.i[b])
    np.testing.assert_allclose(back.t[a], orig.t[b])

    rec = net.reg.behaviours[90]
    v, mean_v, fired = rec.to_neo()
    assert isinstance(v, neo.AnalogSignal) and v.units == pq.mV and v.shape == (20_000, 3)
    assert float(v.sampling_period.rescale("ms")) == 0.5
    np.testing.assert_allclose(v.times.rescale("ms").magnitude, rec.t)
    np.testing.assert_array_equal(v.magnitude, rec["v"])
    assert mean_v.units == pq.dimensionless and fired.magnitude.dtype == np.float64
    assert rec.to_neo(units={"np.mean(v)": "mV"})[1].units == pq.mV
    every2 = net.reg.behaviours[91].to_neo()[0]
    assert float(every2.sampling_period.rescale("ms")) == 1.0
    np.testing.assert_allclose(every2.times.rescale("ms").magnitude, np.arange(1, 10_001) * 1.0)
    block = to_neo(net)
    seg = block.segments[0]
    assert len(seg.spiketrains) == 30 + 3 and len(seg.analogsignals) == 4
    assert {s.annotations["group"] for s in seg.spiketrains} == {"pois", "reg"}
    with pytest.raises(ConfigurationError, match="recorder, a group or a network"):
        to_neo(3)


def test_elephant_statistics_agree_with_ours(net):
    pytest.importorskip("neo", reason="the Elephant comparison needs the [neo] extra (neo, quantities, elephant)")
    pq = pytest.importorskip("quantities", reason="needs the [neo] extra")
    es = pytest.importorskip("elephant.statistics", reason="the Elephant comparison needs the [neo] extra (elephant)")
    ev = net.pois.behaviours[90]
    trains = ev.to_neo()
    ours_rate = A.firing_rates(ev)
    theirs_rate = np.array([float(es.mean_firing_rate(s).rescale(pq.Hz)) for s in trains])
    np.testing.assert_allclose(ours_rate, theirs_rate, rtol=1e-12)
    ours_cv = A.cv_isi(ev)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_cv = np.array([float(es.cv(es.isi(s).magnitude)) if len(s) > 2 else np.nan for s in trains])
    np.testing.assert_allclose(ours_cv, theirs_cv, rtol=1e-12)
    assert np.nanmean(ours_cv) == pytest.approx(1.0, abs=0.05)
    assert A.fano_factor_trials(ev) == pytest.approx(float(es.fanofactor(trains)), rel=1e-12)
    intervals = A.isi(ev)
    for k in (0, 7, 29):
        np.testing.assert_allclose(intervals[k], es.isi(trains[k]).rescale("ms").magnitude)


def test_elephant_correlation_coefficient_agrees(net):
    neo = pytest.importorskip("neo", reason="needs the [neo] extra")
    pq = pytest.importorskip("quantities", reason="needs the [neo] extra")
    corr = pytest.importorskip("elephant.spike_train_correlation", reason="needs the [neo] extra (elephant)")
    conv = pytest.importorskip("elephant.conversion", reason="needs the [neo] extra (elephant)")
    rng = np.random.default_rng(8)
    shared = rng.uniform(0, 2000, 100)
    # continuous times (never on a bin edge), so left- and right-closed binning agree
    trains = [np.sort(np.concatenate([rng.uniform(0, 2000, 150), shared + 0.3 * k])) for k in range(5)]
    neo_trains = [neo.SpikeTrain(t * pq.ms, t_stop=2000 * pq.ms) for t in trains]
    theirs = corr.correlation_coefficient(conv.BinnedSpikeTrain(neo_trains, bin_size=10 * pq.ms))
    ours = A.correlation_matrix(A.as_spike_trains(trains, t_stop=2000.0), bin_ms=10.0)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
