"""``Explorer``: the main window. ``explore(net)``: open one, creating a QApplication only if needed."""

from __future__ import annotations

import os
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from pymonn import Network
from pymonn.errors import ConfigurationError, ConfigurationTypeError, PymonnError

from ._qt import Qt, QtCore, QtGui, QtWidgets, ensure_app, pg, pyqtSignal, sip
from .affinity import pin_calling_thread, restore_calling_thread, shared_core
from .events import EventLog
from .panels import DEFAULT_PANELS, FrameView, Panel, registered_panels
from .parameters import assign, find_parameter, parse_value
from .recording import Need, RecordingManager
from .selection import Selection
from .state import StateSnapshot
from .timeaxis import TimeAxis
from .worker import SimulationLock, SimulationWorker

#: The speed menu: (text, simulated ms per real ms; None: as fast as possible).
SPEEDS = (("0.1x", 0.1), ("1x", 1.0), ("10x", 10.0), ("max", None))

#: Bumped when the default layout changes, so that an old saved layout is not restored over it.
LAYOUT_VERSION = 3

_AREAS = {"left": Qt.LeftDockWidgetArea, "center": Qt.LeftDockWidgetArea, "lower": Qt.LeftDockWidgetArea,
          "right": Qt.RightDockWidgetArea, "bottom": Qt.LeftDockWidgetArea}


class PanelDock(QtWidgets.QDockWidget):
    """A dock holding one panel's widget, or the error that panel raised (with a Retry button)."""

    def __init__(self, explorer: Explorer, panel: Panel, widget: QtWidgets.QWidget | None) -> None:
        super().__init__(panel.title, explorer)
        self.panel = panel
        self.setObjectName(f"panel:{panel.name}")
        self.setFeatures(QtWidgets.QDockWidget.DockWidgetMovable | QtWidgets.QDockWidget.DockWidgetFloatable
                         | QtWidgets.QDockWidget.DockWidgetClosable)
        self.stack = QtWidgets.QStackedWidget()
        self.content = widget if widget is not None else QtWidgets.QWidget()
        self.stack.addWidget(self.content)
        error_page = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(error_page)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error_label.setStyleSheet("color: #b00000; font-family: monospace;")
        self.error_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        retry = QtWidgets.QPushButton("Retry")
        retry.clicked.connect(lambda: explorer.retry_panel(panel))
        lay.addWidget(self.error_label, 1)
        lay.addWidget(retry, 0, Qt.AlignLeft)
        self.stack.addWidget(error_page)
        self.setWidget(self.stack)

    def show_error(self, message: str) -> None:
        """Show ``message`` instead of the panel."""
        self.error_label.setText(message)
        self.stack.setCurrentIndex(1)

    def clear_error(self) -> None:
        """Show the panel again."""
        self.stack.setCurrentIndex(0)

    @property
    def failed(self) -> bool:
        """Whether the dock shows an error."""
        return self.stack.currentIndex() == 1

    def error_text(self) -> str:
        """The error shown, or ""."""
        return self.error_label.text() if self.failed else ""


class _SpaceRuns(QtCore.QObject):
    """Event filter for number fields: Space toggles run/pause there (a number has no spaces)."""

    def __init__(self, action: QtWidgets.QAction, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self.action = action

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QtCore.QEvent.KeyPress and event.key() == Qt.Key_Space \
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier):
            if self.action.isEnabled():
                self.action.toggle()
            return True
        return False


class Explorer(QtWidgets.QMainWindow):
    """Live inspection of a running network: dockable panels fed by ring-buffer recorders.

    Parameters
    ----------
    net : Network
        The network to explore; it is initialized if it was not. The explorer adds only its own
        recorders (tag ``'pymonn.ui'``, keys from 1,000,000 up) and removes them when it closes.
    panels : list, optional
        Panel classes or ``factory(explorer)`` callables (default :data:`DEFAULT_PANELS`).
    extra_panels : list, optional
        More panels after the defaults (third-party ones). Panels registered with
        :func:`~pymonn.ui.register_panel` and those a behaviour offers through a method
        ``explorer_panels()`` are added too.
    window_ms : float, optional
        Visible time window (default 1000 steps, at most 1000 ms).
    buffer_steps : int, optional
        Steps the ring buffers keep (default 2000, at least twice the window).
    steps_per_frame : int
        Steps the worker runs per GUI frame; 0 (default) runs as fast as it can.
    fps : float
        Frame rate the timer aims at while the network runs (default 22), as long as drawing
        takes at most ``max_gui_share`` of the time (attribute, default 0.18); beyond that,
        frames are spaced so that it does (a frame costing c seconds every c / 0.18 seconds), but
        not below ``min_fps`` (attribute, default 20.5) while that takes at most
        ``max_gui_share_min_fps`` (default 0.24). Drawing and simulating never overlap (see
        :meth:`draw_frame`), so the simulation keeps the rest. When the network is paused, a
        change is drawn at once.
    settings : str or Path, optional
        An ini file for the saved layout (default: the ``PYMONN_UI_SETTINGS`` environment
        variable, else the user's Qt settings for "pymonn/explorer").
    restore_layout : bool
        Restore the layout saved by the previous explorer (default True).
    save_layout : bool
        Save the layout on close (default True).
    share_core : bool
        Keep the GUI thread and the simulation worker on one CPU core while the window is open
        (default True; Linux only, the GUI thread's affinity is restored on close): they take
        turns anyway, and handing the GIL between cores cost up to a fifth of the speed (see
        ``pymonn.ui.affinity``).
    groups : list of NeuronGroup, optional
        The neuron groups the panels show (default: all of the network's).
    spike_variable : str
        The per-neuron variable holding each step's spikes, read by the rasters, grids,
        statistics and spectra (default ``'fired'``; a bool array or a float array of 0 and 1).
    speed : float or None
        Real-time pacing while running: simulated ms per real ms (default 1.0, real time, so
        that the views scroll smoothly; the toolbar offers 0.1x, 1x, 10x and max). ``None`` runs
        as fast as the network can; so does any speed the network cannot keep up with.
        ``steps_per_frame`` > 0 takes precedence.

    Notes
    -----
    The simulation runs on a worker ``QThread`` in batches; the timer draws the latest data. The
    GUI reads the network only between batches (:class:`~pymonn.ui.worker.SimulationLock`).
    :meth:`step_frame` advances synchronously (tests, scripts). The explorer never subclasses
    QApplication, installs no exception hook and never exits the process.
    """

    message_logged = pyqtSignal(str)
    #: Emitted once when the explorer has shut down (window closed or application quitting).
    closed = pyqtSignal()

    def __init__(self, net: Network, panels: Iterable | None = None, *, extra_panels: Iterable = (),
                 window_ms: float | None = None, buffer_steps: int | None = None, steps_per_frame: int = 0,
                 fps: float = 22.0, settings: str | os.PathLike | None = None, restore_layout: bool = True,
                 save_layout: bool = True, title: str | None = None, parent: QtWidgets.QWidget | None = None,
                 share_core: bool = True, groups: Iterable | None = None, spike_variable: str = "fired",
                 speed: float | None = 1.0) -> None:
        ensure_app()
        super().__init__(parent)
        if not isinstance(net, Network):
            raise ConfigurationTypeError(f"Explorer needs a pymonn Network, got {type(net).__name__}")
        if not net.NeuronGroups:
            raise ConfigurationError(f"Explorer: {net.describe()} has no neuron group to show")
        self.net = net
        if not isinstance(spike_variable, str) or not spike_variable.isidentifier():
            raise ConfigurationTypeError(f"Explorer: spike_variable must be a variable name, got {spike_variable!r}")
        self.spike_variable = spike_variable
        self.groups = list(net.NeuronGroups) if groups is None else list(groups)
        strangers = [g for g in self.groups if not any(g is h for h in net.NeuronGroups)]
        if strangers or not self.groups:
            raise ConfigurationError(f"Explorer: groups must be a non-empty list of {net.describe()}'s neuron groups, "
                                     f"got {self.groups!r}")
        if not net.initialized:
            net.initialize()
        self._closed = False
        self._fitted = False  # fit_to_screen on the first show
        self._reset_at = 0.0  # perf_counter() of the last reset (panel data older than it is not exported)
        self._ff_active = False
        self.lock = SimulationLock(interrupt=net.stop)
        dt = net.dt
        if window_ms is None:
            window_ms = min(1000 * dt, 1000.0)
        window_steps = max(1, int(round(window_ms / dt)))
        self.buffer_steps = int(buffer_steps or max(2000, 2 * window_steps))
        self.recordings = RecordingManager(net, self.buffer_steps)
        self.time_axis = TimeAxis(window_ms, self.buffer_steps * dt, self)
        self.event_log = EventLog(net, self)
        # first selected: a group of model neurons (one with a membrane potential v), not an input
        # population of spike sources (stdp_song's 1000 Poisson inputs before the neuron that learns)
        first = next((g for g in self.groups if hasattr(g, spike_variable) and hasattr(g, "v")),
                     next((g for g in self.groups if hasattr(g, spike_variable)), self.groups[0]))
        self.selection = Selection(first, self)
        self.messages: list[str] = []
        self.panels: list[Panel] = []
        self.docks: dict[int, PanelDock] = {}
        self._last_update: dict[int, float] = {}
        self._dirty = True
        self._drawn_iteration = -1
        self.frames_drawn = 0
        self.timer_ticks = 0
        self.max_gui_share = 0.18  # most of the time frames may take while the network runs ...
        self.min_fps = 20.5  # ... except to keep at least this frame rate,
        self.max_gui_share_min_fps = 0.24  # which may take this much (see _frame_wait)
        self.frame_cost = 0.0  # moving average of the CPU seconds a frame takes (copy, draw, paint)
        self._drawing = False
        self._status_at = 0.0
        self._speed = deque(maxlen=64)
        self._frame_times = deque(maxlen=64)
        self._frame_started = 0.0  # perf_counter() when the last frame began
        self._frame_anchor = 0.0  # when the last timer frame was due (frames keep to this schedule)
        self._save_layout = bool(save_layout)
        self._settings_path = settings if settings is not None else os.environ.get("PYMONN_UI_SETTINGS")
        self.setWindowTitle(title or f"pymonn explorer: {net.describe()}")
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)

        factories = list(DEFAULT_PANELS if panels is None else panels)
        factories += [f for f in registered_panels() if f not in factories]
        factories += list(extra_panels)
        factories += self._behaviour_panels()
        for factory in factories:
            self.add_panel(factory)
        self._snapshot = StateSnapshot(net, skip=self.recordings.recorders())

        self._build_toolbar()
        self._build_statusbar()
        self._build_menus()
        self.resize(1600, 1000)
        self.apply_default_layout()
        if restore_layout:
            self.restore_layout()
        self.selection.changed.connect(self._selection_changed)
        self.time_axis.window_changed.connect(self._redraw_on_window_change)

        self.worker = SimulationWorker(net, self.lock)
        self.worker.steps_per_frame = int(steps_per_frame)
        self.worker.set_speed(speed)
        self._sync_speed_combo()
        # Not a child of the window: if the window is garbage collected without being closed, the
        # finalizer below still stops the thread (destroying a running QThread aborts the process).
        self.thread = QtCore.QThread()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.worker.progress.connect(self._ff_progress)
        self.worker.finished.connect(self._ff_finished)
        self.worker.failed.connect(self._worker_failed)
        # both threads on one core while the window is open (see affinity.py: the GIL makes them take
        # turns anyway, and handing it across cores cost a fifth of the simulation's speed)
        self.worker.cpu = shared_core() if share_core else None
        self._gui_affinity = pin_calling_thread(self.worker.cpu)
        self._gui_thread = threading.get_ident()
        self.thread.start()
        self._finalizer = weakref.finalize(self, _stop_worker, self.worker, self.thread)
        self.min_frame_interval = 1.0 / fps
        self.timer = QtCore.QTimer(self)
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setInterval(max(1, int(round(min(10.0, 1000.0 / fps)))))  # then set to the next frame's time
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- panels ---------------------------------------------------------------------------------
    def _behaviour_panels(self) -> list:
        out = []
        for obj in self.net.all_objects():
            for b in obj.behaviours.values():
                offer = getattr(b, "explorer_panels", None)
                if callable(offer):
                    try:
                        out.extend(offer() or [])
                    except Exception:  # noqa: BLE001 - a broken offer must not stop the explorer
                        self.log_message(f"{type(b).__name__}.explorer_panels() raised:\n{traceback.format_exc()}")
        return out

    def add_panel(self, factory: Callable[..., Panel] | Panel) -> Panel | None:
        """Create a panel from a class or ``factory(explorer)`` and dock it; returns the panel."""
        try:
            panel = factory if isinstance(factory, Panel) else factory(self)
        except Exception:  # noqa: BLE001
            self.log_message(f"creating panel {getattr(factory, '__name__', factory)!r} failed:\n{traceback.format_exc()}")
            return None
        names = {p.name for p in self.panels}
        base, k = panel.name, 2
        while panel.name in names:
            panel.name = f"{base}_{k}"
            k += 1
        widget, error = None, None
        try:
            self.ensure_recording(panel.needs())
            widget = panel.build()
            panel.widget = widget
        except Exception as exc:  # noqa: BLE001
            error = self._format_error(panel, "build", exc)
        dock = PanelDock(self, panel, widget)
        # a panel that comes into view (tab switched, dock shown or floated) draws the current data
        # at the next timer tick, also while the network is paused
        dock.visibilityChanged.connect(self._redraw_when_shown)
        self.addDockWidget(_AREAS.get(panel.area, Qt.LeftDockWidgetArea), dock)
        self.panels.append(panel)
        self.docks[id(panel)] = dock
        if error:
            self._show_panel_error(panel, error)
        return panel

    def panel(self, kind: type | str) -> Panel:
        """The first panel of a class (or with that class name / panel name)."""
        for p in self.panels:
            if (isinstance(kind, type) and isinstance(p, kind)) or kind in (type(p).__name__, p.name):
                return p
        raise KeyError(f"no panel {kind!r}; panels: {[p.name for p in self.panels]}")

    def dock_of(self, panel: Panel) -> PanelDock:
        """The dock holding ``panel``."""
        return self.docks[id(panel)]

    def ensure_recording(self, needs: Iterable[Need], release: Iterable = ()) -> None:
        """Record what ``needs`` ask for (between batches); stop tracing the groups in ``release``.

        A released group keeps its trace recorder while another panel still needs one of its
        traces.
        """
        needs, release = list(needs), [g for g in release if g is not None]
        if not needs and not release:
            return
        with self.lock.hold():
            for group in release:
                still = any(n.group is group and n.kind == "trace" for p in self.panels if p is not None
                            for n in self._safe_needs(p))
                if not still and all(n.group is not group for n in needs):
                    self.recordings.drop_traces(group)
            for need in needs:
                self.recordings.ensure(need)

    def _safe_needs(self, panel: Panel) -> list:
        try:
            return list(panel.needs())
        except Exception:  # noqa: BLE001
            return []

    def _format_error(self, panel: Panel, phase: str, exc: BaseException) -> str:
        return (f"{panel.title} ({type(panel).__name__}) raised {type(exc).__name__} in {phase} at step "
                f"{self.net.iteration}: {exc}\n\n" + "".join(traceback.format_exception(exc)))

    def _show_panel_error(self, panel: Panel, message: str) -> None:
        self.dock_of(panel).show_error(message)
        self.log_message(message)

    def _panel_failed(self, panel: Panel, phase: str, exc: BaseException) -> None:
        self._show_panel_error(panel, self._format_error(panel, phase, exc))

    def retry_panel(self, panel: Panel) -> None:
        """Clear a panel's error and try it again in the next frame."""
        dock = self.dock_of(panel)
        if panel.widget is None:
            try:
                panel.widget = panel.build()
            except Exception as exc:  # noqa: BLE001
                self._panel_failed(panel, "build", exc)
                return
            dock.stack.removeWidget(dock.content)
            dock.content = panel.widget
            dock.stack.insertWidget(0, panel.widget)
        dock.clear_error()
        self.request_redraw()

    def log_message(self, text: str) -> None:
        """Append to the log dock (errors and warnings)."""
        stamped = f"[{time.strftime('%H:%M:%S')} step {self.net.iteration}] {text}"
        self.messages.append(stamped)
        self.message_logged.emit(stamped)

    # -- toolbar, status bar, menus -------------------------------------------------------------
    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Simulation")
        tb.setObjectName("toolbar:simulation")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        style = self.style()
        self.run_action = tb.addAction(style.standardIcon(QtWidgets.QStyle.SP_MediaPlay), "Run")
        self.run_action.setCheckable(True)
        # Space, and Ctrl+Space also where Space types a space (the console): anywhere in the window
        self.run_action.setShortcuts([QtGui.QKeySequence(Qt.Key_Space), QtGui.QKeySequence("Ctrl+Space")])
        self.run_action.setShortcutContext(Qt.WindowShortcut)
        self.run_action.setToolTip("Run / pause (Space; Ctrl+Space in the console)")
        self._space_runs = _SpaceRuns(self.run_action, self)
        self.run_action.toggled.connect(self._run_toggled)
        step = tb.addAction(style.standardIcon(QtWidgets.QStyle.SP_MediaSeekForward), "Step")
        step.setToolTip("One step")
        step.triggered.connect(lambda: self.step(1))
        self.step_spin = self._spin(1, 10_000_000, 100, "steps for 'Step N'")
        tb.addWidget(self.step_spin)
        tb.addAction("Step N").triggered.connect(lambda: self.step(self.step_spin.value(), log=True))
        self.ff_spin = self._spin(1, 1_000_000_000, 10_000, "steps to fast-forward")
        tb.addWidget(self.ff_spin)
        self.ff_action = tb.addAction(style.standardIcon(QtWidgets.QStyle.SP_MediaSkipForward), "Fast-forward")
        self.ff_action.setToolTip("Run N steps as fast as possible (cancellable); panels refresh twice a second")
        self.ff_action.triggered.connect(lambda: self.fast_forward(self.ff_spin.value()))
        reset = tb.addAction(style.standardIcon(QtWidgets.QStyle.SP_BrowserReload), "Reset")
        reset.setToolTip("Back to the state the network had when the explorer opened")
        reset.triggered.connect(self.reset)
        tb.addWidget(self._tool_label("per frame", "steps per frame while running (max: paced by the speed)"))
        self.spf_spin = self._spin(0, 1_000_000, 0, "steps per frame while running (0: as fast as possible)")
        self.spf_spin.setSpecialValueText("max")
        self.spf_spin.valueChanged.connect(self.set_steps_per_frame)
        tb.addWidget(self.spf_spin)
        tb.addWidget(self._tool_label("speed", "simulated time per real time while running"))
        self.speed_combo = QtWidgets.QComboBox()
        for text, value in SPEEDS:
            self.speed_combo.addItem(text, value)
        self.speed_combo.setToolTip("simulated time per real time while running (max: as fast as possible);\n"
                                    "steps/frame > 0 overrides it")
        self.speed_combo.activated.connect(lambda k: self.set_speed(self.speed_combo.itemData(k)))
        tb.addWidget(self.speed_combo)
        tb.addWidget(self._tool_label("window", "length of the shared time axis (ms)"))
        self.window_spin = QtWidgets.QDoubleSpinBox()
        self.window_spin.installEventFilter(self._space_runs)
        self.window_spin.setDecimals(1)
        self.window_spin.setRange(max(self.net.dt, 0.1), self.time_axis.max_window_ms)
        self.window_spin.setValue(self.time_axis.window_ms)
        self.window_spin.setToolTip("length of the time axis shared by the rasters, traces and statistics")
        self.window_spin.valueChanged.connect(self.time_axis.set_window)
        tb.addWidget(self.window_spin)
        self.follow_box = QtWidgets.QCheckBox("follow")
        self.follow_box.setChecked(True)
        self.follow_box.setToolTip("scroll the time axis with the simulation")
        self.follow_box.toggled.connect(self._follow_toggled)
        tb.addWidget(self.follow_box)

    def _tool_label(self, text: str, tip: str) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        label.setContentsMargins(6, 0, 2, 0)
        label.setToolTip(tip)
        return label

    def _spin(self, lo: int, hi: int, value: int, tip: str) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        # as wide as a typical value needs (longer ones scroll in the box): the toolbar fits 1280 pixels
        digits = f"{max(10 * value, 10_000):,}"
        spin.setFixedWidth(spin.fontMetrics().horizontalAdvance(digits) + 34)
        spin.installEventFilter(self._space_runs)
        spin.setRange(lo, hi)
        spin.setValue(value)
        spin.setToolTip(tip)
        spin.setGroupSeparatorShown(True)
        return spin

    def _build_statusbar(self) -> None:
        bar = self.statusBar()
        self.time_label = QtWidgets.QLabel()
        self.speed_label = QtWidgets.QLabel()
        self.fps_label = QtWidgets.QLabel()
        metrics = self.fontMetrics()
        # widths fixed for the longest text expected: a new text then repaints the label only,
        # not the status bar's layout and the window under it (several times a second)
        for w, widest in ((self.time_label, "t = 00,000,000.0 ms  (step 00,000,000)"),
                          (self.speed_label, "000,000 steps/s   000.00x real time"), (self.fps_label, "000 fps")):
            w.setMinimumWidth(metrics.horizontalAdvance(widest) + 12)
            w.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            bar.addPermanentWidget(w)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setFormat("fast-forward %p%")
        self.progress.hide()
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_fast_forward)
        self.cancel_button.hide()
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self._update_status(force=True)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        export = menu.addMenu("&Export")
        export.addAction("Window as PNG...", lambda: self._ask_export(self.export_window, "PNG (*.png)"))
        export.addAction("Window as SVG...", lambda: self._ask_export(self.export_window, "SVG (*.svg)"))
        panels = export.addMenu("Panel")
        for p in self.panels:
            panels.addAction(f"{p.title} as PNG...", lambda p=p: self._ask_export(
                lambda path: self.export_panel(p, path), "PNG (*.png)"))
            panels.addAction(f"{p.title} as SVG...", lambda p=p: self._ask_export(
                lambda path: self.export_panel(p, path), "SVG (*.svg)"))
        export.addAction("Visible recordings (npz)...", lambda: self._ask_export(self.export_recordings, "numpy (*.npz)"))
        export.addAction("Event log (CSV)...", lambda: self._ask_export(self.export_events, "CSV (*.csv)"))
        view = menu.addMenu("&View")
        for p in self.panels:
            view.addAction(self.dock_of(p).toggleViewAction())
        view.addSeparator()
        view.addAction("Reset layout", self.apply_default_layout)

    def _ask_export(self, fn: Callable[[str], Any], filt: str) -> Path | None:
        """Ask for a file name and export; returns the file written, or None (cancelled or failed).

        A name typed without an extension gets the chosen filter's (``out`` -> ``out.png``). A
        failure shows in the status bar and in a message box, and is logged.
        """
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(self, "Export", "", filt)
        if not path:
            return None
        path = with_filter_suffix(path, chosen or filt)
        try:
            written = fn(path)
        except Exception as exc:  # noqa: BLE001 - any failure is shown to the user, the GUI stays up
            text = f"export to {path} failed: {exc}"
            self.log_message(text)
            self.statusBar().showMessage(text, 15000)
            QtWidgets.QMessageBox.warning(self, "Export failed", text)
            return None
        written = Path(written) if written is not None else Path(path)
        self.statusBar().showMessage(f"exported {written}", 8000)
        return written

    # -- layout ---------------------------------------------------------------------------------
    def apply_default_layout(self) -> None:
        """Arrange the panels in the default layout (also the View > Reset layout action).

        Three columns: the ``left`` panels (neuron grids); ``center`` over ``lower`` over
        ``bottom`` panels, each row a tab set; the ``right`` panels stacked.
        """
        by_area: dict[str, list[PanelDock]] = {}
        for p in self.panels:
            dock = self.dock_of(p)
            self.removeDockWidget(dock)
            dock.setFloating(False)
            by_area.setdefault(p.area if p.area in _AREAS else "center", []).append(dock)
        left, right = by_area.get("left", []), by_area.get("right", [])
        rows = [lst for lst in (by_area.get("center", []), by_area.get("lower", []), by_area.get("bottom", [])) if lst]
        heads = [lst[0] for lst in rows]
        first_col = left[0] if left else None
        if first_col is not None:
            self.addDockWidget(Qt.LeftDockWidgetArea, first_col, Qt.Vertical)
        for k, head in enumerate(heads):
            if k == 0:
                self.addDockWidget(Qt.LeftDockWidgetArea, head, Qt.Horizontal)
            else:
                self.splitDockWidget(heads[k - 1], head, Qt.Vertical)
        for dock in left[1:]:
            self.splitDockWidget(left[0], dock, Qt.Vertical)
        for lst in rows:
            for other in lst[1:]:
                self.tabifyDockWidget(lst[0], other)
        if right:
            self.addDockWidget(Qt.RightDockWidgetArea, right[0], Qt.Vertical)
            for dock in right[1:]:
                self.splitDockWidget(right[right.index(dock) - 1], dock, Qt.Vertical)
        for p in self.panels:
            dock = self.dock_of(p)
            dock.setFloating(False)
            dock.show()
            # removeDockWidget gave the dock back to Python and splitDockWidget/tabifyDockWidget do not
            # hand it to the window again: the window owns its docks, so that no garbage collection
            # (on any thread) deletes a dock the window still lays out
            sip.transferto(dock, self)
        for head in heads:
            head.raise_()
        width, height = max(self.width(), 1200), max(self.height(), 800)
        columns = ([left[0]] if left else []) + heads[:1] + right[:1]
        shares = ([0.16] if left else []) + ([0.56] if heads else []) + ([0.28] if right else [])
        if columns:
            self.resizeDocks(columns, [int(width * s) for s in shares], Qt.Horizontal)
        if len(heads) > 1:
            row_shares = [0.5, 0.32, 0.18][: len(heads)]
            self.resizeDocks(heads, [int(height * s) for s in row_shares], Qt.Vertical)
        if len(right) > 1:
            self.resizeDocks(right, [int(height * 0.6)] + [int(height * 0.4 / (len(right) - 1))] * (len(right) - 1),
                             Qt.Vertical)

    def _settings(self) -> QtCore.QSettings:
        if self._settings_path:
            return QtCore.QSettings(str(self._settings_path), QtCore.QSettings.IniFormat)
        return QtCore.QSettings("pymonn", "explorer")

    def _layout_key(self) -> str:
        return f"layout/v{LAYOUT_VERSION}/" + "-".join(sorted(p.name for p in self.panels))

    def restore_layout(self) -> bool:
        """Restore the layout saved by an earlier explorer with the same panels; True if one was."""
        s = self._settings()
        state = s.value(self._layout_key() + "/state")
        geometry = s.value(self._layout_key() + "/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        return bool(state is not None and self.restoreState(state, LAYOUT_VERSION))

    def store_layout(self) -> None:
        """Save the current layout (done on close unless ``save_layout=False``)."""
        s = self._settings()
        s.setValue(self._layout_key() + "/state", self.saveState(LAYOUT_VERSION))
        s.setValue(self._layout_key() + "/geometry", self.saveGeometry())
        s.sync()

    # -- simulation control ---------------------------------------------------------------------
    def _run_toggled(self, on: bool) -> None:
        style = self.style()
        if on:
            self.run_action.setIcon(style.standardIcon(QtWidgets.QStyle.SP_MediaPause))
            self.run_action.setText("Pause")
            self.worker.run()
            self.event_log.log("run", self.net.describe(), "running")
        else:
            self.run_action.setIcon(style.standardIcon(QtWidgets.QStyle.SP_MediaPlay))
            self.run_action.setText("Run")
            self.worker.pause()
            self.event_log.log("pause", self.net.describe(), "paused")

    def run(self) -> None:
        """Start running on the worker thread."""
        self.run_action.setChecked(True)

    def pause(self) -> None:
        """Stop running after the current batch."""
        self.run_action.setChecked(False)

    @property
    def running(self) -> bool:
        """Whether the worker is running freely (not paused, not fast-forwarding)."""
        return self.worker.mode == "run"

    def set_steps_per_frame(self, steps: int) -> None:
        """Steps per frame while running (0: as fast as possible)."""
        self.worker.steps_per_frame = int(steps)
        if self.spf_spin.value() != int(steps):
            self.spf_spin.setValue(int(steps))

    def set_speed(self, speed: float | None) -> None:
        """Real-time factor while running: simulated ms per real ms (None: as fast as possible)."""
        self.worker.set_speed(speed)
        self._sync_speed_combo()
        self.event_log.log("speed", self.net.describe(), "max" if speed is None else f"{speed:g}x real time")

    @property
    def speed(self) -> float | None:
        """The real-time factor while running (None: as fast as possible)."""
        return self.worker.speed

    def _sync_speed_combo(self) -> None:
        combo = getattr(self, "speed_combo", None)
        if combo is None:
            return
        speed = self.worker.speed
        k = next((k for k in range(combo.count()) if combo.itemData(k) == speed), -1)
        if k < 0:  # a speed the menu does not list: shown as its own entry
            combo.addItem(f"{speed:g}x", speed)
            k = combo.count() - 1
        combo.blockSignals(True)
        combo.setCurrentIndex(k)
        combo.blockSignals(False)

    def _follow_toggled(self, on: bool) -> None:
        self.time_axis.follow = bool(on)
        self.request_redraw()

    def _quiesce(self) -> None:
        """Pause running (not a fast-forward) so that the caller can step synchronously."""
        if self.run_action.isChecked():
            self.pause()

    def step(self, steps: int = 1, log: bool = False) -> int:
        """Advance ``steps`` steps synchronously (pauses running first); returns the steps run."""
        if self.worker.mode == "ff":
            return 0
        self._quiesce()
        done = self._advance(steps)
        if log:
            self.event_log.log("step", self.net.describe(), f"{done} steps")
        return done

    def _advance(self, steps: int) -> int:
        with self.lock.hold():
            try:
                done = self.net.simulate_iterations(int(steps), progress=False)
            except Exception as exc:  # noqa: BLE001
                self._worker_failed("".join(traceback.format_exception(exc)))
                return 0
        self.request_redraw()
        self.draw_frame()
        return done

    def step_frame(self, steps: int | None = None) -> int:
        """Advance synchronously and draw every panel (visible or not) once; returns the steps run.

        ``steps`` defaults to the steps-per-frame setting (1 when that is 0). This is what tests
        and scripts call; it never starts the worker.
        """
        if self.worker.mode == "ff":
            raise ConfigurationError("step_frame: a fast-forward is running; cancel it first")
        self._quiesce()
        n = steps if steps is not None else max(1, self.worker.steps_per_frame)
        with self.lock.hold():
            done = self.net.simulate_iterations(int(n), progress=False)
        self.draw_frame(all_panels=True)
        return done

    def fast_forward(self, steps: int) -> bool:
        """Run ``steps`` steps on the worker as fast as possible; cancellable; logged when it ends."""
        self._quiesce()
        if not self.worker.fast_forward(int(steps)):
            return False
        self._ff_start = (self.net.iteration, time.perf_counter())
        self._ff_active = True
        self.event_log.log("fast-forward", self.net.describe(), f"started: {int(steps)} steps")
        self.progress.setRange(0, int(steps))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.ff_action.setEnabled(False)
        self.run_action.setEnabled(False)
        return True

    @property
    def fast_forwarding(self) -> bool:
        """True from :meth:`fast_forward` until its end has been handled (and logged)."""
        return self._ff_active

    def cancel_fast_forward(self) -> None:
        """Stop a running fast-forward within one step."""
        self.worker.cancel()

    def _ff_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)

    def _ff_finished(self, kind: str, done: int, total: int, cancelled: bool) -> None:
        self._ff_active = False
        self.progress.hide()
        self.cancel_button.hide()
        self.ff_action.setEnabled(True)
        self.run_action.setEnabled(True)
        it0, t0 = getattr(self, "_ff_start", (self.net.iteration - done, time.perf_counter()))
        seconds = time.perf_counter() - t0
        what = "cancelled" if cancelled else "done"
        self.event_log.log("fast-forward", self.net.describe(),
                           f"{what}: {done} of {total} steps in {seconds:.2f} s ({done / max(seconds, 1e-9):,.0f} steps/s)")
        self.request_redraw()

    def _worker_failed(self, message: str) -> None:
        if self.run_action.isChecked():
            self.run_action.blockSignals(True)
            self.run_action.setChecked(False)
            self.run_action.setText("Run")
            self.run_action.setIcon(self.style().standardIcon(QtWidgets.QStyle.SP_MediaPlay))
            self.run_action.blockSignals(False)
        self.log_message("the simulation stopped because a behaviour raised:\n" + message)
        last = message.strip().splitlines()[-1] if message.strip() else "error"
        self.event_log.log("error", self.net.describe(), last[:200])
        self.statusBar().showMessage("simulation stopped: " + last, 15000)
        self.request_redraw()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Process events until the worker is idle (True) or ``timeout`` seconds pass (False)."""
        end = time.perf_counter() + timeout
        app = QtWidgets.QApplication.instance()
        while self.worker.busy and time.perf_counter() < end:
            app.processEvents(QtCore.QEventLoop.AllEvents, 20)
            time.sleep(0.002)
        app.processEvents()
        return not self.worker.busy

    def reset(self) -> None:
        """Put the network back into the state it had when the explorer opened.

        Restores every array and scalar of the groups, synapse groups and behaviours (parameter
        edits and enabled flags included), the random generator, the clock and the length of the
        user's recordings, and empties the explorer's own buffers. Logged as a ``reset`` event.
        """
        self._quiesce()
        if self.worker.mode == "ff":
            self.cancel_fast_forward()
            self.wait_idle()
        was = self.net.iteration
        with self.lock.hold():
            self._snapshot.restore()
            self.recordings.clear()
        self._reset_at = time.perf_counter()
        self.event_log.log("reset", self.net.describe(), f"from step {was} to step {self.net.iteration}")
        self._refresh_inspectors()
        self.request_redraw()
        self.draw_frame()

    # -- live changes ---------------------------------------------------------------------------
    def _target(self, behaviour, name: str | None = None) -> str:
        where = behaviour.parent.describe() if behaviour.parent is not None else "?"
        text = f"{where} / {type(behaviour).__name__} (key {behaviour.key})"
        return text + (f" / {name}" if name else "")

    def set_parameter(self, behaviour, name: str, value: Any, kind: str = "parameter") -> tuple[str, str]:
        """Validate and apply a new parameter value between two steps; logged. Returns (old, new).

        ``value`` is a number, an array, or text as typed (``'12.5'``, ``'[1, 2, 3]'``, ``'true'``).
        Raises :class:`~pymonn.errors.ConfigurationError` (and logs it) when the value is refused;
        the parameter then keeps its value.
        """
        try:
            with self.lock.hold():
                p = find_parameter(behaviour, name)
                parsed = parse_value(p, value)
                old, new = assign(p, parsed)
        except PymonnError as exc:
            self.log_message(f"{kind} edit refused: {exc}")
            raise
        self.event_log.log(kind, self._target(behaviour, name), f"{old} -> {new}")
        self._refresh_inspectors()
        self.request_redraw()
        return old, new

    def set_enabled(self, behaviour, enabled: bool) -> None:
        """Enable or disable a behaviour from the next step on; logged."""
        with self.lock.hold():
            obj = behaviour.parent
            if obj is None:
                raise ConfigurationError(f"{type(behaviour).__name__} is not attached to the network")
            if enabled:
                obj.activate_behaviors(behaviour)
            else:
                obj.deactivate_behaviors(behaviour)
        self.event_log.log("enable" if enabled else "disable", self._target(behaviour),
                           "enabled" if enabled else "disabled")
        self._refresh_inspectors()
        self.request_redraw()

    def refresh_values(self) -> None:
        """Re-read parameter values into every view of them (inspector, stimulus sliders).

        Called after each edit, enable/disable, reset and console command, so that every view of
        a parameter follows its value whichever side changed it.
        """
        self._refresh_inspectors()

    def _refresh_inspectors(self) -> None:
        for p in self.panels:
            refresh = getattr(p, "refresh_values", None)
            if callable(refresh) and not self.dock_of(p).failed:
                try:
                    refresh()
                except Exception as exc:  # noqa: BLE001
                    self._panel_failed(p, "refresh", exc)

    # -- frames ---------------------------------------------------------------------------------
    def request_redraw(self) -> None:
        """Draw the panels at the next timer tick even if the network did not advance."""
        self._dirty = True

    # Slots are bound methods, never lambdas: PyQt drops a connection to a method of a QObject when
    # that object is destroyed, while a lambda stays connected and can run during the window's
    # destruction (a segfault in the full test suite, inside such a lambda).
    def _redraw_when_shown(self, visible: bool) -> None:
        if visible and not self._closed:
            self.request_redraw()

    def _redraw_on_window_change(self, _value: Any = None) -> None:
        if not self._closed:
            self.request_redraw()

    def _selection_changed(self, source: Any) -> None:
        for p in self.panels:
            if self.dock_of(p).failed:
                continue
            try:
                p.on_selection(self.selection, source)
            except Exception as exc:  # noqa: BLE001
                self._panel_failed(p, "on_selection", exc)
        self.request_redraw()

    def panel_shown(self, panel: Panel) -> bool:
        """Whether the panel is on screen (not closed, not behind another tab, not failed)."""
        dock = self.dock_of(panel)
        if not dock.isVisible() or dock.failed or panel.widget is None:
            return False
        # a floating dock is a window of its own: shown unless minimized (its visible region is
        # empty on platforms that expose new windows late, offscreen among them)
        if dock.isFloating():
            return not dock.isMinimized()
        return not dock.visibleRegion().isEmpty()

    def draw_frame(self, all_panels: bool = False) -> int:
        """Copy the data of the shown panels (all panels with ``all_panels``) and draw them.

        The whole frame (copy, draw, paint) runs while the simulation waits between two batches:
        the GUI thread then never competes with the worker for Python's GIL, so a frame costs
        the simulation exactly its own duration. Returns how many panels were updated. A panel
        that raises shows the error and is skipped until retried; the others are drawn.
        """
        if self._drawing or self._closed:
            return 0
        self._drawing = True
        try:
            return self._draw(all_panels)
        finally:
            self._drawing = False

    def _draw(self, all_panels: bool) -> int:
        now = self._frame_started = time.perf_counter()
        running = self.worker.busy
        chosen = []
        for p in self.panels:
            dock = self.dock_of(p)
            if dock.failed or p.widget is None:
                continue
            if not all_panels:
                if not self.panel_shown(p):
                    continue
                if running and p.interval_s and now - self._last_update.get(id(p), 0.0) < p.interval_s:
                    continue
            chosen.append(p)
        updated = []
        with self.lock.hold():
            start = time.thread_time()  # CPU time: other processes on the machine do not count
            view = FrameView(self)
            results = []
            for p in chosen:
                try:
                    results.append((p, p.collect(view)))
                except Exception as exc:  # noqa: BLE001
                    self._panel_failed(p, "collect", exc)
            self._drawn_iteration = self.net.iteration
            self.time_axis.show(view.t)
            for p, data in results:
                try:
                    p.update(data)
                    self._last_update[id(p)] = now
                    updated.append(p)
                except Exception as exc:  # noqa: BLE001
                    self._panel_failed(p, "update", exc)
            if self.isVisible():  # paint now, while the worker waits (only what changed is repainted)
                for p in updated:  # settle view transforms first, or each view paints twice
                    for view in self._graphics_views(p):
                        view.scene().prepareForPaint()
                QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.MetaCall)
                QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.UpdateRequest)
            cost = time.thread_time() - start
        self.frame_cost = cost if self.frame_cost == 0 else 0.8 * self.frame_cost + 0.2 * cost
        self._dirty = False
        self.frames_drawn += 1
        self._frame_times.append(time.perf_counter())
        return len(updated)

    def _graphics_views(self, panel: Panel) -> list:
        views = getattr(panel, "_graphics_views_cache", None)
        if views is None:
            views = panel.widget.findChildren(pg.GraphicsView)
            if isinstance(panel.widget, pg.GraphicsView):
                views.append(panel.widget)
            panel._graphics_views_cache = views
        return views

    def _frame_wait(self, now: float) -> float:
        """Seconds until the next frame is due (<= 0: now).

        Frame periods count from when the previous frame was due (a frame that starts late
        does not delay the next): a frame costing c seconds every c / max_gui_share seconds
        takes exactly max_gui_share of the time. While the
        network runs, the period is 1 / fps when frames are cheap enough, else c / max_gui_share;
        but frames come at least min_fps times a second as long as that takes at most
        max_gui_share_min_fps of the time. Half a second during a fast-forward.
        """
        if self.worker.mode == "ff":
            period = 0.5
        elif self.worker.busy:
            cost = self.frame_cost
            aimed = max(self.min_frame_interval, cost / self.max_gui_share)
            floor = max(1.0 / self.min_fps, cost / self.max_gui_share_min_fps) if self.min_fps > 0 else aimed
            period = min(aimed, floor)
        else:
            period = self.min_frame_interval
        return period - (now - self._frame_anchor)

    def _on_timer(self) -> None:
        if self._closed:
            return
        self.timer_ticks += 1
        self.worker.tick()
        now = time.perf_counter()
        if now - self._status_at > 0.25:
            self._status_at = now
            self._update_status()
        wait = self._frame_wait(now)
        if wait <= 0 and (self.net.iteration != self._drawn_iteration or self._dirty):
            # keep to the schedule: a frame that starts a little late (the timer's resolution, the
            # GIL held by the simulation) does not delay the next; one that is very late restarts it
            period = now + wait - self._frame_anchor
            self._frame_anchor = now + wait if -wait < 0.5 * period else now
            self.draw_frame()
            wait = self._frame_wait(time.perf_counter())
        # the timer wakes up when the next frame is due (at most 50 ms on: status, pacing, requests),
        # not every few ms: each wake-up takes the GIL from the simulation
        self.timer.setInterval(int(min(50.0, max(1.0, 1000.0 * wait + 0.5))))

    @property
    def fps(self) -> float:
        """Frames drawn per second over the last couple of seconds."""
        times = [t for t in self._frame_times if t > time.perf_counter() - 2.0]
        if len(times) < 2:
            return 0.0
        return (len(times) - 1) / max(times[-1] - times[0], 1e-9)

    def _update_status(self, force: bool = False) -> None:
        now = time.perf_counter()
        self._speed.append((now, self.net.iteration))
        while len(self._speed) > 2 and now - self._speed[0][0] > 1.5:
            self._speed.popleft()
        (t0, i0), (t1, i1) = self._speed[0], self._speed[-1]
        sps = (i1 - i0) / (t1 - t0) if t1 > t0 else 0.0
        self.steps_per_second = sps
        self.time_label.setText(f"t = {self.net.t:,.1f} ms  (step {self.net.iteration:,})")
        self.speed_label.setText(f"{sps:,.0f} steps/s   {sps * self.net.dt / 1000.0:.2f}x real time")
        self.fps_label.setText(f"{self.fps:.0f} fps")

    # -- export ---------------------------------------------------------------------------------
    @staticmethod
    def _save_widget(widget: QtWidgets.QWidget, path: str | os.PathLike) -> Path:
        path = Path(path)
        if path.suffix.lower() == ".svg":
            from PyQt5.QtSvg import QSvgGenerator

            gen = QSvgGenerator()
            gen.setFileName(str(path))
            gen.setSize(widget.size())
            gen.setViewBox(QtCore.QRect(0, 0, widget.width(), widget.height()))
            gen.setTitle("pymonn explorer")
            painter = QtGui.QPainter(gen)
            widget.render(painter)
            painter.end()
        else:
            if not widget.grab().save(str(path)):
                raise OSError(f"could not write {path}")
        return path

    def export_window(self, path: str | os.PathLike) -> Path:
        """The whole window as PNG (or SVG by the file extension)."""
        self._update_status()
        QtWidgets.QApplication.processEvents()
        return self._save_widget(self, path)

    def export_panel(self, panel: Panel, path: str | os.PathLike) -> Path:
        """One panel as PNG (or SVG by the file extension)."""
        return self._save_widget(self.dock_of(panel), path)

    def visible_recordings(self) -> dict[str, np.ndarray]:
        """The explorer's recordings over the visible window, plus what each panel shows."""
        out: dict[str, np.ndarray] = {}
        with self.lock.hold():
            view = FrameView(self)
            for g in self.groups:
                name = g.tags[0]
                t, i = view.events(g)
                if len(t) or self.recordings.has_events(g):
                    out[f"{name}.spikes.t"], out[f"{name}.spikes.i"] = t, i
                rec = self.recordings._traces.get(id(g))
                for expr in (rec.variables if rec is not None else []):
                    tt, values = view.trace(g, expr)
                    out[f"{name}.{expr}.t"], out[f"{name}.{expr}"] = tt, values
            out["t_now"] = np.array(self.net.t)
            out["window_ms"] = np.array(self.time_axis.window_ms)
        for p in self.panels:
            if self._last_update.get(id(p), 0.0) < self._reset_at:
                continue  # not drawn since the last reset: what it holds is from before it
            try:
                for k, v in p.export_data().items():
                    out.setdefault(f"panel.{k}", np.asarray(v))
            except Exception as exc:  # noqa: BLE001
                self.log_message(f"{p.title}: export_data failed: {exc}")
        return out

    def export_recordings(self, path: str | os.PathLike) -> Path:
        """The visible recordings (see :meth:`visible_recordings`) to an ``.npz`` file (no pickle)."""
        data = {k: v for k, v in self.visible_recordings().items() if np.asarray(v).dtype != object}
        path = Path(path)
        np.savez(path, **data)
        return path if path.suffix == ".npz" else path.with_suffix(path.suffix + ".npz")

    def export_events(self, path: str | os.PathLike) -> Path:
        """The event log as CSV."""
        self.event_log.to_csv(path)
        return Path(path)

    # -- closing --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the worker, remove the explorer's recorders, save the layout. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.timer.stop()
        self._finalizer()
        if threading.get_ident() == self._gui_thread:
            restore_calling_thread(self._gui_affinity)
            self._gui_affinity = None
        with self.lock.hold():
            self.recordings.remove_all()
        if self._save_layout:
            try:
                self.store_layout()
            except Exception as exc:  # noqa: BLE001
                self.log_message(f"saving the layout failed: {exc}")
        for p in self.panels:
            try:
                p.close()
            except Exception:  # noqa: BLE001
                pass
        # floating docks are top-level windows: hide them too, so nothing of a closed explorer paints
        for dock in self.findChildren(QtWidgets.QDockWidget):
            try:
                dock.visibilityChanged.disconnect(self._redraw_when_shown)
            except TypeError:  # (not connected)
                pass
            if dock.isFloating():
                dock.hide()
        try:
            self.time_axis.window_changed.disconnect(self._redraw_on_window_change)
        except TypeError:
            pass
        self._release_qt_objects()
        # The window goes on the GUI thread at the next turn of an event loop, never in the garbage
        # collector (see _release_qt_objects): Qt owns it now, and its Python object lives as long.
        if threading.get_ident() == self._gui_thread:
            sip.transferto(self, None)
            self.deleteLater()
        app = QtWidgets.QApplication.instance()
        if app is not None:
            try:
                app.aboutToQuit.disconnect(self.shutdown)
            except TypeError:
                pass
        self.closed.emit()

    def _release_qt_objects(self) -> None:
        """Hand every Qt object of the window to Qt before the window goes (on shutdown).

        The lifetime bug this prevents: Qt objects that Python owned although they belong to the
        window - the docks (``removeDockWidget`` gives a dock back to Python, and
        ``splitDockWidget``/``tabifyDockWidget`` do not hand it to the window again), pyqtgraph's
        parentless context menus, widgets placed by layouts that take no ownership - sit in
        reference cycles with the panels, so the garbage collector deleted them on whichever
        thread it ran in, often a later explorer's simulation worker: a widget destroyed on the
        wrong thread leaves its timers registered on the GUI thread with a dangling object (the
        segfault in ``QTimerInfoList::activateTimers`` during event processing after a closed
        explorer, seen under gdb). Here they all become Qt's; the signals that
        call into Python are disconnected; then (in :meth:`shutdown`) the window itself is given
        to Qt and deleted on the GUI thread at the next turn of the event loop.
        """
        for dock in self.docks.values():
            try:
                dock.visibilityChanged.disconnect()
            except TypeError:
                pass
        # pyqtgraph's context menus are parentless widgets owned by Python, in reference cycles with
        # their plots: the garbage collector would delete them on whichever thread it runs in
        for view in self.findChildren(pg.GraphicsView):
            for item in view.scene().items() if view.scene() is not None else []:
                for name in ("menu", "ctrlMenu", "ctrlWidget"):
                    widget = vars(item).get(name) if hasattr(item, "__dict__") else None
                    if isinstance(widget, QtWidgets.QWidget) and not sip.isdeleted(widget) and sip.ispyowned(widget):
                        sip.transferto(widget, None)
                        widget.deleteLater()
        # the window's own widgets that Python still owns (placed by layouts that take no ownership)
        # go with the window, on the GUI thread, not with their Python objects
        for widget in self.findChildren(QtWidgets.QWidget):
            if sip.ispyowned(widget):
                sip.transferto(widget, self)
        for signal in (self.worker.progress, self.worker.finished, self.worker.failed):
            try:
                signal.disconnect()
            except TypeError:
                pass

    def fit_to_screen(self, available: QtCore.QRect | None = None) -> None:
        """Shrink and move the window so that it, title bar and frame included, lies in ``available``.

        ``available`` defaults to the available geometry (without panels and docks of the desktop)
        of the screen the window is on. Done when the window is first shown: the default size
        (1600 x 1000) or a restored one never overflows a smaller screen. The panels keep the
        default layout's proportions. The window never gets smaller than its minimum size.
        """
        if available is None:
            screen = self.screen() if hasattr(self, "screen") else QtGui.QGuiApplication.primaryScreen()
            if screen is None:
                return
            available = screen.availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        # decorations: measured once shown; before that a typical title bar and border
        extra_w = frame.width() - inner.width() if self.isVisible() else 8
        extra_h = frame.height() - inner.height() if self.isVisible() else 38
        width = max(min(self.width(), available.width() - extra_w), self.minimumSizeHint().width())
        height = max(min(self.height(), available.height() - extra_h), self.minimumSizeHint().height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self.apply_default_layout()
        x = min(max(frame.x(), available.x()), available.x() + max(0, available.width() - width - extra_w))
        y = min(max(frame.y(), available.y()), available.y() + max(0, available.height() - height - extra_h))
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            if QtGui.QGuiApplication.platformName() != "offscreen":  # no real screen to fit there
                self.fit_to_screen()

    def close(self) -> bool:
        """Close the window (see :meth:`shutdown`); True. Also callable again once Qt has deleted it."""
        if sip.isdeleted(self):
            return True
        return super().close()

    def isVisible(self) -> bool:  # noqa: N802 - Qt's name; False once the window is deleted
        return not sip.isdeleted(self) and super().isVisible()

    def deleteLater(self) -> None:  # noqa: N802 - Qt's name; a no-op once the window is deleted
        if not sip.isdeleted(self):
            super().deleteLater()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        event.accept()


def _stop_worker(worker: SimulationWorker, thread: QtCore.QThread) -> None:
    """Stop a worker's loop and its thread (idempotent; also run at interpreter exit)."""
    worker.shutdown()
    thread.quit()
    thread.wait(10_000)


def with_filter_suffix(path: str, filt: str) -> str:
    """``path`` with the first extension of a file-dialog filter (``'PNG (*.png)'``) if it has none."""
    if Path(path).suffix:
        return path
    for pattern in filt[filt.find("(") + 1: filt.rfind(")")].split():
        if pattern.startswith("*.") and pattern[2:].isalnum():
            return path + pattern[1:]
    return path


def event_loop_running() -> bool:
    """Whether a Qt event loop already runs here: a Qt program's, or IPython's ``%gui qt`` hook."""
    if QtCore.QThread.currentThread().loopLevel() > 0:
        return True
    import sys

    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    return bool(shell is not None and str(getattr(shell, "active_eventloop", "") or "").startswith("qt"))


def wait_closed(window: Explorer) -> None:
    """Run a Qt event loop until ``window`` has shut down (the window's own loop, not the application's).

    A local ``QEventLoop`` does not emit ``aboutToQuit`` (which would shut other explorers down) and
    does not depend on the last window closing. Qt refuses a local loop after ``QApplication.quit()``
    until ``exec_()`` runs again; then the application's loop runs, ended by this window's closing.
    """
    if window._closed:
        return
    loop = QtCore.QEventLoop()
    window.closed.connect(loop.quit)
    try:
        refused = loop.exec_() == -1
    finally:
        window.closed.disconnect(loop.quit)
    if refused and not window._closed:
        app = QtWidgets.QApplication.instance()
        window.closed.connect(app.quit)
        try:
            app.exec_()
        finally:
            window.closed.disconnect(app.quit)


def explore(net: Network, block: bool = True, **kwargs: Any) -> Explorer:
    """Open an :class:`Explorer` on ``net`` and return it.

    Creates a QApplication only if none exists. With ``block`` (default) and no Qt event loop
    running, it runs the event loop until this window is closed and then returns (the process
    keeps running), every time it is called: a script that explores two networks one after the
    other sees both windows. Inside a running event loop (IPython ``%gui qt``, another Qt
    program) it returns at once and the window stays open. A closed explorer's Qt side is deleted
    at the next turn of the event loop (see :meth:`Explorer.shutdown`); its Python attributes
    (``net``, ``messages``, the panels' exported data) stay readable.
    """
    app, _ = ensure_app()
    window = Explorer(net, **kwargs)
    window.show()
    if block and not event_loop_running():
        wait_closed(window)
    return window
