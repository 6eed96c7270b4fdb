"""Event timeline: every change the explorer makes, as a table and on a time line."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .._qt import QtWidgets, pg
from .base import Panel, style_plot

KIND_ORDER = ["run", "pause", "speed", "step", "fast-forward", "reset", "parameter", "enable", "disable",
              "stimulus", "console", "error"]
KIND_COLOURS = {"fast-forward": "#ff7f0e", "parameter": "#1f77b4", "enable": "#2ca02c", "disable": "#7f7f7f",
                "stimulus": "#9467bd", "reset": "#d62728", "error": "#d62728", "console": "#8c564b"}


class EventsPanel(Panel):
    """The explorer's event log: a table (newest last) above a time line of the events (ms).

    Rows are added as events happen (parameter edits, enable/disable, stimulus changes, resets,
    fast-forwards, console commands, run/pause). Export with "Export > event log (CSV)".
    """

    title = "Events"
    area = "bottom"

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QHBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.table = QtWidgets.QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["t (ms)", "step", "kind", "target", "change"])
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((55, 45, 95, 150)):
            self.table.setColumnWidth(col, width)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        lay.addWidget(self.table, 5)
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot = style_plot(self.plot_widget.getPlotItem(), "time (ms)", None)
        self.plot.hideButtons()
        self.plot.getAxis("left").setTicks([[]])
        self.plot.setYRange(-0.5, len(KIND_ORDER) - 0.5, padding=0)
        self.scatter = pg.ScatterPlotItem(size=9, pen=None)
        self.plot.addItem(self.scatter)
        lay.addWidget(self.plot_widget, 3)
        self.explorer.event_log.added.connect(self.add)
        for event in self.explorer.event_log:
            self.add(event)
        return box

    def add(self, event) -> None:
        """Show one event (connected to the log's ``added`` signal)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate([f"{event.t:.6g}", str(event.iteration), event.kind, event.target, event.text]):
            item = QtWidgets.QTableWidgetItem(text)
            item.setToolTip(time.strftime("%H:%M:%S", time.localtime(event.wall)) + f"  {event.text}")
            self.table.setItem(row, col, item)
        if row < 50:
            for col in (0, 1, 2):
                self.table.resizeColumnToContents(col)
        self.table.scrollToBottom()
        self._redraw()

    def timeline_events(self) -> list:
        """The events the time line shows: those since the last reset (the reset included).

        Simulated time starts again at a reset, so earlier events would sit among the new ones;
        the table keeps them all.
        """
        events = list(self.explorer.event_log)
        resets = [k for k, e in enumerate(events) if e.kind == "reset"]
        return events[resets[-1]:] if resets else events

    def _redraw(self) -> None:
        events = self.timeline_events()
        if not events:
            self.scatter.setData([])
            return
        x = np.array([e.t for e in events])
        y = np.array([KIND_ORDER.index(e.kind) if e.kind in KIND_ORDER else len(KIND_ORDER) - 1 for e in events],
                     dtype=float)
        brushes = [pg.mkBrush(KIND_COLOURS.get(e.kind, "#333333")) for e in events]
        present = sorted({int(v) for v in y})
        self.plot.getAxis("left").setTicks([[(k, KIND_ORDER[k]) for k in present]])
        self.scatter.setData(x=x, y=y, brush=brushes, data=[f"{e.kind}: {e.target} {e.text}" for e in events])
        self.scatter.setToolTip(None)

    def rows(self) -> list[list[str]]:
        """The table's text, row by row (for tests and export)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def export_data(self) -> dict[str, Any]:
        events = list(self.explorer.event_log)
        return {"events.t": np.array([e.t for e in events]), "events.iteration": np.array([e.iteration for e in events])}
