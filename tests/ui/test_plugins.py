"""Panels as plug-ins (third-party and behaviour-offered), failing panels, the event table, and the
pieces under the panels: ring-buffer readers, the explorer's event recorder, parameter parsing."""

from __future__ import annotations

import numpy as np
import pytest
from pymonn.ui.panels import Need, Panel, register_panel
from pymonn.ui.panels.base import _REGISTERED
from pymonn.ui.parameters import Parameter, describe_value, parse_value
from pymonn.ui.recording import ExplorerEventRecorder, rows_from, tail_rows
from ui_helpers import Flicker, small_network

from pymonn import Behaviour, EventRecorder, Network, NeuronGroup
from pymonn.buffers import RowBuffer
from pymonn.errors import ConfigurationError


class MeanVoltage(Panel):
    """A third-party panel: the exc group's mean voltage, which it asks the explorer to record."""

    title = "Mean v"

    def needs(self):
        return [Need(self.net.exc, "np.mean(v)")]

    def build(self):
        from PyQt5 import QtWidgets

        self.label = QtWidgets.QLabel()
        return self.label

    def collect(self, view):
        return view.trace(self.net.exc, "np.mean(v)")

    def update(self, data):
        self.t, self.values = data
        self.label.setText(f"{self.values[-1]:.3f} mV" if len(self.values) else "-")


class Broken(Panel):
    title = "Broken"
    fail = True

    def build(self):
        from PyQt5 import QtWidgets

        return QtWidgets.QLabel("fine so far")

    def update(self, data):
        if Broken.fail:
            raise ValueError("this panel is broken on purpose")
        self.ok = True


def test_third_party_panel_gets_its_recording(qtbot, net):
    from pymonn.ui import Explorer

    win = Explorer(net, extra_panels=[MeanVoltage], restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    panel = win.panel(MeanVoltage)
    win.step_frame(30)
    np.testing.assert_allclose(panel.values, net.exc["traces", 0]["v"].mean(axis=1))
    np.testing.assert_allclose(panel.t, net.exc["traces", 0].t)
    assert panel.label.text().endswith("mV")
    win.close()


def test_registered_and_behaviour_offered_panels(qtbot, net):
    from pymonn.ui import Explorer

    class Offered(Panel):
        title = "Offered"

        def build(self):
            from PyQt5 import QtWidgets

            return QtWidgets.QLabel("from a behaviour")

    class Offers(Behaviour):
        def explorer_panels(self):
            return [Offered]

    net.exc.add_behavior(60, Offers())
    register_panel(MeanVoltage)
    try:
        win = Explorer(net, restore_layout=False, save_layout=False)
        qtbot.addWidget(win)
        names = [type(p).__name__ for p in win.panels]
        assert "MeanVoltage" in names and "Offered" in names
        win.close()
    finally:
        _REGISTERED.remove(MeanVoltage)


def test_a_failing_panel_shows_its_error_and_the_others_keep_going(qtbot, net):
    from pymonn.ui import Explorer

    Broken.fail = True
    win = Explorer(net, extra_panels=[Broken], restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    broken = win.panel(Broken)
    raster = win.panel("RasterPanel")
    win.step_frame(20)
    dock = win.dock_of(broken)
    assert dock.failed
    assert "ValueError" in dock.error_text() and "broken on purpose" in dock.error_text()
    assert any("broken on purpose" in m for m in win.messages)
    assert win.panel("LogPanel").text.toPlainText().count("broken on purpose") >= 1
    first = raster.spikes(net.exc)[0].size
    win.step_frame(40)  # the others still draw; the broken one is skipped, not retried every frame
    assert raster.spikes(net.exc)[0].size > first
    assert sum("broken on purpose" in m for m in win.messages) == 1
    Broken.fail = False
    win.retry_panel(broken)
    win.step_frame(1)
    assert not dock.failed and broken.ok
    win.close()


def test_a_panel_failing_to_build_does_not_stop_the_explorer(qtbot, net):
    from pymonn.ui import Explorer

    class NoBuild(Panel):
        title = "No build"

        def build(self):
            raise RuntimeError("cannot build")

    win = Explorer(net, extra_panels=[NoBuild], restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    assert "cannot build" in win.dock_of(win.panel(NoBuild)).error_text()
    assert win.step_frame(5) == 5
    win.close()


def test_events_panel_lists_every_change(explorer, net):
    panel = explorer.panel("EventsPanel")
    explorer.step_frame(10)
    explorer.set_parameter(net.exc.behaviours[30], "v_th", -49.0)
    explorer.set_enabled(net.inh.behaviours[10], False)
    explorer.step(5, log=True)
    rows = panel.rows()
    assert [r[2] for r in rows] == ["parameter", "disable", "step"]
    assert rows[0][:2] == ["5", "10"] and rows[0][4] == "-50 -> -49"
    assert rows[2][4] == "5 steps"
    assert len(explorer.event_log) == 3


# -- under the panels ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cap,n", [(None, 37), (50, 37), (50, 50), (50, 173), (7, 1000)])
def test_ring_readers_agree_with_the_buffer(cap, n):
    buf = RowBuffer(4, cap, "x")
    keys = RowBuffer(4, cap, "k")
    rng = np.random.default_rng(1)
    data = rng.normal(size=(n, 3))
    for k in range(n):
        buf.append(data[k])
        keys.append(k // 3)
    full = buf.array()
    for m in (0, 1, 5, len(full), len(full) + 10):
        np.testing.assert_array_equal(tail_rows(buf, m).reshape(-1, 3), full[len(full) - min(m, len(full)):])
    np.testing.assert_array_equal(tail_rows(buf, 4, [0, 2]), full[-4:][:, [0, 2]])
    first = int(keys.array()[len(full) // 2]) if len(full) else 0
    got_keys, got = rows_from(buf, keys, first)
    mask = keys.array() >= first
    np.testing.assert_array_equal(got_keys, keys.array()[mask])
    np.testing.assert_array_equal(got, full[mask])


def test_explorer_event_recorder_records_like_the_core_one():
    net = Network(seed=2)

    g = NeuronGroup(net, 30, {1: Flicker(p=0.2), 2: EventRecorder("fired", max_length=97),
                              3: ExplorerEventRecorder("fired", max_length=97)})
    net.simulate_iterations(80)
    core, ours = g.behaviours[2], g.behaviours[3]
    for field in ("fired.t", "fired.i", "fired.iteration"):
        np.testing.assert_array_equal(ours[field], core[field])
    assert ours.count() == core.count() == 97
    assert ours["fired.i"].dtype == np.int32


def test_parameter_parsing_and_display():
    class Holder(Behaviour):
        pass

    b = Holder(tau=5.0)
    b.tau, b.n, b.flag, b.arr = 5.0, 3, True, np.array([1.0, 2.0])
    p = lambda name: Parameter(b, b, name)  # noqa: E731
    assert parse_value(p("tau"), " 7.5 ") == 7.5
    assert parse_value(p("n"), "4") == 4
    assert parse_value(p("flag"), "false") is False
    np.testing.assert_array_equal(parse_value(p("arr"), "3"), 3.0)
    np.testing.assert_array_equal(parse_value(p("arr"), "[3, 4]"), [3.0, 4.0])
    for name, text in (("tau", "abc"), ("n", "2.5"), ("arr", "[1, 2, 3]"), ("tau", "nan"), ("flag", "7")):
        with pytest.raises(ConfigurationError, match=f"Holder .*parameter '{name}' must be"):
            parse_value(p(name), text)
    assert describe_value(np.full(4, 2.0)) == "2  (x4)"
    assert describe_value(np.array([1.0, 3.0])).startswith("mean 2")
    assert describe_value(np.array([True, False, True])) == "2/3 True"


def test_snapshot_rewinds_user_recorders_and_rng():
    from pymonn.ui.state import StateSnapshot

    net = small_network()
    net.simulate_iterations(10)
    snap = StateSnapshot(net)
    draw = net.rng.random()
    net.simulate_iterations(25)
    snap.restore()
    assert net.iteration == 10 and net.exc["spikes", 0]["fired.t"].max(initial=0) <= 5.0
    assert net.rng.random() == draw


def test_a_need_can_ask_for_a_longer_window(qtbot, net):
    from pymonn.ui import Explorer

    class LongMemory(Panel):
        def needs(self):
            return [Need(self.net.inh, "v", steps=5000)]

        def build(self):
            from PyQt5 import QtWidgets

            return QtWidgets.QLabel()

        def collect(self, view):
            return view.trace(self.net.inh, "v", steps=5000)

        def update(self, data):
            self.t, self.v = data

    win = Explorer(net, extra_panels=[LongMemory], buffer_steps=100, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.step_frame(300)
    panel = win.panel(LongMemory)
    assert panel.v.shape == (300, 16)  # all of it, although the explorer's buffer is 100 steps
    np.testing.assert_allclose(panel.v, net.inh["traces", 0]["v"])
    win.close()
