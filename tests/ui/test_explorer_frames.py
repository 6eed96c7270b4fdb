"""The explorer's cheaper frame paths draw what pyqtgraph's general ones draw.

Each shortcut taken for the frame rate (curve bounds kept per setData, lean time axes, the rate
binned from step numbers, raster pixels kept between frames, one step call for the explorer's
recorders, linked time axes set directly, frames paced by their cost) is compared here with the
general path it replaces.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymonn.ui.recording import ExplorerTraceRecorder, Need, RecordingManager
from ui_helpers import Flicker, image_pixels

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, analysis


def test_fast_curve_bounds_are_pyqtgraphs(qtbot):
    from pymonn.ui._qt import pg
    from pymonn.ui.panels.base import FastCurve

    rng = np.random.default_rng(1)
    ours, theirs = FastCurve(), pg.PlotCurveItem()
    for k in range(4):
        x = np.sort(rng.random(200)) * 100 + k
        y = rng.normal(size=200) * (k + 1)
        if k == 2:
            y[[3, 50]] = [np.nan, np.inf]  # non-finite values are left out of the bounds
        for item in (ours, theirs):
            item.setData(x, y)
        for ax in (0, 1):
            assert ours.dataBounds(ax) == pytest.approx(theirs.dataBounds(ax))
        rect = ours.boundingRect()
        (x0, x1), (y0, y1) = ours.dataBounds(0), ours.dataBounds(1)
        assert rect.left() <= x0 and rect.right() >= x1 and rect.top() <= y0 and rect.bottom() >= y1
        assert rect.width() <= 1.05 * (x1 - x0) and rect.height() <= 1.05 * (y1 - y0)
    ours.setData([1.0, 2.0], [5.0, 5.0])  # a flat line keeps a non-empty rectangle (it is painted)
    assert ours.boundingRect().height() > 0


def test_lean_axis_lays_out_the_ticks_pyqtgraph_does(explorer, net):
    from pymonn.ui._qt import QtGui, pg
    from pymonn.ui.panels.base import LeanAxisItem

    plot = explorer.panel("TracesPanel").plot  # its bottom axis is a LeanAxisItem
    axis = plot.getAxis("bottom")
    assert isinstance(axis, LeanAxisItem)
    image = QtGui.QImage(10, 10, QtGui.QImage.Format_ARGB32)
    for lo, span in ((0.0, 500.0), (1234.5, 500.0), (98_000.25, 1000.0), (3.0, 7.5)):
        plot.setXRange(lo, lo + span, padding=0)
        pg.QtWidgets.QApplication.processEvents()
        specs = []
        for layout in (LeanAxisItem.generateDrawSpecs, pg.AxisItem.generateDrawSpecs):  # ours, pyqtgraph's
            painter = QtGui.QPainter(image)
            specs.append(layout(axis, painter))
            painter.end()
        (axis_a, ticks_a, text_a), (axis_b, ticks_b, text_b) = specs
        assert (axis_a[1], axis_a[2]) == (axis_b[1], axis_b[2])

        def flat(specs):
            return [c for _, p1, p2 in specs for c in (p1.x(), p1.y(), p2.x(), p2.y())]

        assert len(ticks_a) >= 3 and flat(ticks_a) == pytest.approx(flat(ticks_b))
        assert [s for _, _, s in text_a] == [s for _, _, s in text_b]
        assert [c for r, _, _ in text_a for c in r.getRect()] == pytest.approx([c for r, _, _ in text_b for c in r.getRect()])
    # a y axis is not laid out again while only x scrolls
    raster = explorer.panel("RasterPanel").rasters[id(net.exc)]
    left = raster.getAxis("left")
    explorer.step_frame(5)
    explorer.grab()
    assert isinstance(left, LeanAxisItem) and left.picture is not None
    explorer.step_frame(5)  # the time axis scrolled
    assert left.picture is not None
    raster.setYRange(-10, 20, padding=0)
    assert left.picture is None


@pytest.mark.parametrize("bin_steps", [1, 2, 3, 7])
def test_rate_from_steps_is_analysis_population_rate(bin_steps):
    from pymonn.ui.panels.raster import population_rate_steps

    rng = np.random.default_rng(bin_steps)
    dt, n, first, last = 0.25, 50, 41, 240
    its = np.sort(rng.integers(first - 5, last + 1, 3000))  # some before the window: left out
    idx = rng.integers(0, n, its.size)
    t_ms, rate = population_rate_steps(its, n, first, last, bin_steps, dt)
    keep = its >= first
    trains = analysis.as_spike_trains((its[keep] * dt, idx[keep]), n=n, t_start=(first - 1) * dt,
                                      t_stop=last * dt, dt=dt)
    want_t, want = analysis.population_rate(trains, bin_steps * dt)
    np.testing.assert_allclose(t_ms, want_t)
    np.testing.assert_allclose(rate, want)


def test_raster_draws_the_rate_in_a_band_under_the_spikes(explorer, net):
    from pymonn.ui._qt import QtCore

    panel = explorer.panel("RasterPanel")
    explorer.step_frame(300)
    for g in (net.exc, net.inh):
        curve = panel.rate_curves[id(g)]
        _, rate = curve.getData()  # Hz, as computed
        top = panel.rate_scale(g)
        assert rate.max() <= top
        mantissa = top / 10 ** np.floor(np.log10(top))
        assert mantissa in (1.0, 2.0, 5.0)
        band = panel.rate_band * g.size
        zero = curve.mapToParent(QtCore.QPointF(0.0, 0.0)).y()
        peak = curve.mapToParent(QtCore.QPointF(0.0, top)).y()
        assert zero == pytest.approx(-band) and peak == pytest.approx(-0.25 * band)  # under the raster (y >= 0)
        assert panel.rate_plots[id(g)] is panel.rasters[id(g)]
        labels = [s for v, s in panel.rasters[id(g)].getAxis("left")._tickLevels[0] if v < 0]
        assert labels[-1].endswith("Hz")


def test_spike_image_pixels_follow_the_cells_across_frames(qtbot):
    from pymonn.ui._qt import pg
    from pymonn.ui.panels.raster import SpikeImageItem

    lut = np.array([[255, 255, 255, 255], [200, 30, 40, 255]], dtype=np.ubyte)
    ours, theirs = SpikeImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setLookupTable(lut)
    rng = np.random.default_rng(4)
    for shape in [(20, 30), (20, 30), (30, 20), (11, 17), (11, 17)]:  # the last frame's cells are cleared
        cells = np.unique(rng.integers(0, shape[0] * shape[1], 40))
        ours.set_cells(cells, shape)
        binary = np.zeros(shape[0] * shape[1], np.ubyte)
        binary[cells] = 1
        theirs.setImage(binary.reshape(shape), autoLevels=False, levels=(0, 1))
        np.testing.assert_array_equal(ours.image, binary.reshape(shape))
        np.testing.assert_array_equal(image_pixels(ours), image_pixels(theirs))


def test_time_axis_puts_every_linked_plot_on_the_window(explorer, net):
    explorer.step_frame(400)  # t = 200 ms, past the 100 ms window
    plots = explorer.time_axis.plots
    assert len(plots) >= 3  # both rasters and the traces
    for plot in plots:
        lo, hi = plot.getViewBox().viewRange()[0]
        assert hi == pytest.approx(net.t) and lo == pytest.approx(net.t - explorer.time_axis.window_ms)
    # panning one plot by hand still moves the others (the links stay)
    explorer.follow_box.setChecked(False)
    plots[0].setXRange(1.0, 21.0, padding=0)
    for plot in plots[1:]:
        assert plot.getViewBox().viewRange()[0][0] == pytest.approx(plots[0].getViewBox().viewRange()[0][0], abs=2.0)


def test_frames_are_paced_by_their_cost(explorer, monkeypatch):
    from pymonn.ui.worker import SimulationWorker

    explorer._frame_anchor = 100.0
    explorer.frame_cost = 0.004  # cheap frames: the frame rate asked for (22 fps)
    assert explorer._frame_wait(100.0) == pytest.approx(1 / 22)
    monkeypatch.setattr(SimulationWorker, "busy", property(lambda self: True))
    assert explorer._frame_wait(100.0) == pytest.approx(1 / 22)
    explorer.frame_cost = 0.0085  # dearer frames while running: spaced to keep drawing at 18 % of the time
    assert explorer._frame_wait(100.0) == pytest.approx(0.0085 / explorer.max_gui_share)
    assert explorer._frame_wait(100.03) == pytest.approx(0.0085 / 0.18 - 0.03)
    explorer.frame_cost = 0.011  # 18 % would mean 16 fps: 20.5 fps, taking 22.5 % (at most 24 %)
    assert explorer._frame_wait(100.0) == pytest.approx(1 / explorer.min_fps)
    explorer.frame_cost = 0.015  # 20.5 fps would take 31 %: spaced to take 24 %
    assert explorer._frame_wait(100.0) == pytest.approx(0.015 / explorer.max_gui_share_min_fps)
    explorer._frame_anchor = 1e12  # not due yet: no frame, and the timer sleeps until it is (at most 50 ms)
    frames = explorer.frames_drawn
    explorer._on_timer()
    assert explorer.frames_drawn == frames and 1 <= explorer.timer.interval() <= 50


class FrozenClock:
    """The explorer's ``time`` module with ``perf_counter`` under the test's control (the rest is real)."""

    def __init__(self, now: float):
        self.now = now

    def perf_counter(self) -> float:
        return self.now

    def __getattr__(self, name):
        import time

        return getattr(time, name)


def test_frames_keep_to_their_schedule(explorer, net, monkeypatch):
    """A frame that starts late does not delay the next one: the frame rate stays the one aimed at."""
    import pymonn.ui.explorer as explorer_module

    explorer.step(3)
    clock = FrozenClock(1000.0)
    monkeypatch.setattr(explorer_module, "time", clock)  # a stalled test machine cannot move the schedule
    period = 1 / 22
    explorer._frame_anchor = clock.now - period - 0.004  # due 4 ms ago (the timer woke late)
    due = explorer._frame_anchor + period
    net.simulate_iterations(1, progress=False)
    explorer._on_timer()
    assert explorer._frame_anchor == pytest.approx(due)  # the next is due one period after this one was
    explorer._frame_anchor = clock.now - 10 * period  # far behind: the schedule restarts now
    net.simulate_iterations(1, progress=False)
    explorer._on_timer()
    assert explorer._frame_anchor == clock.now


def test_explorer_recorders_take_one_step_call_and_record_what_core_recorders_do():
    net = Network(seed=5, dt=0.5)
    a = NeuronGroup(net, 30, {1: Flicker(p=0.2), 2: EventRecorder("fired"), 3: Recorder(["v"])})
    b = NeuronGroup(net, 12, {1: Flicker(p=0.2), 2: EventRecorder("fired")})
    net.initialize()
    rec = RecordingManager(net, buffer_steps=40)
    for g in (a, b):
        assert rec.ensure(Need(g, "fired", "events"))
    assert rec.ensure(Need(a, "v"))
    net.simulate_iterations(25, progress=False)
    ours = [fn for fn, _ in net._schedule if isinstance(getattr(fn, "__self__", None), ExplorerTraceRecorder)]
    assert len(ours) == 1 and len(rec.recorders()) == 3  # one call records for all three
    net.simulate_iterations(60, progress=False)
    for g in (a, b):
        t, i = rec.events(g, steps=40)
        core = g.behaviours[2]
        keep = core["fired.iteration"] > net.iteration - 40
        np.testing.assert_allclose(t, core["fired.t"][keep])
        np.testing.assert_array_equal(i, core["fired.i"][keep])
    t, v = rec.trace(a, "v", 40)
    np.testing.assert_array_equal(v, a.behaviours[3]["v"][-40:])
    rec.drop_traces(a)  # the one recording for all may go: another takes over
    net.simulate_iterations(5, progress=False)
    ours = [fn for fn, _ in net._schedule if isinstance(getattr(fn, "__self__", None), ExplorerTraceRecorder)]
    assert len(ours) == 1
    t, i = rec.events(b, steps=40)
    np.testing.assert_array_equal(i, b.behaviours[2]["fired.i"][b.behaviours[2]["fired.iteration"] > net.iteration - 40])
    rec.remove_all()
    assert all(not isinstance(x, ExplorerTraceRecorder) for g in (a, b) for x in g.behaviours.values())


def _grab_array(widget) -> np.ndarray:
    from pymonn.ui._qt import QtGui

    q = widget.grab().toImage().convertToFormat(QtGui.QImage.Format_ARGB32)
    ptr = q.constBits()
    ptr.setsize(q.sizeInBytes())
    rows = np.frombuffer(ptr, np.uint8).reshape(q.height(), q.bytesPerLine())[:, : 4 * q.width()]
    return rows.reshape(q.height(), q.width(), 4).copy()


def test_lean_axes_paint_the_pixels_pyqtgraphs_axes_do(qtbot):
    """Painted directly (bottom) or from a device pixmap (left), the axes look like pyqtgraph's."""
    from pymonn.ui._qt import QtWidgets, pg
    from pymonn.ui.panels.base import LeanAxisItem, style_plot

    widgets = []
    for lean in (True, False):
        axes = {"bottom": LeanAxisItem("bottom"), "left": LeanAxisItem("left")} if lean else {}
        w = pg.PlotWidget(background="w", axisItems=axes)
        qtbot.addWidget(w)
        style_plot(w.getPlotItem(), "time (ms)", "v")
        w.getPlotItem().hideButtons()
        w.resize(520, 260)
        w.setXRange(1234.5, 1734.5, padding=0)
        w.setYRange(-80.0, 40.0, padding=0)
        w.show()
        qtbot.waitExposed(w)
        widgets.append(w)
    ours, theirs = (w.getPlotItem() for w in widgets)
    assert ours.getAxis("left").cacheMode() == QtWidgets.QGraphicsItem.DeviceCoordinateCache
    assert ours.getAxis("bottom").cacheMode() == QtWidgets.QGraphicsItem.NoCache  # it changes every frame
    for shift in (0.0, 37.25, 512.0):  # scrolled: the bottom axis is laid out again, the left one is not
        for plot in (ours, theirs):
            plot.setXRange(1234.5 + shift, 1734.5 + shift, padding=0)
        a, b = (_grab_array(w) for w in widgets)
        assert a.shape == b.shape
        differ = np.any(a != b, axis=-1)
        assert (a[..., :3] < 128).any(axis=-1).sum() > 500  # the labels and ticks are there
        assert differ.mean() < 0.002, f"{differ.sum()} pixels differ after a shift of {shift}"
    assert ours.getAxis("bottom").picture is not None and ours.getAxis("bottom")._specs is not None


def test_event_markers_and_threshold_are_plain_qt_lines(explorer, net):
    """Marks and the threshold reach over the visible plot, without pyqtgraph InfiniteLines.

    An InfiniteLine works out its bounding rectangle in Python each time its view scrolls (about
    0.15 ms per line and frame): ten logged events cost a frame 1.5 ms that way.
    """
    from pymonn.ui._qt import QtWidgets, pg
    from pymonn.ui.panels.base import LevelLine

    raster, traces = explorer.panel("RasterPanel"), explorer.panel("TracesPanel")
    explorer.step_frame(40)
    for k in range(3):
        explorer.event_log.log("test", net.describe(), f"mark {k}")
        explorer.step_frame(10)
    events = [e for e in explorer.event_log.events if e.kind == "test"]
    assert len(events) == 3
    for g in (net.exc, net.inh):
        plot = raster.rasters[id(g)]
        lines = [item for p, item in raster.markers if p is plot]
        assert all(isinstance(item, LevelLine) for item in lines)
        xs = sorted(item.line().x1() for item in lines[-3:])
        assert xs == pytest.approx([e.t for e in events])
        y0, y1 = plot.getViewBox().viewRange()[1]
        for item in lines:
            ln = item.line()
            assert ln.x1() == ln.x2() and min(ln.y1(), ln.y2()) <= y0 and max(ln.y1(), ln.y2()) >= y1
            assert item.toolTip().startswith("test:")
    explorer.step_frame(30)
    line = traces.threshold
    assert isinstance(line, QtWidgets.QGraphicsLineItem) and line.isVisible()
    x0, x1 = traces.plot.getViewBox().viewRange()[0]
    ln = line.line()
    assert ln.y1() == ln.y2() == pytest.approx(line.value())
    assert ln.x1() <= x0 and ln.x2() >= x1  # it reaches over the window as the axis scrolls
    for panel in (raster, traces):
        for view in explorer._graphics_views(panel):
            assert not [item for item in view.scene().items() if isinstance(item, pg.InfiniteLine)]


def test_trace_legend_is_kept_as_pixmaps_and_follows_the_selection(explorer, net):
    from pymonn.ui._qt import QtWidgets

    traces = explorer.panel("TracesPanel")

    def tree(item):
        out = [item]
        for child in item.childItems():
            out += tree(child)
        return out

    def labels():
        return [label.text for _, label in traces.legend.items]

    explorer.selection.set(net.exc, [3])
    explorer.step_frame(5)
    assert labels() == ["#3", "group mean", "threshold"]
    explorer.selection.set(net.exc, [1, 4])
    explorer.step_frame(5)
    assert labels() == ["#1", "#4", "group mean", "threshold"]
    items = tree(traces.legend)
    assert len(items) > 8
    assert all(it.cacheMode() == QtWidgets.QGraphicsItem.DeviceCoordinateCache for it in items)
    # a sample shows whether its curve is visible: the pixmaps are renewed when that changes
    assert traces._legend_cached[1] == (True, True, True, True)
    traces.curves[1].hide()
    explorer.step_frame(1)
    assert traces.curves[1].isVisible() and traces._legend_cached[1] == (True, True, True, True)
