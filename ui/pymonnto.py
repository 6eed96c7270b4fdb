"""PymoNNto's ``Network_UI`` on pymonn's explorer: the panels for its modules and the adapter its tabs talk to.

:func:`build_explorer` turns a :class:`pymonn.compat.network_ui.Network_UI` into an
:class:`~pymonn.ui.Explorer`:

* each PymoNNto module description becomes the pymonn panel it names (modules naming the same
  panel share one; :func:`plan`), showing exactly the variables the script named: the neuron
  variables in the traces and grid menus, the first one holding spikes in the raster, statistics
  and spectrum (:func:`find_spike_variable`), the synapse variables in the weights panel;
* each :class:`~pymonn.compat.network_ui.TabBase` becomes a :class:`TabModulePanel`, a dock of
  its own; the object its methods receive as ``Network_UI`` is a :class:`TabHost`.

:func:`show` opens the window, starts the simulation and, when no Qt event loop runs, blocks
until the window is closed (it never exits the process).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from pymonn.compat.network_ui import UIModule
from pymonn.errors import ConfigurationError, ConfigurationTypeError

from . import _qt
from ._qt import QtCore, QtWidgets, pg
from .explorer import Explorer
from .panels import (
    ConsolePanel,
    EventsPanel,
    GridPanel,
    InspectorPanel,
    LogPanel,
    RasterPanel,
    SpectrumPanel,
    StatisticsPanel,
    TracesPanel,
    WeightsPanel,
)
from .panels.base import Panel, style_plot
from .panels.grid import ACTIVITY
from .panels.traces import traceable
from .recording import Need

__all__ = ["build_explorer", "show", "plan", "find_spike_variable", "holds_spikes", "TabHost", "TabModulePanel",
           "TabPage", "TabPlot", "CurveList", "PANEL_CLASSES"]

#: The panels PymoNNto's module descriptions map to, by class name (``UIModule.panel``).
PANEL_CLASSES = {cls.__name__: cls for cls in (GridPanel, TracesPanel, RasterPanel, StatisticsPanel, SpectrumPanel,
                                               WeightsPanel, InspectorPanel, ConsolePanel, EventsPanel)}

#: A float (or int) per-neuron variable holds spikes when all its values are 0 or 1 and its name
#: contains one of these (a bool array always does).
SPIKE_WORDS = ("spike", "fire", "output")

#: PymoNNto's curve colours (``Add_plot_curve``), RGB.
DEFAULT_COLOURS = [(0, 0, 0), (255, 0, 0), (0, 0, 255), (0, 250, 150), (255, 0, 255)]


# -- which variables the panels show ---------------------------------------------------------------
def holds_spikes(group, name: str) -> bool:
    """Whether ``group.name`` holds one step's spikes: a bool array, or 0/1 numbers named like spikes."""
    value = vars(group).get(name)
    if not isinstance(value, np.ndarray) or value.shape != (group.size,):
        return False
    if value.dtype.kind == "b":
        return True
    if value.dtype.kind in "iuf" and any(w in name.lower() for w in SPIKE_WORDS):
        return bool(np.all((value == 0) | (value == 1)))
    return False


def find_spike_variable(groups: list, names: list[str]) -> str | None:
    """The first of ``names`` that holds spikes (:func:`holds_spikes`) on one of ``groups``, else None."""
    return next((n for n in names if any(holds_spikes(g, n) for g in groups)), None)


def _per_neuron(groups: list, name: str) -> bool:
    return any(isinstance(vars(g).get(name), np.ndarray) and np.shape(vars(g)[name]) == (g.size,) for g in groups)


def plan(ui) -> tuple[list, str | None, list[str]]:
    """The panel factories for ``ui``'s modules (in their order), the spike variable, and notes for the log.

    Descriptions naming the same pymonn panel share one panel, placed where the first of them
    is. TabBase modules get a :class:`TabModulePanel` each (without their host: see
    :func:`build_explorer`, which replaces the ``None`` placeholders).
    """
    groups = ui.groups
    described = [m for m in ui.modules if isinstance(m, UIModule)]
    neuron_names: list[str] = []
    synapse_names: list[str] = []
    for m in described:
        neuron_names += [n for n in m.neuron_variables if n not in neuron_names]
        synapse_names += [n for n in m.synapse_variables if n not in synapse_names]
    spike = find_spike_variable(groups, neuron_names)
    fallback = bool(neuron_names) and not any(hasattr(g, n) for g in groups for n in neuron_names)
    if fallback and spike is None:  # none of the names exists (PymoNNto's default 'output'): pymonn's choices
        spike = find_spike_variable(groups, ["fired"])
    notes = [(f"{type(m).__name__}: {m.panel} of {spike!r}" if spike else f"{type(m).__name__}: left out (no spikes)")
             if m.needs_spikes else m.describe() for m in described]
    missing = [n for n in neuron_names if not any(hasattr(g, n) for g in groups)]
    if missing:
        notes.append(f"no shown neuron group has {', '.join(map(repr, missing))}: not shown")
    if fallback:
        notes.append("none of the named neuron variables exists: the panels offer what the groups have")
    if spike is None and any(m.needs_spikes for m in described):
        notes.append(f"none of {neuron_names} holds spikes (a bool array, or 0/1 named like {SPIKE_WORDS}): "
                     "the raster, statistics and spectrum panels are left out")
    elif spike is not None:
        notes.append(f"spikes: {spike!r}")
    traced = [n for n in neuron_names if any(traceable(g, n) for g in groups)]
    gridded = [n for n in neuron_names if _per_neuron(groups, n)]
    first_grid = next((n for m in described if m.panel == "GridPanel" for n in m.neuron_variables), None)
    options: dict[str, dict] = {
        "GridPanel": {"variable": first_grid if first_grid in gridded and first_grid != spike else ACTIVITY,
                      "variables": None if fallback else gridded},
        "TracesPanel": {"variables": None if fallback else traced,
                        "variable": next((n for n in traced if n != spike and _float_somewhere(groups, n)),
                                         traced[0] if traced else None)},
        "WeightsPanel": {"variables": synapse_names, "transmitters": list(ui.transmitters) or None},
    }
    factories: list = []
    placed: set[str] = set()
    for m in ui.modules:
        if not isinstance(m, UIModule):
            factories.append((m, None))
            continue
        if m.panel is None or m.panel in placed or (m.needs_spikes and spike is None):
            continue
        placed.add(m.panel)
        factories.append((m, partial(PANEL_CLASSES[m.panel], **options.get(m.panel, {}))))
    factories.append((None, LogPanel))
    return factories, spike, notes


def _float_somewhere(groups: list, name: str) -> bool:
    return any(np.asarray(vars(g).get(name, False)).dtype.kind in "iuf" for g in groups if hasattr(g, name))


def build_explorer(ui) -> Explorer:
    """An explorer window for a :class:`~pymonn.compat.network_ui.Network_UI` (not shown yet)."""
    _qt.ensure_app()
    planned, spike, notes = plan(ui)
    host = TabHost(ui)
    factories = [partial(TabModulePanel, module=m, host=host) if f is None else f for m, f in planned]
    window = Explorer(ui.network, panels=factories, title=ui.title, groups=ui.groups,
                      spike_variable=spike or "fired")
    host.explorer = window
    window.pymonnto_host = host
    window.log_message("PymoNNto modules:\n  " + "\n  ".join(notes + [
        f"{type(m).__name__}: its own panel {getattr(m, 'title', '')!r}" for m in ui.tabs]))
    return window


def show(ui) -> None:
    """Show ``ui``'s window and run the simulation; block until it is closed unless a Qt event loop runs."""
    app, _ = _qt.ensure_app()
    window = ui.explorer
    window.show()
    window.run()
    # our own application and no event loop running yet: run one until the window is closed
    if app is _qt._APP and QtCore.QThread.currentThread().loopLevel() == 0:
        app.exec_()


# -- what a TabBase tab builds ------------------------------------------------------------------------
class CurveList(list):
    """The curves ``Add_plot_curve`` / ``add_curves`` return.

    PymoNNto 3.0.6 returns a list; its documentation (and older versions) use the return value
    as the curve itself (``my_curve.setData(x, y)``). With one curve this list passes attribute
    access on to it, so both spellings work; with several, pick one (``curves[0].setData``).
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if len(self) == 1:
            return getattr(self[0], name)
        raise AttributeError(f"these are {len(self)} curves, not one: use curves[i].{name}(...)")


class TabPlot(pg.PlotItem):
    """A plot in a tab, with PymoNNto's helpers (``add_curves``, ``add_image``, ``add_text``)."""

    def add_curves(self, number_of_curves: int = 1, colors: Any = None, lines: Any = (), names: Any = ("",),
                   legend: bool = False, return_list: bool = False) -> list:
        """Add ``number_of_curves`` empty curves (and a horizontal line at each of ``lines``)."""
        colours = list(colors) if colors else DEFAULT_COLOURS
        names = list(names) or [""]
        for y in lines:
            self.addLine(y=y, pen=(50, 50, 50, 255))
        if legend:
            self.addLegend()
        curves = CurveList() if not return_list else []
        for k in range(int(number_of_curves)):
            curve = pg.PlotCurveItem([], name=names[k % len(names)] or None, pen=colours[k % len(colours)])
            self.addItem(curve)
            curves.append(curve)
        return curves

    def add_image(self, no_border: bool = True) -> pg.ImageItem:
        """An image filling the plot (axes hidden)."""
        if no_border and getattr(self, "_layout_widget", None) is not None:
            self._layout_widget.ci.layout.setContentsMargins(0, 0, 0, 0)
            self._layout_widget.ci.layout.setSpacing(0)
        self.hideAxis("left")
        self.hideAxis("bottom")
        image = pg.ImageItem()
        self.addItem(image)
        return image

    def add_text(self, txt: str) -> pg.TextItem:
        """A text item in the plot."""
        item = pg.TextItem(txt)
        self.addItem(item)
        return item


class TabPage(QtWidgets.QWidget):
    """One tab's page: rows (and columns) of widgets, as PymoNNto's tab layout builds them.

    ``add_row`` starts a new row, ``add_column`` a column in the current row, ``add_widget`` and
    ``add_plot`` fill the current one; ``set_parent_layout`` goes back up one level.
    """

    def __init__(self, title: str, reduced_layout: bool = False) -> None:
        super().__init__()
        self.title = title
        self.setWindowTitle(title)
        self.reduced_layout = reduced_layout
        self.current_layout = QtWidgets.QVBoxLayout(self)
        self.current_layout.setContentsMargins(2, 2, 2, 2)
        self._parents: dict[int, QtWidgets.QLayout] = {}
        self.plots: list[TabPlot] = []

    def isVisible(self) -> bool:  # noqa: N802 (Qt's name)
        """On screen: shown and not behind another dock's tab (what PymoNNto tabs ask before drawing).

        A dock tabified behind another stays "visible" to Qt with an empty visible region.
        """
        return super().isVisible() and not self.visibleRegion().isEmpty()

    def get_layout(self) -> QtWidgets.QLayout:
        return self.current_layout

    def set_layout(self, layout: QtWidgets.QLayout) -> None:
        self.current_layout = layout

    def set_parent_layout(self, root: bool = False) -> None:
        """Continue in the layout holding the current one (with ``root``: in the page's own layout)."""
        parent = self._parents.get(id(self.current_layout))
        while parent is not None:
            self.current_layout = parent
            if not root:
                return
            parent = self._parents.get(id(self.current_layout))

    def _nest(self, layout: QtWidgets.QLayout, stretch: int, add_to_parent: bool) -> QtWidgets.QLayout:
        if add_to_parent:
            self.set_parent_layout()
        self.current_layout.addLayout(layout, stretch=int(stretch))
        self._parents[id(layout)] = self.current_layout
        self.current_layout = layout
        return layout

    def add_row(self, stretch: int = 100, add_to_parent: bool = True) -> QtWidgets.QHBoxLayout:
        """Start a new row of widgets."""
        return self._nest(QtWidgets.QHBoxLayout(), stretch, add_to_parent)

    def add_column(self, stretch: int = 100, add_to_parent: bool = True) -> QtWidgets.QVBoxLayout:
        """Start a new column in the current row."""
        return self._nest(QtWidgets.QVBoxLayout(), stretch, add_to_parent)

    def add_widget(self, widget: Any, stretch: int = 100, sidebar: bool = False) -> Any:
        """Add a Qt widget (or a list of them) to the current row."""
        for w in widget if isinstance(widget, list) else [widget]:
            if not isinstance(w, QtWidgets.QWidget):
                raise ConfigurationTypeError(f"tab {self.title!r}: add_widget needs a Qt widget, got {type(w).__name__}")
            self.current_layout.addWidget(w, stretch=int(stretch))
        return widget

    def add_graphics_layout_widget(self, tooltip_message: str | None = None, stretch: int = 100):
        """A white pyqtgraph GraphicsLayoutWidget in the current row."""
        widget = pg.GraphicsLayoutWidget()
        widget.setBackground((255, 255, 255))
        if tooltip_message is not None:
            widget.setToolTip(tooltip_message)
        self.add_widget(widget, stretch=stretch)
        return widget

    def add_plot(self, title: str | None = None, tooltip_message: str | None = None, axisItems: Any = None,  # noqa: N803
                 x_label: str | None = None, y_label: str | None = None, stretch: int = 100) -> TabPlot:
        """A plot in the current row (axis labels unless the UI has ``reduced_layout``)."""
        widget = self.add_graphics_layout_widget(tooltip_message=tooltip_message, stretch=stretch)
        plot = TabPlot(axisItems=axisItems)
        widget.addItem(plot, row=0, col=0)
        plot._layout_widget = widget
        style_plot(plot, None if self.reduced_layout else x_label, None if self.reduced_layout else y_label)
        if title is not None:
            plot.setTitle(title, color="#222222")
        self.plots.append(plot)
        return plot


# -- the object a tab receives as ``Network_UI`` -----------------------------------------------------
class TabHost:
    """What PymoNNto tabs call on ``Network_UI``, served by the explorer.

    Attributes
    ----------
    network : Network
    group_display_count : int
    group_tags, transmitters : list of str
    storage_manager, reduced_layout
        As given to ``Network_UI``.
    neuron_select_color : tuple
        PymoNNto's selection colour (green).
    tab : TabPage
        The page that ``Add_plot_curve``, ``Add_plot`` and ``Add_element`` fill (the last
        ``Next_Tab``).
    explorer : Explorer
    """

    neuron_select_color = (0, 255, 0, 255)

    def __init__(self, ui) -> None:
        self.ui = ui
        self.network = ui.network
        self.group_display_count = ui.group_display_count
        self.group_tags = [g.tags[0] for g in ui.groups]
        self.transmitters = list(ui.transmitters) or [sg.tags[0] for sg in ui.network.SynapseGroups]
        self.storage_manager = ui.storage_manager
        self.reduced_layout = ui.reduced_layout
        self.explorer: Explorer | None = None
        self.tab: TabPage | None = None
        self._panel: TabModulePanel | None = None

    # -- recording ------------------------------------------------------------------------------
    def add_recording_variable(self, group, var: str, timesteps: int) -> bool:
        """Record ``var`` of ``group`` (with ``'iteration'`` alongside) in the explorer's ring buffers.

        Read it as PymoNNto tabs do: ``network[var, 0, 'np'][-timesteps:]`` and
        ``network['iteration', 0, 'np'][-timesteps:]`` (the same ring, so the two match). The ring
        keeps at least ``timesteps`` steps when this call starts recording on ``group`` (at least
        the explorer's buffer, 2000 steps, in any case). Returns False (and logs why) when ``var``
        cannot be recorded.
        """
        if not any(group is g for g in self.network.NeuronGroups):
            raise ConfigurationError(f"add_recording_variable: {group!r} is not a neuron group of "
                                     f"{self.network.describe()}")
        if not isinstance(var, str) or not var:
            raise ConfigurationTypeError(f"add_recording_variable: var must be a recorder expression, got {var!r}")
        if isinstance(timesteps, bool) or not isinstance(timesteps, (int, np.integer)) or timesteps < 1:
            raise ConfigurationError(f"add_recording_variable: timesteps must be a positive int, got {timesteps!r}")
        if self.explorer is None:
            raise ConfigurationError("add_recording_variable: the window is not built yet")
        needs = [Need(group, var, steps=int(timesteps)), Need(group, "iteration", steps=int(timesteps))]
        if self._panel is not None:  # kept by the panel, so the explorer keeps recording them
            self._panel.recording += needs
        self.explorer.ensure_recording(needs)
        if all(self.explorer.recordings.has_trace(n.group, n.expression) for n in needs):
            return True
        self.explorer.log_message(f"add_recording_variable: {var!r} cannot be recorded on {group.describe()}")
        return False

    # -- tabs and plots -------------------------------------------------------------------------
    def _current_panel(self, what: str) -> TabModulePanel:
        if self._panel is None:
            raise ConfigurationError(f"Network_UI.{what}: call it from the tab's initialize(Network_UI)")
        return self._panel

    def add_tab(self, title: str = "", stretch: int = 100) -> TabPage:
        """A new page for the current tab module; later plots and widgets go there."""
        panel = self._current_panel("add_tab")
        page = TabPage(str(title) or panel.title, self.reduced_layout)
        panel.pages.append(page)
        self.tab = page
        page.add_row(stretch=stretch)
        return page

    def Next_Tab(self, title: str = "", stretch: int = 100, create_h_block: bool = True) -> TabPage:  # noqa: N802
        """PymoNNto's older name of :meth:`add_tab`."""
        return self.add_tab(title, stretch)

    def _page(self, what: str) -> TabPage:
        self._current_panel(what)
        if self.tab is None:
            raise ConfigurationError(f"Network_UI.{what}: call Network_UI.Next_Tab(title) first")
        return self.tab

    def Next_H_Block(self, stretch: int = 100) -> Any:  # noqa: N802
        """Start a new row in the current page."""
        return self._page("Next_H_Block").add_row(stretch=stretch)

    def Add_element(self, elem: Any, sidebar: bool = False, stretch: int = 1) -> Any:  # noqa: N802
        """Add a Qt widget to the current row of the current page."""
        if sidebar:
            raise ConfigurationError(self._no_sidebar())
        return self._page("Add_element").add_widget(elem, stretch=stretch)

    def Add_plot(self, title: str | None = None, stretch: int = 1, axisItems: Any = None, x_label: str | None = None,  # noqa: N802, N803
                 y_label: str | None = None, always_show_axis_labels: bool = False,
                 tooltip_message: str | None = None, sidebar: bool = False) -> TabPlot:
        """A plot in the current row of the current page."""
        page = self._page("Add_plot")
        return page.add_plot(title=title, stretch=stretch, axisItems=axisItems, x_label=x_label, y_label=y_label,
                             tooltip_message=tooltip_message)

    def Add_plot_curve(self, title: str | None = None, return_plot: bool = False, sidebar: bool = False,  # noqa: N802
                       stretch: int = 1, number_of_curves: int = 1, colors: Any = None, lines: Any = (),
                       names: Any = ("",), legend: bool = False, x_label: str | None = None,
                       y_label: str | None = None, return_list: bool = False, always_show_axis_labels: bool = False,
                       tooltip_message: str | None = None) -> Any:
        """A plot with ``number_of_curves`` curves (a :class:`CurveList`); ``(curves, plot)`` with ``return_plot``."""
        plot = self.Add_plot(title=title, stretch=stretch, x_label=x_label, y_label=y_label,
                             tooltip_message=tooltip_message)
        curves = plot.add_curves(number_of_curves=number_of_curves, colors=colors, lines=lines, names=names,
                                 legend=legend, return_list=return_list)
        return (curves, plot) if return_plot else curves

    def Add_Image_Item(self, return_plot: bool = False, sidebar: bool = False, stretch: int = 1,  # noqa: N802
                       title: str | None = None, tooltip_message: str | None = None) -> Any:
        """An image item filling a new plot; ``(image, plot)`` with ``return_plot``."""
        plot = self.Add_plot(title=title, stretch=stretch, tooltip_message=tooltip_message)
        image = plot.add_image()
        return (image, plot) if return_plot else image

    @staticmethod
    def _no_sidebar() -> str:
        return ("PymoNNto's sidebar has no counterpart in pymonn's explorer: put the widget on a page "
                "(Network_UI.Next_Tab(title), then Network_UI.Add_element(widget))")

    @property
    def sidebar(self) -> Any:
        """Not available: pymonn's explorer has docks instead of PymoNNto's sidebar."""
        raise AttributeError(self._no_sidebar())

    @property
    def main_window(self) -> Explorer | None:
        """The explorer window."""
        return self.explorer

    # -- selection ------------------------------------------------------------------------------
    def _selection(self):
        if self.explorer is None:
            raise ConfigurationError("Network_UI: the window is not built yet")
        return self.explorer.selection

    def selected_neuron_group(self):
        """The group of the selected neurons."""
        return self._selection().group

    def selected_neuron_tag(self) -> str:
        """The first tag of the selected group."""
        return self._selection().group.tags[0]

    def selected_neuron_ids(self) -> np.ndarray:
        """Indices of the selected neurons (sorted)."""
        return self._selection().indices.copy()

    def selected_neuron_id(self) -> int:
        """The first selected neuron (0 when none is)."""
        first = self._selection().first
        return 0 if first is None else first

    def selected_neuron_mask(self) -> np.ndarray:
        """A bool per neuron of the selected group: selected or not."""
        sel = self._selection()
        mask = np.zeros(sel.group.size, dtype=bool)
        mask[sel.indices] = True
        return mask

    def select_neurons(self, group, mask: Any, add_to_select_group: bool = False) -> None:
        """Select the neurons of ``group`` given by a bool mask or indices (added with ``add_to_select_group``)."""
        idx = np.asarray(mask)
        idx = np.flatnonzero(idx) if idx.dtype == bool else idx.astype(np.int64).ravel()
        sel = self._selection()
        if add_to_select_group and sel.group is group:
            sel.add(idx, source=self)
        else:
            sel.set(group, idx, source=self)

    def select_neuron(self, group, id: int, add_to_select_group: bool = False) -> None:  # noqa: A002 (PymoNNto's name)
        """Select one neuron of ``group``."""
        self.select_neurons(group, [int(id)], add_to_select_group)

    def get_visible_neuron_groups(self) -> list:
        """The neuron groups the window shows."""
        return list(self.ui.groups)

    # -- simulation -----------------------------------------------------------------------------
    @property
    def pause(self) -> bool:
        """Whether the simulation is paused (set it to pause or run, as PymoNNto's ``Network_UI.pause``)."""
        return self.explorer is None or not self.explorer.running

    @pause.setter
    def pause(self, value: bool) -> None:
        if self.explorer is None:
            return
        if value:
            self.explorer.pause()
        else:
            self.explorer.run()

    @property
    def it(self) -> int:
        """The network's iteration."""
        return self.network.iteration

    def static_update_func(self, event: Any = None) -> None:
        """Redraw at the next frame even when paused."""
        if self.explorer is not None:
            self.explorer.request_redraw()

    def add_event(self, tag: str, duration: int = 0) -> None:
        """Note an event in the explorer's event log (and as a line on the rasters)."""
        if self.explorer is not None:
            self.explorer.event_log.log("note", self.network.describe(), str(tag))


class TabModulePanel(Panel):
    """A dock for one PymoNNto :class:`~pymonn.compat.network_ui.TabBase` module.

    ``build`` calls the module's ``initialize(host)`` (its ``Next_Tab`` pages fill the dock; several
    pages become tabs inside it) and then ``add_recorder_variables(group, host)`` for every shown
    group; ``update`` calls ``update(host)`` in every frame drawn while the dock is on screen (the
    network is paused meanwhile, so the module may read it); a selection change calls
    ``on_selected_neuron_changed(host)``.
    """

    area = "center"

    def __init__(self, explorer, module: Any, host: TabHost, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.module = module
        self.host = host
        host.explorer = explorer
        self.title = str(getattr(module, "title", "") or type(module).__name__)
        self.name = f"tab:{type(module).__name__}"
        self.pages: list[TabPage] = []
        self.recording: list[Need] = []

    def needs(self) -> list[Need]:
        return list(self.recording)

    def build(self) -> QtWidgets.QWidget:
        host = self.host
        host._panel, host.tab = self, None
        try:
            self.module.initialize(host)
            for group in self.groups:
                self.module.add_recorder_variables(group, host)
        finally:
            host._panel, host.tab = None, None
        if len(self.pages) == 1:
            return self.pages[0]
        if not self.pages:
            label = QtWidgets.QLabel(f"{type(self.module).__name__} made no tab (it never called Next_Tab)")
            label.setAlignment(QtCore.Qt.AlignCenter)
            return label
        tabs = QtWidgets.QTabWidget()
        for page in self.pages:
            tabs.addTab(page, page.title)
        return tabs

    def update(self, data: Any) -> None:
        self.module.update(self.host)

    def on_selection(self, selection, source: Any = None) -> None:
        if self.widget is not None:
            self.module.on_selected_neuron_changed(self.host)
