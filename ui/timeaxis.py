"""The time axis shared by every time-based plot: one window length, linked x ranges, in ms."""

from __future__ import annotations

from ._qt import QtCore, pg, pyqtSignal


class TimeAxis(QtCore.QObject):
    """Links the x axes of time plots and scrolls them with the simulation.

    Parameters
    ----------
    window_ms : float
        Length of the visible window in ms.
    max_window_ms : float
        Longest window the recordings can fill.
    """

    window_changed = pyqtSignal(float)

    def __init__(self, window_ms: float, max_window_ms: float, parent=None) -> None:
        super().__init__(parent)
        self.max_window_ms = float(max_window_ms)
        self.window_ms = min(float(window_ms), self.max_window_ms)
        self.follow = True
        self.plots: list[pg.PlotItem] = []

    def link(self, plot: pg.PlotItem) -> None:
        """Make ``plot`` share the time axis."""
        if self.plots:
            plot.setXLink(self.plots[0])
        self.plots.append(plot)

    def unlink_all(self) -> None:
        """Forget the linked plots."""
        self.plots.clear()

    def set_window(self, window_ms: float) -> None:
        """Change the window length (ms), at most ``max_window_ms``."""
        self.window_ms = max(1e-9, min(float(window_ms), self.max_window_ms))
        self.window_changed.emit(self.window_ms)

    def show(self, t_now: float) -> None:
        """Scroll the linked plots to end at ``t_now`` (when following).

        Each plot is given the range itself with the links blocked meanwhile: through the links
        every plot would be set once per linked plot (pyqtgraph relays each change, and aligns
        plots in different widgets by their screen position).
        """
        if not (self.follow and self.plots):
            return
        start = max(0.0, t_now - self.window_ms)
        end = max(start + self.window_ms, t_now)
        for plot in self.plots:
            plot.getViewBox().blockLink(True)
        live = []
        try:
            for plot in self.plots:
                try:
                    plot.setXRange(start, end, padding=0)
                    live.append(plot)
                except RuntimeError:  # a plot whose widget was deleted (a rebuilt panel)
                    continue
        finally:
            for plot in self.plots:
                plot.getViewBox().blockLink(False)
        self.plots = live
