"""The explorer as a whole: it leaves the network as it found it, runs on a worker thread, stays
responsive during fast-forwards, resets exactly, persists its layout, exports, survives errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pymonn.ui import Explorer, explore
from pymonn.ui.recording import EXPLORER_TAG
from ui_helpers import behaviour_state, recorded_spikes, small_network

from pymonn import Behaviour, StateError

ROOT = Path(__file__).resolve().parents[2]


def explorer_behaviours(net) -> list:
    return [b for o in net.all_objects() for b in o.behaviours.values() if EXPLORER_TAG in b.tags]


def test_open_close_leaves_behaviours_exactly_as_before(qtbot, net):
    before = behaviour_state(net)
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    added = explorer_behaviours(net)
    assert added, "the explorer records through its own ring-buffer recorders"
    assert all(getattr(b, "max_length", None) for b in added)
    assert all(b.key >= 1_000_000 for b in added)
    win.step_frame(40)
    win.selection.set(net.inh, [1, 2])  # moves the trace recorder to another group
    win.step_frame(10)
    win.close()
    assert explorer_behaviours(net) == []
    assert behaviour_state(net) == before
    assert net.iteration == 50


def test_no_process_level_side_effects(qtbot, net):
    from PyQt5 import QtWidgets

    hook = sys.excepthook
    win = explore(net, block=False, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    app = QtWidgets.QApplication.instance()
    assert type(app) is QtWidgets.QApplication  # never a subclass
    assert sys.excepthook is hook  # no global exception hook
    assert win.isVisible()
    win.close()
    assert sys.excepthook is hook


def test_step_frame_is_synchronous(explorer, net):
    frames = explorer.frames_drawn
    assert explorer.step_frame(25) == 25
    assert net.iteration == 25
    assert explorer.frames_drawn == frames + 1
    explorer.set_steps_per_frame(7)
    assert explorer.step_frame() == 7
    assert net.iteration == 32


def test_worker_runs_and_pauses(qtbot, explorer, net):
    explorer.run()
    qtbot.waitUntil(lambda: net.iteration > 60 and explorer.frames_drawn > 2, timeout=10_000)
    qtbot.waitUntil(lambda: explorer.steps_per_second > 0, timeout=60_000)  # the status shows the speed
    assert "steps/s" in explorer.speed_label.text() and not explorer.speed_label.text().startswith("0 ")
    explorer.pause()
    assert explorer.wait_idle()
    stopped = net.iteration
    qtbot.wait(150)
    assert net.iteration == stopped
    kinds = [e.kind for e in explorer.event_log]
    assert kinds[-2:] == ["run", "pause"]


def test_paced_mode_runs_steps_per_frame(qtbot, explorer, net):
    explorer.set_steps_per_frame(3)
    explorer.run()
    qtbot.waitUntil(lambda: net.iteration >= 9, timeout=10_000)
    explorer.pause()
    explorer.wait_idle()
    assert net.iteration % 3 == 0  # whole frames of 3 steps


def test_fast_forward_is_cancellable_and_gui_stays_responsive(qtbot, explorer, net):
    assert explorer.fast_forward(10_000_000)
    assert explorer.progress.isVisibleTo(explorer)
    qtbot.waitUntil(lambda: net.iteration > 100, timeout=10_000)
    ticks = explorer.timer_ticks
    # an event wait: ten more ticks of the GUI timer while the fast-forward runs (the timeout only
    # guards against a hang; how fast the ticks come is not asserted)
    qtbot.waitUntil(lambda: explorer.timer_ticks >= ticks + 10, timeout=60_000)
    assert explorer.fast_forwarding, "the GUI timer keeps ticking while the fast-forward still runs"
    assert explorer.progress.value() > 0
    explorer.cancel_fast_forward()
    qtbot.waitUntil(lambda: not explorer.fast_forwarding, timeout=5_000)
    qtbot.waitUntil(lambda: not explorer.progress.isVisibleTo(explorer), timeout=5_000)
    done = net.iteration
    assert 100 < done < 10_000_000
    ff = explorer.event_log.of_kind("fast-forward")
    assert ff[0].text.startswith("started: 10000000 steps")
    assert ff[-1].text.startswith(f"cancelled: {done} of 10000000 steps")
    assert ff[-1].iteration == done


def test_fast_forward_runs_exactly_n_steps(qtbot, explorer, net):
    explorer.step_frame(5)
    explorer.fast_forward(137)
    qtbot.waitUntil(lambda: not explorer.fast_forwarding, timeout=10_000)
    assert net.iteration == 142
    assert explorer.event_log.of_kind("fast-forward")[-1].text.startswith("done: 137 of 137 steps")


def test_reset_returns_to_the_initial_state_exactly(explorer, net):
    v0 = net.exc.v.copy()
    explorer.step_frame(60)
    first = recorded_spikes(net.exc, 0, net.t)
    v60 = net.exc.v.copy()
    explorer.reset()
    assert net.iteration == 0
    np.testing.assert_array_equal(net.exc.v, v0)
    assert net.exc["spikes", 0].count() == 0  # the user's recorders are rewound too
    explorer.step_frame(60)
    np.testing.assert_array_equal(net.exc.v, v60)  # same random draws: same trajectory
    again = recorded_spikes(net.exc, 0, net.t)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert explorer.event_log.of_kind("reset")[0].text == "from step 60 to step 0"


def test_layout_persists_between_runs_and_resets(qtbot, tmp_path):
    settings = tmp_path / "layout.ini"
    net = small_network()
    win = Explorer(net, settings=settings, restore_layout=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    spectrum = win.dock_of(win.panel("SpectrumPanel"))
    weights = win.dock_of(win.panel("WeightsPanel"))
    weights.hide()
    spectrum.setFloating(True)
    win.close()
    assert settings.exists()

    win2 = Explorer(small_network(), settings=settings, restore_layout=True)
    qtbot.addWidget(win2)
    win2.show()
    qtbot.waitExposed(win2)
    assert not win2.dock_of(win2.panel("WeightsPanel")).isVisible()
    assert win2.dock_of(win2.panel("SpectrumPanel")).isFloating()
    win2.apply_default_layout()  # View > Reset layout
    assert win2.dock_of(win2.panel("WeightsPanel")).isVisibleTo(win2)
    assert not win2.dock_of(win2.panel("SpectrumPanel")).isFloating()
    win2.close()


def test_exports(explorer, net, tmp_path):
    explorer.step_frame(80)
    explorer.set_parameter(net.exc.behaviours[10], "amplitude", 20.0)
    png = explorer.export_window(tmp_path / "window.png")
    svg = explorer.export_window(tmp_path / "window.svg")
    panel_png = explorer.export_panel(explorer.panel("RasterPanel"), tmp_path / "raster.png")
    panel_svg = explorer.export_panel(explorer.panel("TracesPanel"), tmp_path / "traces.svg")
    from PyQt5 import QtGui

    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (explorer.width(), explorer.height())
    assert QtGui.QImage(str(panel_png)).width() > 100
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert "<svg" in panel_svg.read_text()

    npz = explorer.export_recordings(tmp_path / "visible.npz")
    with np.load(npz, allow_pickle=False) as data:
        t, i = data["exc.spikes.t"], data["exc.spikes.i"]
        window = explorer.time_axis.window_ms
        want_t, want_i = recorded_spikes(net.exc, net.t - window, net.t)
        np.testing.assert_allclose(t, want_t)
        np.testing.assert_array_equal(i, want_i)
        assert "panel.raster.exc.image" in data
        assert float(data["t_now"]) == net.t

    csv_path = explorer.export_events(tmp_path / "events.csv")
    rows = list(csv.reader(open(csv_path, encoding="utf-8")))
    assert rows[0][:5] == ["t_ms", "iteration", "kind", "target", "text"]
    assert rows[-1][2] == "parameter" and rows[-1][1] == "80"
    assert rows[-1][4] == "18 -> 20"


class Explodes(Behaviour):
    def iteration(self, obj):
        if obj.iteration == 7:
            raise RuntimeError("boom at seven")


def test_a_failing_behaviour_stops_the_run_and_is_reported(qtbot):
    net = small_network()
    net.exc.add_behavior(50, Explodes())
    win = Explorer(net, restore_layout=False, save_layout=False)
    qtbot.addWidget(win)
    win.run()
    qtbot.waitUntil(lambda: not win.running, timeout=10_000)
    qtbot.waitUntil(lambda: bool(win.event_log.of_kind("error")), timeout=5_000)
    assert net.iteration == 7
    assert not win.run_action.isChecked()
    assert any("boom at seven" in m and "BehaviourError" in m for m in win.messages)
    assert "boom at seven" in win.event_log.of_kind("error")[0].text
    net.exc.remove_behavior(50)
    assert net.failed is not None  # step 7 is half done: the network refuses to go on ...
    with pytest.raises(StateError, match="resume_after_error"):
        win.step_frame(3)
    net.resume_after_error()  # ... until the user says so
    assert win.step_frame(3) == 3  # the GUI carries on
    win.close()


def test_console_runs_code_with_net_in_scope(explorer, net):
    console = explorer.panel("ConsolePanel")
    explorer.step_frame(12)
    assert console.push("x = net.iteration * 2") == ""
    assert console.push("print(x, exc.size)").strip() == "24 64"
    assert console.push("for k in range(2):") is None  # waits for the block
    console.push("    print(k)")
    assert console.push("").split() == ["0", "1"]
    assert "ZeroDivisionError" in console.push("1 / 0")
    assert "SystemExit ignored" in console.push("raise SystemExit(3)")
    assert [e.text for e in explorer.event_log.of_kind("console")][:2] == ["x = net.iteration * 2", "print(x, exc.size)"]


@pytest.mark.parametrize("size", ["1400x900"])
def test_screenshot_command_writes_a_png_without_display(tmp_path, size):
    out = tmp_path / "shot.png"
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "PYMONN_UI_SETTINGS": str(tmp_path / "s.ini")}
    proc = subprocess.run(
        [sys.executable, "-m", "pymonn.ui", str(ROOT / "examples" / "pymonnto_izhikevich.py"), "--screenshot", str(out),
         "--steps", "200", "--size", size],
        capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "200 steps" in proc.stdout
    from PyQt5 import QtGui

    image = QtGui.QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    ptr = image.convertToFormat(QtGui.QImage.Format_RGB32).constBits()
    ptr.setsize(image.width() * image.height() * 4)
    pixels = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.width(), 4)
    assert len(np.unique(pixels[..., :3].reshape(-1, 3), axis=0)) > 50  # drawn, not blank
    assert not (tmp_path / "s.ini").exists()  # a screenshot run saves no layout
