"""The explorer's cheaper recording and drawing paths give exactly what the general ones give.

Spikes are recorded as boolean rows and turned into events on the GUI side (only the new rows at
each read); traces use a lean ring step; images render through a cached colour table; hidden
panels are not drawn until they are shown.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymonn.ui.recording import ExplorerTraceRecorder, Need, RecordingManager
from ui_helpers import Flicker, image_pixels

from pymonn import EventRecorder, Network, NeuronGroup, Recorder


def flicker_net(size: int = 40):
    net = Network(seed=3, dt=0.5)
    g = NeuronGroup(net, size, {1: Flicker(), 2: EventRecorder("fired"), 3: Recorder(["v"])})
    net.initialize()
    return net, g


def test_events_from_boolean_rows_match_an_event_recorder_across_wrap_and_reset():
    net, g = flicker_net()
    rec = RecordingManager(net, buffer_steps=50)
    assert rec.ensure(Need(g, "fired", "events"))
    core = g.behaviours[2]
    for chunk in (7, 30, 1, 64, 13, 200, 5):  # reads between runs: only new rows are converted each time
        net.simulate_iterations(chunk, progress=False)
        for steps in (1, 10, 50, None):
            t, i = rec.events(g, steps=steps)
            held = min(net.iteration, 50)  # the ring keeps the newest 50 steps
            k = held if steps is None else min(steps, held)
            its = core["fired.iteration"]
            keep = its > net.iteration - k
            np.testing.assert_allclose(t, core["fired.t"][keep])
            np.testing.assert_array_equal(i, core["fired.i"][keep])
    assert t.size > 0
    rec.clear()  # a reset empties the rings: nothing old may come back
    core.clear()
    net.simulate_iterations(3, progress=False)
    t, i = rec.events(g)
    np.testing.assert_allclose(t, core["fired.t"])
    np.testing.assert_array_equal(i, core["fired.i"])


def test_events_returned_are_copies():
    net, g = flicker_net()
    rec = RecordingManager(net, buffer_steps=50)
    rec.ensure(Need(g, "fired", "events"))
    net.simulate_iterations(20, progress=False)
    t, i = rec.events(g)
    i[:] = -1
    assert (rec.events(g)[1] >= 0).all()


def test_lean_trace_recorder_matches_the_core_recorder():
    net, g = flicker_net()
    ours = ExplorerTraceRecorder(["v", "np.mean(v)"], max_length=17, chunk=4)
    g.add_behavior(4, ours)
    net.simulate_iterations(60, progress=False)
    core = g.behaviours[3]
    np.testing.assert_array_equal(ours["v"], core["v"][-17:])
    np.testing.assert_allclose(ours["np.mean(v)"], core["v"][-17:].mean(axis=1))
    np.testing.assert_array_equal(ours.iterations, np.arange(44, 61))


@pytest.mark.parametrize("kind", ["binary", "float"])
def test_indexed_image_item_renders_like_pyqtgraph(qtbot, kind):
    from pymonn.ui._qt import pg
    from pymonn.ui.panels.base import IndexedImageItem

    rng = np.random.default_rng(0)
    if kind == "binary":
        data = (rng.random((23, 41)) < 0.3).astype(np.ubyte)
        lut = np.array([[255, 255, 255, 0], [31, 119, 180, 255]], dtype=np.ubyte)
        levels = (0, 1)
    else:
        data = rng.random((9, 13)) * 7.0
        lut = pg.colormap.get("viridis").getLookupTable(nPts=256)
        levels = (0.5, 6.0)  # values outside the levels are clipped to the ends
    ours, theirs = IndexedImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setLookupTable(lut)
        item.setImage(data, autoLevels=False, levels=levels)
    np.testing.assert_array_equal(ours.image, data)
    np.testing.assert_array_equal(image_pixels(ours), image_pixels(theirs))


def test_hidden_panel_is_not_drawn_until_shown(qtbot, explorer):
    from pymonn.ui._qt import QtWidgets

    hidden = [p for p in explorer.panels if explorer.dock_of(p).isVisible() and not explorer.panel_shown(p)]
    assert hidden, "the default layout keeps some panels in tabs behind others"
    panel = hidden[0]
    calls = []
    original = panel.update
    panel.update = lambda data: (calls.append(explorer.net.iteration), original(data))
    explorer.step(5)
    assert calls == [], f"{panel.title} is behind another tab and must not be drawn"
    explorer.dock_of(panel).raise_()
    QtWidgets.QApplication.processEvents()
    assert explorer.panel_shown(panel)
    # shown while paused: it draws the current step at once (at the next timer tick), not only
    # after the next step
    qtbot.waitUntil(lambda: calls == [5], timeout=3_000)
    explorer.step(5)
    assert calls == [5, 10]
