"""The explorer driven as a user drives it: mouse clicks, double clicks, drags and keys on the widgets
(``QTest`` events on the viewports and buttons), never the methods behind the controls. Each test
checks what the user would then see or get: a value in the network, a file, a plotted array."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore, QtGui, QtWidgets
from PyQt5.QtCore import Qt
from PyQt5.QtTest import QTest
from ui_helpers import cell_pos, click, click_tab, double_click, drag, hover, tool_button, toolbar_action, trigger_menu


def edit_cell(qtbot, tree, item, text: str, how: str = "double click") -> None:
    """Open the value editor of ``item`` by double click or F2, type ``text`` and press Return."""
    pos = cell_pos(tree, item, 1)
    if how == "double click":
        click(tree.viewport(), pos)
        QTest.mouseDClick(tree.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
    else:
        click(tree.viewport(), cell_pos(tree, item, 0))
        QTest.keyClick(tree, Qt.Key_F2)
    qtbot.waitUntil(lambda: tree.state() == QtWidgets.QAbstractItemView.EditingState, timeout=3_000)
    editor = QtWidgets.QApplication.focusWidget()
    assert isinstance(editor, QtWidgets.QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: tree.state() != QtWidgets.QAbstractItemView.EditingState, timeout=3_000)


# -- inspector ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["double click", "F2"])
def test_inspector_edits_a_value_by_double_click_and_f2(qtbot, explorer, net, how):
    panel = explorer.panel("InspectorPanel")
    drive = net.exc.behaviours[10]
    item = panel.item_for(drive, "amplitude")
    edit_cell(qtbot, panel.tree, item, "25.5", how)
    assert drive.amplitude == 25.5
    assert item.text(1) == "25.5"
    event = explorer.event_log.of_kind("parameter")[-1]
    assert event.text == "18 -> 25.5" and "Drive (key 10) / amplitude" in event.target
    assert "amplitude: 18 -> 25.5" in panel.status.text()


def test_inspector_refuses_a_bad_value_and_says_why(qtbot, explorer, net):
    panel = explorer.panel("InspectorPanel")
    lif = net.exc.behaviours[30]
    item = panel.item_for(lif, "tau")
    edit_cell(qtbot, panel.tree, item, "-3")
    assert lif.tau == 10.0  # unchanged
    assert item.text(1) == "10"  # the cell shows the value again, not the refused text
    assert "rejected" in panel.status.text() and "tau" in panel.status.text()
    assert any("edit refused" in m and "tau" in m for m in explorer.messages)
    assert explorer.event_log.of_kind("parameter") == []
    edit_cell(qtbot, panel.tree, item, "ten")
    assert lif.tau == 10.0 and "rejected" in panel.status.text()


def test_inspector_name_column_is_not_editable(qtbot, explorer, net):
    panel = explorer.panel("InspectorPanel")
    item = panel.item_for(net.exc.behaviours[10], "amplitude")
    pos = cell_pos(panel.tree, item, 0)
    click(panel.tree.viewport(), pos)
    QTest.mouseDClick(panel.tree.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
    QtWidgets.QApplication.processEvents()
    # the double click on the name opens the value's editor (column 1), never one on the name
    assert panel.tree.state() == QtWidgets.QAbstractItemView.EditingState
    assert panel.tree.currentColumn() == 1
    QTest.keyClick(QtWidgets.QApplication.focusWidget(), Qt.Key_Escape)
    assert item.text(0) == "amplitude"


def test_inspector_checkbox_disables_and_enables_a_behaviour(qtbot, explorer, net):
    panel = explorer.panel("InspectorPanel")
    tree = panel.tree
    drive = net.exc.behaviours[10]
    item = panel.item_for(drive)
    tree.scrollToItem(item)
    option = QtWidgets.QStyleOptionViewItem()
    option.initFrom(tree)
    option.rect = tree.visualItemRect(item)
    option.features |= QtWidgets.QStyleOptionViewItem.HasCheckIndicator
    box = tree.style().subElementRect(QtWidgets.QStyle.SE_ItemViewItemCheckIndicator, option, tree)
    click(tree.viewport(), box.center())
    assert not drive.behaviour_enabled
    assert explorer.event_log.of_kind("disable")[-1].text == "disabled"
    before = net.exc.v.copy()
    click(tool_button(explorer, toolbar_action(explorer, "Step")))
    # without its drive the neurons only decay: v moves towards v_rest = -65 mV (no input at all)
    lif = net.exc.behaviours[30]
    expected = before + net.dt / lif.tau * (-65.0 - before)
    fired = expected >= lif.v_th
    np.testing.assert_allclose(net.exc.v[~fired], expected[~fired], rtol=0, atol=5.0)
    click(tree.viewport(), box.center())
    assert drive.behaviour_enabled
    assert explorer.event_log.of_kind("enable")[-1].text == "enabled"


# -- panels coming into view while paused ----------------------------------------------------------------
def test_a_tab_switched_to_while_paused_draws_the_current_data(qtbot, explorer, net):
    stats = explorer.panel("StatisticsPanel")
    dock = explorer.dock_of(stats)
    # another tab of its row in front: the statistics are hidden
    row = [d for d in explorer.tabifiedDockWidgets(dock)]
    assert row, "the statistics share a tab row"
    click_tab(explorer, row[0].windowTitle())
    qtbot.waitUntil(lambda: not explorer.panel_shown(stats), timeout=3_000)
    spin = explorer.step_spin
    spin.selectAll()
    QTest.keyClicks(spin, "40")
    click(tool_button(explorer, toolbar_action(explorer, "Step N")))
    assert net.iteration == 40
    assert "stats.rates.counts" not in stats.last  # hidden: not drawn
    click_tab(explorer, "Statistics")
    qtbot.waitUntil(lambda: "stats.rates.counts" in stats.last, timeout=3_000)
    # what it draws: the window's rates of the selected group (exc) from the network's own recorder
    t, i = net.exc["spikes", 0]["fired.t"], net.exc["spikes", 0]["fired.i"]
    duration = min(explorer.time_axis.window_ms, net.t)  # the window, clipped at t = 0
    keep = t > net.t - duration + 1e-9
    rates = np.bincount(i[keep].astype(int), minlength=net.exc.size) / (duration / 1000.0)
    counts, edges = np.histogram(rates, bins=stats.bins)
    np.testing.assert_array_equal(stats.last["stats.rates.counts"], counts)
    np.testing.assert_allclose(stats.last["stats.rates.edges"], edges)
    x, y = stats.curves["rates"].getData()
    np.testing.assert_allclose(y, counts)


def test_spectrum_tab_draws_when_shown_while_paused(qtbot, explorer, net):
    spectrum = explorer.panel("SpectrumPanel")
    others = explorer.tabifiedDockWidgets(explorer.dock_of(spectrum))
    click_tab(explorer, others[0].windowTitle())
    qtbot.waitUntil(lambda: not explorer.panel_shown(spectrum), timeout=3_000)
    explorer.step_spin.selectAll()
    QTest.keyClicks(explorer.step_spin, "200")
    click(tool_button(explorer, toolbar_action(explorer, "Step N")))
    assert spectrum.last == {}
    click_tab(explorer, spectrum.title)
    qtbot.waitUntil(lambda: "spectrum.exc.power" in spectrum.last, timeout=3_000)
    from pymonn.ui.panels.base import FrameView, window_trains

    # what it must draw: the spectrum of the window's spikes (the spike trains the network recorded)
    with explorer.lock.hold():
        trains = window_trains(FrameView(explorer), net.exc)
    t = net.exc["spikes", 0]["fired.t"]
    assert len(trains) == int(np.sum(t > net.t - explorer.time_axis.window_ms + 1e-9))
    f, p = spectrum.spectrum(trains)
    keep = f > 0
    np.testing.assert_allclose(spectrum.last["spectrum.exc.power"], p[keep])


# -- stimulus sliders ----------------------------------------------------------------------------------------
def slider_x(slider, percent: int) -> int:
    """The x pixel of a slider's handle at ``percent`` (its groove mapped like QStyle does)."""
    option = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(option)
    groove = slider.style().subControlRect(QtWidgets.QStyle.CC_Slider, option, QtWidgets.QStyle.SC_SliderGroove, slider)
    handle = slider.style().subControlRect(QtWidgets.QStyle.CC_Slider, option, QtWidgets.QStyle.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    offset = QtWidgets.QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(), percent, span)
    return groove.x() + handle.width() // 2 + offset


def test_slider_drag_scales_the_drive_and_follows_every_other_change(qtbot, explorer, net):
    panel = explorer.panel("StimulusPanel")
    control = next(c for c in panel.controls if c["behaviour"] is net.exc.behaviours[10])
    slider, drive = control["slider"], net.exc.behaviours[10]
    y = slider.height() // 2
    drag(slider, QtCore.QPoint(slider_x(slider, 100), y), QtCore.QPoint(slider_x(slider, 200), y))
    assert 190 <= slider.value() <= 210
    assert drive.amplitude == pytest.approx(18.0 * slider.value() / 100)
    assert explorer.event_log.of_kind("stimulus")[-1].text.endswith(f"-> {drive.amplitude:g}")
    # Reset (toolbar) puts the drive back: the slider follows
    click(tool_button(explorer, toolbar_action(explorer, "Reset")))
    assert drive.amplitude == 18.0 and slider.value() == 100 and control["label"].text() == "18"
    # an inspector edit
    inspector = explorer.panel("InspectorPanel")
    edit_cell(qtbot, inspector.tree, inspector.item_for(drive, "amplitude"), "9")
    assert drive.amplitude == 9.0 and slider.value() == 50 and control["label"].text() == "9"
    # a console edit
    console = explorer.panel("ConsolePanel")
    console.input.setFocus()
    QTest.keyClicks(console.input, "exc.behaviours[10].amplitude = 36.0")
    QTest.keyClick(console.input, Qt.Key_Return)
    assert drive.amplitude == 36.0 and slider.value() == 200 and control["label"].text() == "36"
    # a keyboard move of the slider applies again
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key_Left)
    assert slider.value() == 199 and drive.amplitude == pytest.approx(18.0 * 1.99)


# -- export -------------------------------------------------------------------------------------------
def test_export_without_extension_adds_the_filters(qtbot, explorer, net, tmp_path, monkeypatch):
    asked = []

    def save_name(parent, caption, directory, filt, *args):
        asked.append(filt)
        return str(tmp_path / ("window" if "PNG" in filt else "recordings")), filt

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", staticmethod(save_name))
    trigger_menu(qtbot, explorer, "Export", "Window as PNG...")
    image = QtGui.QImage(str(tmp_path / "window.png"))
    assert not image.isNull() and (image.width(), image.height()) == (explorer.width(), explorer.height())
    assert str(tmp_path / "window.png") in explorer.statusBar().currentMessage()
    explorer.step_frame(30)
    trigger_menu(qtbot, explorer, "Export", "Visible recordings (npz)...")
    data = np.load(tmp_path / "recordings.npz")
    assert float(data["t_now"]) == net.t == 15.0
    np.testing.assert_array_equal(data["exc.spikes.i"], net.exc["spikes", 0]["fired.i"])
    assert asked == ["PNG (*.png)", "numpy (*.npz)"]


def test_export_failure_shows_in_the_status_bar_and_a_message_box(qtbot, explorer, tmp_path, monkeypatch):
    target = tmp_path / "no such folder" / "shot.png"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), "PNG (*.png)")))
    boxes = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: boxes.append(text)))
    trigger_menu(qtbot, explorer, "Export", "Window as PNG...")
    assert not target.exists()
    assert len(boxes) == 1 and str(target) in boxes[0] and "failed" in boxes[0]
    assert "failed" in explorer.statusBar().currentMessage()


def test_export_panel_submenu_writes_that_panel(qtbot, explorer, tmp_path, monkeypatch):
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, caption, d, filt, *a: (str(tmp_path / "raster"), filt)))
    raster = explorer.panel("RasterPanel")
    trigger_menu(qtbot, explorer, "Export", "Panel", f"{raster.title} as SVG...")
    text = (tmp_path / "raster.svg").read_text()
    dock = explorer.dock_of(raster)
    assert text.startswith("<?xml") and f'width="{dock.width()}' in text.replace("mm", "")


# -- toolbar, shortcuts, status bar --------------------------------------------------------------------------
def test_toolbar_run_pause_step_and_reset_by_mouse(qtbot, explorer, net):
    run = tool_button(explorer, explorer.run_action)
    click(run)
    assert explorer.running and explorer.run_action.text() == "Pause"
    qtbot.waitUntil(lambda: net.iteration > 20, timeout=10_000)
    click(run)
    assert explorer.wait_idle() and not explorer.running
    stopped = net.iteration
    click(tool_button(explorer, toolbar_action(explorer, "Step")))
    assert net.iteration == stopped + 1
    click(tool_button(explorer, toolbar_action(explorer, "Reset")))
    assert net.iteration == 0 and explorer.event_log.of_kind("reset")[-1].text == f"from step {stopped + 1} to step 0"
    assert [e.kind for e in explorer.event_log][:2] == ["run", "pause"]


def test_space_runs_and_pauses_also_from_a_spin_box(qtbot, explorer, net):
    QtWidgets.QApplication.setActiveWindow(explorer)  # as the window manager does for the window clicked
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is explorer, timeout=3_000)
    click(explorer.window_spin)
    qtbot.waitUntil(explorer.window_spin.hasFocus, timeout=3_000)
    QTest.keyClick(explorer.window_spin, Qt.Key_Space)
    assert explorer.running
    QTest.keyClick(explorer.window_spin, Qt.Key_Space)
    assert explorer.wait_idle() and not explorer.running
    assert explorer.window_spin.value() == 100.0  # the key did not reach the number
    # in the console Space types a space; Ctrl+Space runs and pauses from anywhere
    console = explorer.panel("ConsolePanel")
    click(console.input)
    QTest.keyClicks(console.input, "a b")
    assert console.input.text() == "a b" and not explorer.running
    QTest.keyClick(console.input, Qt.Key_Space, Qt.ControlModifier)
    assert explorer.running
    QTest.keyClick(console.input, Qt.Key_Space, Qt.ControlModifier)
    assert explorer.wait_idle() and not explorer.running
    assert [e.kind for e in explorer.event_log] == ["run", "pause", "run", "pause"]


def test_fast_forward_button_and_cancel_button(qtbot, explorer, net):
    spin = explorer.ff_spin
    spin.selectAll()
    QTest.keyClicks(spin, "100000000")
    click(tool_button(explorer, explorer.ff_action))
    assert explorer.fast_forwarding
    qtbot.waitUntil(explorer.cancel_button.isVisible, timeout=5_000)
    qtbot.waitUntil(lambda: net.iteration > 50, timeout=10_000)
    click(explorer.cancel_button)
    qtbot.waitUntil(lambda: not explorer.fast_forwarding, timeout=10_000)
    done = net.iteration
    assert 50 < done < 100_000_000 and not explorer.cancel_button.isVisible()
    assert explorer.event_log.of_kind("fast-forward")[-1].text.startswith(f"cancelled: {done} of 100000000 steps")


def test_steps_per_frame_typed_in_its_box(qtbot, explorer, net):
    spin = explorer.spf_spin
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "4")
    QTest.keyClick(spin, Qt.Key_Return)
    assert explorer.worker.steps_per_frame == 4
    click(tool_button(explorer, explorer.run_action))
    qtbot.waitUntil(lambda: net.iteration >= 12, timeout=10_000)
    click(tool_button(explorer, explorer.run_action))
    explorer.wait_idle()
    assert net.iteration % 4 == 0


def test_retry_button_brings_a_failed_panel_back(qtbot, net):
    from pymonn.ui import Explorer, Panel

    class Flaky(Panel):
        title = "Flaky"
        fail = True

        def build(self):
            self.label = QtWidgets.QLabel("-")
            return self.label

        def collect(self, view):
            if Flaky.fail:
                raise RuntimeError("broken on purpose")
            return view.iteration

        def update(self, data):
            self.label.setText(f"step {data}")

    win = Explorer(net, panels=[Flaky], restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.step_frame(3)
    panel = win.panel(Flaky)
    dock = win.dock_of(panel)
    assert dock.failed and "broken on purpose" in dock.error_text()
    Flaky.fail = False
    retry = next(b for b in dock.findChildren(QtWidgets.QPushButton) if b.text() == "Retry")
    click(retry)
    assert not dock.failed
    qtbot.waitUntil(lambda: panel.label.text() == "step 3", timeout=3_000)
    win.close()


# -- View menu ------------------------------------------------------------------------------------------------
def test_view_menu_closes_and_reopens_a_panel(qtbot, explorer):
    raster = explorer.panel("RasterPanel")
    dock = explorer.dock_of(raster)
    assert dock.isVisible()
    trigger_menu(qtbot, explorer, "View", raster.title)
    assert not dock.isVisible()
    trigger_menu(qtbot, explorer, "View", raster.title)
    assert dock.isVisible()


# -- console -----------------------------------------------------------------------------------------------
def test_console_typing_return_and_history(qtbot, explorer, net):
    console = explorer.panel("ConsolePanel")
    field = console.input
    field.setFocus()
    QTest.keyClicks(field, "net.exc.v[:] = -60.0")
    QTest.keyClick(field, Qt.Key_Return)
    assert np.all(net.exc.v == -60.0) and field.text() == ""
    QTest.keyClicks(field, "print(int(net.exc.v.sum()))")
    QTest.keyClick(field, Qt.Key_Return)
    assert console.output.toPlainText().rstrip().endswith(str(-60 * net.exc.size))
    QTest.keyClick(field, Qt.Key_Up)
    assert field.text() == "print(int(net.exc.v.sum()))"
    QTest.keyClick(field, Qt.Key_Up)
    assert field.text() == "net.exc.v[:] = -60.0"
    QTest.keyClick(field, Qt.Key_Down)
    assert field.text() == "print(int(net.exc.v.sum()))"
    assert [e.text for e in explorer.event_log.of_kind("console")] == ["net.exc.v[:] = -60.0", "print(int(net.exc.v.sum()))"]


def test_behaviour_added_from_the_console_appears_in_the_inspector(qtbot, explorer, net):
    console = explorer.panel("ConsolePanel")
    inspector = explorer.panel("InspectorPanel")
    console.input.setFocus()
    QTest.keyClicks(console.input, "from ui_helpers import Drive; exc.add_behaviour(15, Drive(amplitude=3.0))")
    QTest.keyClick(console.input, Qt.Key_Return)
    added = net.exc.behaviours.get(15)
    assert added is not None, console.output.toPlainText()
    item = inspector.item_for(added, "amplitude")
    assert item is not None and item.text(1) == "3"


# -- neuron grids: click, Ctrl+click, drag, double click, hover ------------------------------------------
def cell_pixel(panel, group, i: int) -> QtCore.QPoint:
    """Viewport pixel of the centre of neuron ``i``'s cell on its grid."""
    rows, cols, *_ = panel.layouts[id(group)]
    scene = panel.views[id(group)].mapViewToScene(QtCore.QPointF(cols[i] + 0.5, rows[i] + 0.5))
    return panel.glw.mapFromScene(scene)


def test_grid_click_ctrl_click_drag_and_double_click_select_neurons(qtbot, explorer, net):
    grid = explorer.panel("GridPanel")
    port = grid.glw.viewport()
    traces = explorer.panel("TracesPanel")
    click(port, cell_pixel(grid, net.inh, 5))
    assert explorer.selection.group is net.inh and list(explorer.selection.indices) == [5]
    click(port, cell_pixel(grid, net.inh, 9), modifier=Qt.ControlModifier)
    assert list(explorer.selection.indices) == [5, 9]
    explorer.step_frame(4)  # the traces follow: v of the two selected neurons
    np.testing.assert_allclose(traces.last["traces.inh.v"][-1], net.inh.v[[5, 9]])
    # a drag from neuron 0 to neuron 9 of exc (8 x 8 grid: rows 0-1, columns 0-1) selects that block
    a, b = cell_pixel(grid, net.exc, 0), cell_pixel(grid, net.exc, 9)
    drag(port, a - QtCore.QPoint(6, 6), b + QtCore.QPoint(6, 6))  # from inside cell 0 to inside cell 9
    assert explorer.selection.group is net.exc and list(explorer.selection.indices) == [0, 1, 8, 9]
    qtbot.wait(QtWidgets.QApplication.doubleClickInterval() + 50)  # a new click, not the drag's second
    double_click(port, cell_pixel(grid, net.inh, 3))
    qtbot.waitUntil(lambda: explorer.selection.group is net.inh and explorer.selection.indices.size == net.inh.size,
                    timeout=3_000)


def test_grid_hover_names_the_neuron_and_its_value(qtbot, explorer, net):
    grid = explorer.panel("GridPanel")
    explorer.step_frame(60)
    rows, cols, *_ = grid.layouts[id(net.exc)]
    counts = np.bincount(net.exc["spikes", 0]["fired.i"][net.exc["spikes", 0]["fired.t"] > net.t - 50 + 1e-9].astype(int),
                         minlength=net.exc.size)
    hover(grid.glw.viewport(), cell_pixel(grid, net.exc, 13))
    qtbot.waitUntil(lambda: "#13" in grid.hover.text(), timeout=3_000)
    assert grid.hover.text() == f"exc #13 (row {rows[13]}, column {cols[13]}): spikes in the last 50 ms = {counts[13]}"


# -- combos, docks ------------------------------------------------------------------------------------------
def test_weights_combo_by_keyboard_shows_that_synapse_group(qtbot, explorer, net):
    weights = explorer.panel("WeightsPanel")
    click_tab(explorer, weights.title)
    qtbot.waitUntil(lambda: explorer.panel_shown(weights), timeout=3_000)
    weights.combo.setFocus()
    QTest.keyClick(weights.combo, Qt.Key_Down)
    sg, name = weights.choices[weights.combo.currentIndex()]
    assert weights.combo.currentIndex() == 1 and sg is net.SynapseGroups[1]
    qtbot.waitUntil(lambda: weights.last.get("weights.matrix") is not None
                    and weights.last["weights.matrix"].shape == (sg.dst.size, sg.src.size), timeout=3_000)
    w = np.asarray(vars(sg)[name], dtype=np.float64)
    np.testing.assert_allclose(weights.last["weights.matrix"], w)
    counts, _ = np.histogram(w[w != 0], bins=weights.bins)
    np.testing.assert_array_equal(weights.last["weights.hist.counts"], counts)


def test_traces_combo_by_keyboard_traces_that_variable(qtbot, net):
    from functools import partial

    from pymonn.ui import Explorer
    from pymonn.ui.panels.traces import TracesPanel

    explorer = Explorer(net, panels=[partial(TracesPanel, variables=["v", "fired"])], restore_layout=False,
                        save_layout=False)
    qtbot.addWidget(explorer)
    explorer.show()
    qtbot.waitExposed(explorer)
    traces = explorer.panel("TracesPanel")
    offered = [traces.combo.itemText(k) for k in range(traces.combo.count())]
    assert "v" in offered and len(offered) > 1
    traces.combo.setFocus()
    start = traces.combo.currentIndex()
    QTest.keyClick(traces.combo, Qt.Key_Down if start < len(offered) - 1 else Qt.Key_Up)
    chosen = traces.combo.currentText()
    assert chosen != offered[start] and traces.variable == chosen
    click(tool_button(explorer, toolbar_action(explorer, "Step")))
    click(tool_button(explorer, toolbar_action(explorer, "Step")))
    cols = explorer.selection.indices[: traces.max_traces]
    shown = traces.last[f"traces.exc.{chosen}"]
    np.testing.assert_allclose(shown[-1], np.asarray(vars(net.exc)[chosen], dtype=np.float64)[cols])


def test_dock_close_and_float_buttons(qtbot, explorer, net):
    raster = explorer.panel("RasterPanel")
    dock = explorer.dock_of(raster)
    float_button = dock.findChild(QtWidgets.QAbstractButton, "qt_dockwidget_floatbutton")
    click(float_button)
    assert dock.isFloating()
    qtbot.waitUntil(lambda: explorer.panel_shown(raster), timeout=3_000)
    drawn = []
    original = raster.update
    raster.update = lambda data: (drawn.append(net.iteration), original(data))
    explorer.step_spin.selectAll()
    QTest.keyClicks(explorer.step_spin, "10")
    click(tool_button(explorer, toolbar_action(explorer, "Step N")))
    assert drawn and drawn[-1] == 10  # the floating raster is drawn at the new step
    close_button = dock.findChild(QtWidgets.QAbstractButton, "qt_dockwidget_closebutton")
    click(close_button)
    assert not dock.isVisible() and not dock.toggleViewAction().isChecked()
    assert not explorer.panel_shown(raster)


def test_block_average_of_an_all_nan_block_stays_nan_without_a_warning():
    import warnings

    from pymonn.ui.panels.weights import block_average

    m = np.full((4, 4), np.nan)
    m[:2, :2] = [[1.0, 2.0], [3.0, np.nan]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = block_average(m, 2)
    np.testing.assert_array_equal(out, [[2.0, np.nan], [np.nan, np.nan]])


# -- window size, speed ----------------------------------------------------------------------------------
@pytest.mark.parametrize("screen", [(1280, 720), (1600, 1000)])
def test_window_fits_the_screen_and_nothing_is_cut_off(qtbot, explorer, screen):
    available = QtCore.QRect(0, 0, *screen)
    explorer.resize(1600, 1000)  # the default size
    explorer.fit_to_screen(available)
    QtWidgets.QApplication.processEvents()
    assert available.contains(explorer.frameGeometry()), (explorer.frameGeometry(), available)
    # every toolbar control on screen (none pushed into the overflow menu)
    bar = explorer.findChild(QtWidgets.QToolBar)
    hidden = [a.text() or type(bar.widgetForAction(a)).__name__ for a in bar.actions()
              if bar.widgetForAction(a) is not None and not bar.widgetForAction(a).isVisible()]
    assert hidden == []
    for panel in explorer.panels:  # no dock squeezed below what its content needs
        dock = explorer.dock_of(panel)
        if dock.isVisible() and not explorer.tabifiedDockWidgets(dock) or explorer.panel_shown(panel):
            hint = dock.minimumSizeHint()
            assert dock.width() >= hint.width() and dock.height() >= hint.height(), panel.title
    # the inspector's values get the room the names leave
    tree = explorer.panel("InspectorPanel").tree
    header = tree.header()
    assert header.sectionSize(1) >= tree.viewport().width() - header.sectionSize(0) - header.sectionSize(2) - 2


def test_speed_menu_by_keyboard_sets_the_pace(qtbot, explorer):
    from pymonn.ui.explorer import SPEEDS

    combo = explorer.speed_combo
    assert [combo.itemText(k) for k in range(combo.count())] == [t for t, _ in SPEEDS] == ["0.1x", "1x", "10x", "max"]
    assert combo.currentText() == "1x" and explorer.speed == 1.0  # the default: real time
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key_Down)  # 10x
    QTest.keyClick(combo, Qt.Key_Down)  # max
    # a closed combo box changes on arrow keys and emits 'activated' as a user's choice does
    assert combo.currentText() == "max" and explorer.speed is None and explorer.worker.speed is None
    QTest.keyClick(combo, Qt.Key_Home)
    assert explorer.speed == 0.1
    assert [e.text for e in explorer.event_log.of_kind("speed")] == ["10x real time", "max", "0.1x real time"]
    with pytest.raises(ValueError, match="positive"):
        explorer.set_speed(-1.0)


def test_paced_steps_keep_simulated_time_to_the_clock():
    from pymonn.ui.worker import paced_steps

    # dt 0.5 ms at 1x: 2000 steps per second; 0.25 s after the anchor at step 100 the network is due at 600
    assert paced_steps(10.25, (10.0, 100), 100, 1.0, 0.5, 10**9) == (500, 0.0)
    assert paced_steps(10.25, (10.0, 100), 550, 1.0, 0.5, 10**9) == (50, 0.0)
    assert paced_steps(10.25, (10.0, 100), 550, 1.0, 0.5, 20) == (20, 0.0)  # at most a batch
    due, wait = paced_steps(10.25, (10.0, 100), 600, 1.0, 0.5, 10**9)  # on time: the next step in 0.5 ms
    assert due == 0 and wait == pytest.approx(0.0005)
    # 0.1x: 200 steps per second; 10x: 20,000
    assert paced_steps(11.0, (10.0, 0), 0, 0.1, 0.5, 10**9)[0] == 200
    assert paced_steps(11.0, (10.0, 0), 0, 10.0, 0.5, 10**9)[0] == 20_000


# -- after a Reset -------------------------------------------------------------------------------------------
def test_after_reset_the_timeline_and_the_npz_hold_only_the_new_run(qtbot, explorer, net, tmp_path, monkeypatch):
    events = explorer.panel("EventsPanel")
    stats = explorer.panel("StatisticsPanel")
    explorer.step_frame(40)  # every panel drawn, the hidden ones too
    assert any(k.startswith("panel.stats.") for k in explorer.visible_recordings())
    run = tool_button(explorer, explorer.run_action)
    click(run)
    qtbot.waitUntil(lambda: net.iteration > 60, timeout=10_000)
    click(run)
    explorer.wait_idle()
    click(tool_button(explorer, toolbar_action(explorer, "Reset")))
    assert [e.kind for e in events.timeline_events()] == ["reset"]
    assert [r[2] for r in events.rows()] == ["run", "pause", "reset"]  # the table keeps the whole history
    x, _ = events.scatter.getData()
    np.testing.assert_array_equal(x, [0.0])
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, caption, d, filt, *a: (str(tmp_path / "after"), filt)))
    trigger_menu(qtbot, explorer, "Export", "Visible recordings (npz)...")
    data = np.load(tmp_path / "after.npz")
    assert float(data["t_now"]) == 0.0 and data["exc.spikes.i"].size == 0
    # the statistics are behind a tab and were not drawn since the reset: none of their old data
    assert not explorer.panel_shown(stats)
    assert not any(k.startswith("panel.stats.") for k in data.files)


def test_trace_axis_shows_the_models_documented_unit(qtbot, net):
    import sys
    from pathlib import Path

    from pymonn.ui import Explorer

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
    import pymonnto_izhikevich as example

    izh = example.build(seed=1, trace_steps=10)
    win = Explorer(izh, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.step_frame(3)
    assert win.panel("TracesPanel").plot.getAxis("left").labelText == "v (mV)"  # Izhikevich documents v : mV
    win.close()
    small = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(small)
    small.step_frame(3)
    assert small.panel("TracesPanel").plot.getAxis("left").labelText == "v"  # LIFModel documents no unit
    small.close()


def test_poisson_rate_gets_a_slider_that_changes_the_firing(qtbot):
    from pymonn.behaviours import PoissonGroup
    from pymonn.ui import Explorer

    from pymonn import Network, NeuronGroup

    net = Network(dt=1.0, seed=4)
    g = NeuronGroup(net, 2000, {30: PoissonGroup(rate=100.0)}, tag="inputs")
    net.initialize()
    win = Explorer(net, restore_layout=False, save_layout=False, speed=None)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    panel = win.panel("StimulusPanel")
    control = next(c for c in panel.controls if c["name"] == "rate")
    slider = control["slider"]
    slider.setFocus()
    for _ in range(3):  # three pages (10 % each) down: 70 % of 100 Hz
        QTest.keyClick(slider, Qt.Key_PageDown)
    assert slider.value() == 70 and g.behaviours[30].rate == pytest.approx(70.0)
    fired = 0
    for _ in range(200):  # the network as the worker runs it (drawing is not what is tested here)
        net.simulate_iterations(1, progress=False)
        fired += int(g.fired.sum())
    expected = 2000 * 200 * 0.07  # 70 Hz at dt = 1 ms: p = 0.07 per neuron and step
    assert abs(fired - expected) < 5 * np.sqrt(expected * 0.93), (fired, expected)
    win.close()


def test_stdp_song_opens_on_the_neuron_that_learns(qtbot):
    import sys
    from pathlib import Path

    from pymonn.ui import Explorer

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
    import stdp_song

    net = stdp_song.build(inputs=50)
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    inputs = [g for g in net.NeuronGroups if not hasattr(g, "v")]
    assert inputs and win.selection.group is not inputs[0] and hasattr(win.selection.group, "v")
    win.step_frame(5)
    traces = win.panel("TracesPanel")
    name = win.selection.group.tags[0]
    np.testing.assert_allclose(traces.last[f"traces.{name}.v"][-1], win.selection.group.v[:1])
    win.close()


def test_spectrum_shows_up_to_500_hz_and_the_typed_limit(qtbot, explorer, net):
    spectrum = explorer.panel("SpectrumPanel")
    click_tab(explorer, spectrum.title)
    explorer.step_frame(200)
    x0, x1 = spectrum.plot.getViewBox().viewRange()[0]
    assert (x0, x1) == pytest.approx((0.0, 500.0))  # dt = 0.5 ms: Nyquist 1 kHz, shown to 500 Hz
    box = spectrum.max_spin
    click(box)
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "200")
    QTest.keyClick(box.lineEdit(), Qt.Key_Return)
    assert spectrum.plot.getViewBox().viewRange()[0] == pytest.approx([0.0, 200.0])
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), "5000")
    QTest.keyClick(box.lineEdit(), Qt.Key_Return)
    assert spectrum.plot.getViewBox().viewRange()[0] == pytest.approx([0.0, 1000.0])  # at most Nyquist


def test_raster_axis_names_neurons_and_its_rate_band_names_hz(explorer, net):
    raster = explorer.panel("RasterPanel")
    explorer.step_frame(50)
    axis = raster.rasters[id(net.exc)].getAxis("left")
    assert axis.labelText == "neuron"
    ticks = dict((v, t) for v, t in axis._tickLevels[0]) if axis._tickLevels else {}
    band_top = -raster.rate_band * net.exc.size + 0.75 * raster.rate_band * net.exc.size
    assert ticks[band_top].endswith(" Hz") and float(ticks[band_top].split()[0].rstrip("k")) > 0
    assert ticks[float(net.exc.size)] == str(net.exc.size)
