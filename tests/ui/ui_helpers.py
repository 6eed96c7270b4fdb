"""Small networks and readers shared by the explorer's tests."""

from __future__ import annotations

import numpy as np

from pymonn import Behaviour, EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup, afferent, get_squared_dim


class Flicker(Behaviour):
    """Random spikes (probability ``p`` per neuron and step) and a uniform ``v``: data for recorders."""

    def initialize(self, n):
        self.p = self.parameter("p", 0.15)
        n.fired = n.vector(bool)
        n.v = n.vector("uniform")

    def iteration(self, n):
        n.fired = n.vector("uniform") < self.p
        n.v = n.vector("uniform")


class Drive(Behaviour):
    """Constant drive plus noise into the accumulator: I = amplitude + noise * uniform."""

    default_key = 10

    def initialize(self, n):
        self.amplitude = self.parameter("amplitude", 12.0)
        self.noise = self.parameter("noise", 4.0)

    def iteration(self, n):
        n.accumulator("I")[:] += self.amplitude + self.noise * n.vector("uniform")


class Delta(Behaviour):
    """W (uniform, scaled) from the afferent groups' spikes into I: +for 'exc', - for 'inh'."""

    default_key = 20

    def initialize(self, n):
        self.scale = self.parameter("scale", 2.0)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform") * self.scale

    def iteration(self, n):
        current = n.accumulator("I")
        for s in n.synapses(afferent, "exc"):
            current += s.W[:, s.src.fired].sum(axis=1)
        for s in n.synapses(afferent, "inh"):
            current -= s.W[:, s.src.fired].sum(axis=1)


class LIFModel(Behaviour):
    """tau dv/dt = -(v - v_rest) + I (Euler); fires at v_th and resets to v_reset."""

    default_key = 30

    def initialize(self, n):
        self.tau = self.parameter("tau", 10.0)
        self.v_th = self.parameter("v_th", -50.0)
        self.v_reset = self.parameter("v_reset", -65.0)
        self.v_rest = -65.0
        n.v = n.vector("uniform") * 15.0 - 65.0
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v += n.dt / self.tau * (self.v_rest - n.v + n.accumulator("I"))
        n.fired = n.v >= self.v_th
        n.v[n.fired] = self.v_reset


def small_network(seed: int = 3, n_exc: int = 64, n_inh: int = 16, dtype=np.float64) -> Network:
    """Two LIF-like groups on grids with recurrent random weights and recorders of their own."""
    net = Network(dt=0.5, seed=seed, dtype=dtype)
    for tag, size in (("exc", n_exc), ("inh", n_inh)):
        NeuronGroup(net, get_squared_dim(size), tag=tag, behaviour={
            10: Drive(amplitude=18.0 if tag == "exc" else 16.0),
            20: Delta(scale=1.5),
            30: LIFModel(),
            90: Recorder(["v"], tag="traces"),
            91: EventRecorder("fired", tag="spikes"),
        })
    SynapseGroup(net, "exc", "exc", tag="exc")
    SynapseGroup(net, "exc", "inh", tag="exc")
    SynapseGroup(net, "inh", "exc", tag="inh")
    SynapseGroup(net, "inh", "inh", tag="inh")
    net.initialize()
    return net


def behaviour_state(net) -> list:
    """What must be identical before opening and after closing an explorer."""
    out = []
    for obj in net.all_objects():
        out.append((obj.describe(), sorted((k, type(b).__name__, id(b), b.behaviour_enabled)
                                           for k, b in obj.behaviours.items())))
    out.append(("schedule", [(o.describe(), k, id(b)) for o, k, b in net.sorted_behaviours()]))
    return out



def recorded_spikes(group, t_start: float, t_stop: float):
    """(t, i) of the group's own EventRecorder within (t_start, t_stop]."""
    rec = group["spikes", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    keep = (t > t_start + 1e-9) & (t <= t_stop + 1e-9)
    return t[keep], i[keep].astype(np.int64)


def image_pixels(item) -> np.ndarray:
    """The RGBA bytes an image item renders (rows x 4*width), for comparing two items pixel by pixel."""
    from pymonn.ui._qt import QtGui

    item.render()
    q = item.qimage.convertToFormat(QtGui.QImage.Format_ARGB32)
    ptr = q.constBits()
    ptr.setsize(q.sizeInBytes())
    return np.frombuffer(ptr, np.uint8).reshape(q.height(), q.bytesPerLine())[:, : 4 * q.width()].copy()


# -- driving the widgets as a user does (mouse and keyboard events, not the methods behind them) -------
def click(widget, pos=None, modifier=None, button=None) -> None:
    """A left click on ``widget`` (at ``pos``, default its centre)."""
    from PyQt5.QtCore import Qt
    from PyQt5.QtTest import QTest

    QTest.mouseClick(widget, button or Qt.LeftButton, modifier or Qt.NoModifier, pos or widget.rect().center())


def tool_button(win, action):
    """The toolbar button showing ``action``."""
    from PyQt5 import QtWidgets

    for bar in win.findChildren(QtWidgets.QToolBar):
        button = bar.widgetForAction(action)
        if button is not None:
            return button
    raise LookupError(f"no toolbar button for {action.text()!r}")


def toolbar_action(win, text: str):
    """The toolbar action labelled ``text``."""
    from PyQt5 import QtWidgets

    for bar in win.findChildren(QtWidgets.QToolBar):
        for action in bar.actions():
            if action.text() == text:
                return action
    raise LookupError(f"no toolbar action {text!r}")


def click_tab(win, title: str) -> None:
    """Click the dock tab titled ``title`` (docks tabbed together show a tab bar)."""
    from PyQt5 import QtWidgets

    for bar in win.findChildren(QtWidgets.QTabBar):
        for k in range(bar.count()):
            if bar.tabText(k) == title and bar.isVisible():
                click(bar, bar.tabRect(k).center())
                return
    raise LookupError(f"no visible tab {title!r}")


def trigger_menu(qtbot, win, menu_title: str, *path: str) -> None:
    """Open a menu of the menu bar with the mouse and click the entries of ``path`` in turn."""
    from PyQt5 import QtWidgets

    bar = win.menuBar()
    menu_action = next(a for a in bar.actions() if a.text().replace("&", "") == menu_title)
    click(bar, bar.actionGeometry(menu_action).center())
    menu = menu_action.menu()
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    for k, text in enumerate(path):
        action = next((a for a in menu.actions() if a.text().replace("&", "") == text), None)
        if action is None:
            raise LookupError(f"no entry {text!r} in {[a.text() for a in menu.actions()]}")
        menu.setActiveAction(action)
        if k < len(path) - 1:
            click(menu, menu.actionGeometry(action).center())
            menu = action.menu()
            qtbot.waitUntil(menu.isVisible, timeout=5_000)
        else:
            click(menu, menu.actionGeometry(action).center())
    QtWidgets.QApplication.processEvents()


def cell_pos(tree, item, column: int):
    """The centre of ``item``'s cell in ``column`` of a QTreeWidget, in viewport coordinates."""
    from PyQt5 import QtCore

    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    header = tree.header()
    x = header.sectionViewportPosition(column) + min(20, header.sectionSize(column) // 2)
    return QtCore.QPoint(x, rect.center().y())


def drag(widget, start, end, steps: int = 8, modifier=None) -> None:
    """A left-button drag on ``widget`` from ``start`` to ``end`` (QPoints) through ``steps`` moves."""
    from PyQt5 import QtCore
    from PyQt5.QtCore import Qt
    from PyQt5.QtTest import QTest

    mod = modifier or Qt.NoModifier
    QTest.mousePress(widget, Qt.LeftButton, mod, start)
    for k in range(1, steps + 1):
        p = QtCore.QPoint(int(start.x() + (end.x() - start.x()) * k / steps), int(start.y() + (end.y() - start.y()) * k / steps))
        # QTest.mouseMove sends no button state: send the move event with the button held
        from PyQt5 import QtGui, QtWidgets

        ev = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(p), QtCore.QPointF(widget.window().mapFromGlobal(
            widget.mapToGlobal(p))), QtCore.QPointF(widget.mapToGlobal(p)), Qt.NoButton, Qt.LeftButton, mod)
        QtWidgets.QApplication.sendEvent(widget, ev)
    QTest.mouseRelease(widget, Qt.LeftButton, mod, end)


def double_click(widget, pos) -> None:
    """A double click as Qt delivers a mouse's: press, release, double-click (the second press), release."""
    from PyQt5 import QtCore, QtGui, QtWidgets
    from PyQt5.QtCore import Qt
    from PyQt5.QtTest import QTest

    QTest.mousePress(widget, Qt.LeftButton, Qt.NoModifier, pos)
    QTest.mouseRelease(widget, Qt.LeftButton, Qt.NoModifier, pos)
    glob = widget.mapToGlobal(pos)
    ev = QtGui.QMouseEvent(QtCore.QEvent.MouseButtonDblClick, QtCore.QPointF(pos),
                           QtCore.QPointF(widget.window().mapFromGlobal(glob)), QtCore.QPointF(glob), Qt.LeftButton,
                           Qt.LeftButton, Qt.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, ev)
    QTest.mouseRelease(widget, Qt.LeftButton, Qt.NoModifier, pos)


def hover(widget, pos) -> None:
    """The mouse moved over ``widget`` to ``pos`` with no button held (a real move event)."""
    from PyQt5 import QtCore, QtGui, QtWidgets
    from PyQt5.QtCore import Qt

    glob = widget.mapToGlobal(pos)
    ev = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(pos), QtCore.QPointF(widget.window().mapFromGlobal(glob)),
                           QtCore.QPointF(glob), Qt.NoButton, Qt.NoButton, Qt.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, ev)
