"""Each default panel draws exactly what the network itself recorded (its own Recorder and
EventRecorder, independent of the explorer's), selections propagate, edits act on the next step."""

from __future__ import annotations

import numpy as np
import pytest
from pymonn.ui.panels.base import grid_layout
from pymonn.ui.panels.raster import raster_image
from ui_helpers import Drive, recorded_spikes

from pymonn import Behaviour, Network, NeuronGroup, Recorder, analysis
from pymonn.errors import ConfigurationError

STEPS = 150  # 75 ms: more than the 100 ms window would hold is tested separately


class Reader(Behaviour):
    """A stand-in neuron model: what it reads from the input accumulator each step, as ``seen``."""

    def initialize(self, n):
        n.seen = n.vector()

    def iteration(self, n):
        n.seen = n.accumulator("I").copy()


def window(explorer, net):
    steps = int(round(explorer.time_axis.window_ms / net.dt))
    first = max(1, net.iteration - steps + 1)
    return first, net.iteration, (first - 1) * net.dt, net.t


def test_raster_and_rate_match_the_recordings(explorer, net):
    explorer.step_frame(320)  # beyond the 200-step window: only the window is drawn
    panel = explorer.panel("RasterPanel")
    first, last, t0, t1 = window(explorer, net)
    for g in (net.exc, net.inh):
        t, i = recorded_spikes(g, t0, t1)
        assert t.size > 20
        shown_t, shown_i = panel.spikes(g)
        np.testing.assert_allclose(shown_t, t)
        np.testing.assert_array_equal(shown_i, i)
        frame = panel.frames[id(g)]
        image = panel.images[id(g)].image
        expected = raster_image(t, i, g.size, first, last, net.dt, *frame["counts"].shape)
        np.testing.assert_array_equal(frame["counts"], expected)
        np.testing.assert_array_equal(image, np.minimum(expected, 1))
        assert frame["counts"].sum() == t.size  # every spike lands in a pixel
        rect = panel.images[id(g)].mapRectToParent(panel.images[id(g)].boundingRect())
        assert rect.left() == pytest.approx(t0) and rect.right() == pytest.approx(t1)
        rate_t, rate = panel.rate_curves[id(g)].getData()
        trains = analysis.as_spike_trains((t, i), n=g.size, t_start=t0, t_stop=t1, dt=net.dt)
        want_t, want = analysis.population_rate(trains, 1.0)
        np.testing.assert_allclose(rate_t, want_t)
        np.testing.assert_allclose(rate, want)
    # time axes linked: the rate plot shows the same x range as the raster, ending now
    r = panel.rasters[id(net.exc)].getViewBox().viewRange()[0]
    assert r == pytest.approx(panel.rate_plots[id(net.inh)].getViewBox().viewRange()[0])
    assert r[1] == pytest.approx(net.t)


def test_raster_image_counts_spikes_exactly():
    t = np.array([0.5, 0.5, 1.0, 5.0, 5.0])
    i = np.array([0, 3, 3, 9, 9])
    counts = raster_image(t, i, 10, 1, 10, 0.5, 5, 5)  # 10 steps x 10 neurons on a 5 x 5 grid
    assert counts.sum() == 5
    assert counts[0, 0] == 1 and counts[1, 0] == 2 and counts[4, 4] == 2


def test_grid_shows_activity_and_variables_on_the_geometry(explorer, net):
    explorer.step_frame(STEPS)
    panel = explorer.panel("GridPanel")
    steps = int(round(panel.activity_ms / net.dt))
    for g in (net.exc, net.inh):
        _, i = recorded_spikes(g, net.t - steps * net.dt, net.t)
        counts = np.bincount(i, minlength=g.size)
        expected = np.full((int(g.height), int(g.width)), np.nan)
        expected[g.y.astype(int), g.x.astype(int)] = counts
        np.testing.assert_array_equal(panel.last[id(g)], expected)
    panel.combo.setCurrentText("v")
    explorer.step_frame(3)
    for g in (net.exc, net.inh):
        v = g["traces", 0]["v"][-1]
        expected = np.full((int(g.height), int(g.width)), np.nan)
        expected[g.y.astype(int), g.x.astype(int)] = v
        np.testing.assert_allclose(panel.last[id(g)], expected)
        np.testing.assert_allclose(panel.images[id(g)].image, expected)


def test_grid_layout_without_geometry_is_near_square():
    net = Network(seed=1)
    g = NeuronGroup(net, 10, {})
    rows, cols, h, w = grid_layout(g)
    assert (h, w) == (3, 4)
    assert len(set(zip(rows, cols, strict=True))) == 10


def test_traces_match_the_recorder(explorer, net):
    explorer.selection.set(net.exc, [3, 7])
    explorer.step_frame(STEPS)
    panel = explorer.panel("TracesPanel")
    v = net.exc["traces", 0]["v"]
    t_all = net.exc["traces", 0].t
    for k, neuron in enumerate([3, 7]):
        x, y = panel.curves[k].getData()
        np.testing.assert_allclose(x, t_all)
        np.testing.assert_allclose(y, v[:, neuron])
    x, y = panel.mean_curve.getData()
    np.testing.assert_allclose(x, t_all)
    np.testing.assert_allclose(y, v.mean(axis=1))
    assert panel.threshold.value() == pytest.approx(-50.0)  # LIFModel's v_th
    assert not panel.curves[2].isVisible()
    # more steps than the window: only the window is shown
    explorer.step_frame(100)
    x, y = panel.curves[1].getData()
    steps = int(round(explorer.time_axis.window_ms / net.dt))
    np.testing.assert_allclose(y, net.exc["traces", 0]["v"][-steps:, 7])
    np.testing.assert_allclose(panel.mean_curve.getData()[1], net.exc["traces", 0]["v"][-steps:].mean(axis=1))


def test_selection_propagates_to_every_panel(qtbot, explorer, net):
    grid = explorer.panel("GridPanel")
    traces = explorer.panel("TracesPanel")
    raster = explorer.panel("RasterPanel")
    weights = explorer.panel("WeightsPanel")
    explorer.step_frame(STEPS)
    seen = []
    explorer.selection.changed.connect(lambda source: seen.append(source))
    # click on the cell of neuron 10 of inh (grid 4 x 4)
    x, y = float(net.inh.x[10]) + 0.5, float(net.inh.y[10]) + 0.5
    grid.select_at(net.inh, x, y)
    assert explorer.selection.group is net.inh and list(explorer.selection.indices) == [10]
    assert seen == [grid]
    assert traces.info.text().startswith("inh: neurons 10")
    grid.select_at(net.inh, float(net.inh.x[2]) + 0.5, float(net.inh.y[2]) + 0.5, add=True)
    assert list(explorer.selection.indices) == [2, 10]
    explorer.step_frame(20)
    sel_x, sel_y = raster.selected_curves[id(net.inh)].getData()
    t, i = raster.spikes(net.inh)
    assert set(np.unique(np.round(sel_y[0::2] - 0.05).astype(int))) <= {2, 10}
    assert sel_x.size // 2 == np.isin(i, [2, 10]).sum() > 0
    weights.choose(net.SynapseGroups[2])  # inh -> exc: the selected inh neuron is a source
    explorer.step_frame(1)
    assert "efferent field of #2" in weights.eff_title.text
    np.testing.assert_allclose(weights.last["weights.efferent"], net.SynapseGroups[2].W[:, 2])
    # a drag over the first two rows of exc (8 x 8 grid)
    grid.select_rect(net.exc, 0, 0, 8, 2)
    assert list(explorer.selection.indices) == list(range(16))
    explorer.step_frame(20)  # the overlay moves to exc: inh's is cleared, exc's shows rows 0..15
    assert len(raster.selected_curves[id(net.inh)].getData()[0]) == 0
    sel_x, sel_y = raster.selected_curves[id(net.exc)].getData()
    _, i = raster.spikes(net.exc)
    assert sel_x.size // 2 == np.isin(i, np.arange(16)).sum() > 0
    assert set(np.unique(np.round(sel_y[0::2] - 0.05).astype(int))) <= set(range(16))
    grid.select_all(net.exc)  # double click
    assert explorer.selection.indices.size == net.exc.size
    # the trace recorder moved to exc with the selection (20 steps ago): traces of exc again
    explorer.step_frame(5)
    assert traces.curves[0].getData()[1].size == 20 + 5
    assert len(raster.selected_curves[id(net.exc)].getData()[0]) == 0  # all of exc: no overlay


def test_weights_dense_matrix_fields_and_histogram(explorer, net):
    panel = explorer.panel("WeightsPanel")
    sg = net.SynapseGroups[0]  # exc -> exc
    panel.choose(sg)
    explorer.selection.set(net.exc, [5])
    explorer.step_frame(2)
    np.testing.assert_allclose(panel.matrix_image.image, sg.W)
    aff = panel.last["weights.afferent"]
    np.testing.assert_allclose(aff, sg.W[5, :])
    eff = panel.last["weights.efferent"]
    np.testing.assert_allclose(eff, sg.W[:, 5])
    expected = np.full((8, 8), np.nan)
    expected[net.exc.y.astype(int), net.exc.x.astype(int)] = sg.W[5, :]
    np.testing.assert_allclose(panel.field_image(net.exc, aff), expected)
    edges, counts = panel.hist_curve.getData()
    want_counts, want_edges = np.histogram(sg.W[sg.W != 0], bins=panel.bins)
    np.testing.assert_allclose(edges, want_edges)
    np.testing.assert_array_equal(counts, want_counts)
    # inh -> exc: neuron 5 of exc is a destination only
    panel.choose(net.SynapseGroups[2])
    explorer.step_frame(1)
    np.testing.assert_allclose(panel.last["weights.afferent"], net.SynapseGroups[2].W[5, :])
    assert "select a neuron of inh" in panel.eff_title.text


def test_weights_sparse_csr(qtbot, net):
    from types import SimpleNamespace

    from pymonn.ui import Explorer

    sg = net.SynapseGroups[1]  # exc (64) -> inh (16)
    indptr = np.array([0, 2, 2, 3] + [3] * 61)
    sg.C = SimpleNamespace(indptr=indptr, indices=np.array([1, 4, 0], dtype=np.int32), data=np.array([0.5, 0.25, 2.0]))
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    panel = win.panel("WeightsPanel")
    panel.choose(sg, "C")
    win.selection.set(net.exc, [0])
    win.step_frame(1)
    m = panel.matrix_image.image
    assert m[1, 0] == 0.5 and m[4, 0] == 0.25 and m[0, 2] == 2.0
    np.testing.assert_allclose(panel.last["weights.efferent"][[1, 4]], [0.5, 0.25])
    assert np.isnan(panel.last["weights.efferent"][0])
    edges, counts = panel.hist_curve.getData()
    assert counts.sum() == 3
    win.close()


def test_statistics_match_pymonn_analysis(explorer, net):
    explorer.selection.set(net.exc, [0])
    explorer.step_frame(260)
    panel = explorer.panel("StatisticsPanel")
    _, _, t0, t1 = window(explorer, net)
    t, i = recorded_spikes(net.exc, t0, t1)
    trains = analysis.as_spike_trains((t, i), n=net.exc.size, t_start=t0, t_stop=t1, dt=net.dt)
    np.testing.assert_allclose(panel.stats["rates"], analysis.firing_rates(trains))
    np.testing.assert_allclose(np.sort(panel.stats["isi"]), np.sort(analysis.isi(trains, pooled=True)))
    cv = analysis.cv_isi(trains)
    np.testing.assert_allclose(np.sort(panel.stats["cv"]), np.sort(cv[np.isfinite(cv)]))
    ff = analysis.fano_factor(trains, panel.fano_window_ms)
    assert panel.stats["fano"] == pytest.approx(np.nanmean(ff))
    assert panel.stats["chi"] == pytest.approx(analysis.spike_synchrony(trains, bin_ms=1.0, width_ms=2.0))
    edges, counts = panel.curves["rates"].getData()
    want, _ = np.histogram(analysis.firing_rates(trains), bins=panel.bins)
    np.testing.assert_array_equal(counts, want)
    assert "mean rate" in panel.summary.text()


def test_spectrum_matches_pymonn_analysis(explorer, net):
    explorer.step_frame(200)
    panel = explorer.panel("SpectrumPanel")
    _, _, t0, t1 = window(explorer, net)
    t, i = recorded_spikes(net.exc, t0, t1)
    trains = analysis.as_spike_trains((t, i), n=net.exc.size, t_start=t0, t_stop=t1, dt=net.dt)
    f, p = analysis.power_spectrum(trains, bin_ms=net.dt, segment_ms=50 * net.dt)
    got_f, got_p = panel.spectra[id(net.exc)]
    np.testing.assert_allclose(got_f, f)
    np.testing.assert_allclose(got_p, p)
    assert got_f.max() == pytest.approx(1000.0 / (2 * net.dt))  # Nyquist in Hz


def test_inspector_edit_takes_effect_next_step_and_is_logged(qtbot):
    from pymonn.ui import Explorer

    net = Network(dt=1.0, seed=0)
    g = NeuronGroup(net, 5, {10: Drive(amplitude=1.0, noise=0.0), 30: Reader(), 90: Recorder(["seen"], tag="rec")},
                    tag="g")
    net.initialize()
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.step_frame(3)
    inspector = win.panel("InspectorPanel")
    drive = g.behaviours[10]
    item = inspector.item_for(drive, "amplitude")
    assert item.text(1) == "1"
    item.setText(1, "5")  # what typing in the tree does
    assert drive.amplitude == 5.0
    assert net.iteration == 3
    win.step_frame(1)
    np.testing.assert_array_equal(g["rec", 0]["seen"][:, 0], [1, 1, 1, 5])
    event = win.event_log.of_kind("parameter")[-1]
    assert (event.iteration, event.text) == (3, "1 -> 5")
    assert "Drive (key 10) / amplitude" in event.target
    # invalid values are refused and leave the parameter as it was
    assert not inspector.edit(drive, "amplitude", "five")
    assert "rejected" in inspector.status.text() and drive.amplitude == 5.0
    with pytest.raises(ConfigurationError, match="amplitude"):
        win.set_parameter(drive, "amplitude", float("inf"))
    assert len(win.event_log.of_kind("parameter")) == 1
    assert any("refused" in m for m in win.messages)
    # enable / disable through the tree's check box
    behaviour_item = inspector.item_for(drive)
    from PyQt5.QtCore import Qt

    behaviour_item.setCheckState(0, Qt.Unchecked)
    assert not drive.behaviour_enabled
    win.step_frame(1)
    assert g["rec", 0]["seen"][-1, 0] == 0.0
    behaviour_item.setCheckState(0, Qt.Checked)
    win.step_frame(1)
    assert g["rec", 0]["seen"][-1, 0] == 5.0
    assert [e.kind for e in win.event_log][-2:] == ["disable", "enable"]
    win.close()


def test_stimulus_slider_scales_the_drive(qtbot):
    from pymonn.ui import Explorer

    net = Network(dt=1.0, seed=0)
    g = NeuronGroup(net, 4, {10: Drive(amplitude=2.0, noise=0.0), 30: Reader(), 90: Recorder(["seen"], tag="rec")},
                    tag="g")
    net.initialize()
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    panel = win.panel("StimulusPanel")
    assert [(c["behaviour"], c["name"]) for c in panel.controls] == [(g.behaviours[10], "amplitude")]
    control = panel.controls[0]
    win.step_frame(2)
    control["slider"].setValue(250)  # 250 %
    win.step_frame(1)
    np.testing.assert_allclose(g["rec", 0]["seen"][:, 0], [2, 2, 5])
    assert win.event_log.of_kind("stimulus")[-1].text == "2 -> 5"
    win.close()


def test_library_models_show_units_and_refresh_after_edits(qtbot):
    pytest.importorskip("numba", reason="the library's models are numba-compiled")
    from pymonn.behaviours import LIF, ConstantCurrent
    from pymonn.ui import Explorer
    from pymonn.ui.parameters import units_of

    net = Network(dt=0.1, seed=0)
    g = NeuronGroup(net, 3, {10: ConstantCurrent(amplitude=400.0), 30: LIF(), 90: Recorder(["v"], tag="rec")})
    net.initialize()
    units = units_of(g.behaviours[30])
    assert units["tau_m"] == "ms" and units["v_th"] == "mV" and units["C_m"] == "pF"
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    inspector = win.panel("InspectorPanel")
    assert inspector.item_for(g.behaviours[30], "tau_m").text(2) == "ms"
    with pytest.raises(ConfigurationError, match="tau_m"):
        win.set_parameter(g.behaviours[30], "tau_m", -1.0)  # time constants must stay positive
    win.step_frame(1)
    v1 = g.v.copy()
    win.set_parameter(g.behaviours[30], "tau_m", 20.0)
    win.step_frame(1)
    # one exact step with the new tau: the decay factor is recomputed (LIF.refresh), the gain row
    # (R = 10 ms / 250 pF at initialization) is a parameter of its own and stays
    v_inf = -70.0 + 10.0 / 250.0 * 400.0
    np.testing.assert_allclose(g.v, v_inf + (v1 - v_inf) * np.exp(-0.1 / 20.0), rtol=1e-12)
    win.close()


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_every_panel_draws_low_precision_networks(qtbot, dtype):
    from pymonn.ui import Explorer
    from ui_helpers import small_network

    net = small_network(dtype=dtype)
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.step_frame(60)
    win.selection.set(net.exc, [1, 2])
    win.step_frame(5)
    assert [p.title for p in win.panels if win.dock_of(p).failed] == []
    traces = win.panel("TracesPanel")
    np.testing.assert_allclose(traces.curves[0].getData()[1], net.exc["traces", 0]["v"][:, 1].astype(np.float64))
    assert net.exc.v.dtype == dtype
    win.close()
