"""Spike rasters per group with the population rate under each, x axes linked, in ms."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn import analysis

from .._qt import Qt, QtCore, QtGui, QtWidgets, pg
from .base import FrameView, IndexedImageItem, Need, Panel, group_colour, sticky_range, style_plot, window_trains


def raster_image(t: np.ndarray, i: np.ndarray, n_neurons: int, first: int, last: int, dt: float,
                 max_rows: int, max_cols: int) -> np.ndarray:
    """Spike counts on a (neuron rows, time columns) grid of at most ``max_rows`` x ``max_cols``.

    Steps ``first..last`` (inclusive) map onto the columns, neurons ``0..n-1`` onto the rows, each
    cell counting the spikes that fall in it; so no spike is lost however many neurons or steps
    share a pixel. Step ``k`` spans ``((k-1) dt, k dt]``, the image ``[(first-1) dt, last dt]``.
    """
    steps = max(1, last - first + 1)
    rows, cols = max(1, min(n_neurons, max_rows)), max(1, min(steps, max_cols))
    its = np.rint(np.asarray(t, dtype=np.float64) / dt).astype(np.int64)
    keep = (its >= first) & (its <= last)
    col = (its[keep] - first) * cols // steps
    row = np.asarray(i, dtype=np.int64)[keep] * rows // max(1, n_neurons)
    return np.bincount(row * cols + col, minlength=rows * cols).reshape(rows, cols)


class RasterPanel(Panel):
    """One raster per neuron group (time in ms against neuron index) and its population rate.

    The raster is drawn as an image at screen resolution (:func:`raster_image`): a pixel is
    coloured when at least one spike falls in it, which costs the same for ten spikes or a
    million. Spikes of the selected neurons are drawn over it as black ticks. Every event the
    explorer logs (edits, fast-forwards, resets) is marked as a dashed vertical line.

    Options
    -------
    rate_bin_ms : float
        Bin of the population rate (default 1 ms, rounded to whole steps): whole bins from the
        window's start, as :func:`pymonn.analysis.population_rate` counts them.
    """

    title = "Raster"
    area = "center"

    def __init__(self, explorer, rate_bin_ms: float = 1.0, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.rate_bin_ms = float(rate_bin_ms)
        self.rasters: dict[int, pg.PlotItem] = {}
        self.rate_plots: dict[int, pg.PlotItem] = {}
        self.images: dict[int, pg.ImageItem] = {}
        self.selected_curves: dict[int, pg.PlotCurveItem] = {}
        self.rate_curves: dict[int, pg.PlotCurveItem] = {}
        self.markers: list = []
        self.last: dict[str, np.ndarray] = {}
        self.frames: dict[int, dict] = {}

    def needs(self) -> list[Need]:
        return [Need(g, "fired", "events") for g in self.groups if hasattr(g, "fired")]

    def build(self) -> QtWidgets.QWidget:
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        groups = [g for g in self.groups if hasattr(g, "fired")]
        biggest = max([g.size for g in groups] or [1])
        row = 0
        for k, g in enumerate(groups):
            colour = group_colour(self.net, g)
            raster = self.glw.addPlot(row=row, col=0)
            style_plot(raster, None, "neuron")
            raster.setTitle(f"{g.tags[0]} ({g.size})", size="9pt", color=colour)
            raster.hideAxis("bottom")
            raster.setYRange(0, g.size, padding=0.01)
            raster.setMouseEnabled(x=True, y=False)
            raster.disableAutoRange()
            raster.hideButtons()
            image = IndexedImageItem(axisOrder="row-major")
            qc = QtGui.QColor(colour)
            image.setLookupTable(np.array([[255, 255, 255, 0], [qc.red(), qc.green(), qc.blue(), 255]], dtype=np.ubyte))
            raster.addItem(image)
            sel = pg.PlotCurveItem(pen=pg.mkPen("#000000", width=1), connect="pairs", skipFiniteCheck=True)
            raster.addItem(sel)
            rate = self.glw.addPlot(row=row + 1, col=0)
            style_plot(rate, "time (ms)" if k == len(groups) - 1 else None, "Hz")
            if k < len(groups) - 1:
                rate.hideAxis("bottom")
            rate.setMouseEnabled(x=True, y=False)
            rate.hideButtons()
            rate.disableAutoRange()
            rate_curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=1), skipFiniteCheck=True)
            rate.addItem(rate_curve)
            self.glw.ci.layout.setRowStretchFactor(row, max(2, int(round(5 * g.size / biggest))))
            self.glw.ci.layout.setRowStretchFactor(row + 1, 1)
            rate.getAxis("left").setStyle(maxTickLevel=0)
            rate.getAxis("left").setWidth(55)
            raster.getAxis("left").setWidth(55)
            self.explorer.time_axis.link(raster)
            self.explorer.time_axis.link(rate)
            self.rasters[id(g)], self.rate_plots[id(g)], self.images[id(g)] = raster, rate, image
            self.selected_curves[id(g)], self.rate_curves[id(g)] = sel, rate_curve
            row += 2
        self.explorer.event_log.added.connect(self._mark_event)
        return self.glw

    def _mark_event(self, event) -> None:
        for plot in self.rasters.values():
            line = pg.InfiniteLine(pos=event.t, angle=90, pen=pg.mkPen("#888888", width=1, style=Qt.DashLine))
            line.setToolTip(f"{event.kind}: {event.target} {event.text}")
            plot.addItem(line, ignoreBounds=True)
            self.markers.append((plot, line))
        while len(self.markers) > 200:
            plot, line = self.markers.pop(0)
            plot.removeItem(line)

    def collect(self, view: FrameView) -> dict:
        out = {}
        bin_ms = max(1, int(round(self.rate_bin_ms / view.dt))) * view.dt
        for g in self.groups:
            if id(g) not in self.images:
                continue
            trains = window_trains(view, g)
            rate_t, rate = analysis.population_rate(trains, bin_ms)
            out[id(g)] = (trains, rate_t, rate, view.iteration, view.window_steps)
        return out

    @staticmethod
    def _pairs(t: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.repeat(np.asarray(t, dtype=np.float64), 2)
        y = np.repeat(np.asarray(i, dtype=np.float64), 2) + 0.5
        y[0::2] -= 0.45
        y[1::2] += 0.45
        return x, y

    def update(self, data: dict) -> None:
        sel = self.selection
        for g in self.groups:
            if id(g) not in data:
                continue
            trains, rate_t, rate, iteration, window_steps = data[id(g)]
            t, i, dt = trains.t, trains.i, self.net.dt
            first, last = max(1, iteration - window_steps + 1), iteration
            vb = self.rasters[id(g)].getViewBox()
            max_cols = max(50, int(vb.width() * (last - first + 1) / max(window_steps, 1)))
            counts = raster_image(t, i, g.size, first, last, dt, max(50, int(vb.height())), max_cols)
            image = self.images[id(g)]
            image.setImage(np.minimum(counts, 1).astype(np.ubyte), autoLevels=False, levels=(0, 1))
            image.setRect(QtCore.QRectF((first - 1) * dt, 0.0, (last - first + 1) * dt, float(g.size)))
            self.frames[id(g)] = {"counts": counts, "first": first, "last": last, "t": t, "i": i}
            if sel.group is g and sel.indices.size and sel.indices.size < g.size:
                mask = np.isin(i, sel.indices)
                self.selected_curves[id(g)].setData(*self._pairs(t[mask], i[mask]))
            else:
                self.selected_curves[id(g)].setData(x=np.empty(0), y=np.empty(0))
            self.rate_curves[id(g)].setData(rate_t, rate)
            if rate.size:
                sticky_range(self.rate_plots[id(g)], 0.0, max(float(rate.max()), 1.0), floor_zero=True)
            name = g.tags[0]
            self.last.update({f"raster.{name}.t": t, f"raster.{name}.i": i, f"raster.{name}.image": counts,
                              f"rate.{name}.t": rate_t, f"rate.{name}.hz": rate})

    def spikes(self, group) -> tuple[np.ndarray, np.ndarray]:
        """The (t, i) of the spikes the raster of ``group`` shows now."""
        frame = self.frames.get(id(group))
        return (frame["t"], frame["i"]) if frame else (np.empty(0), np.empty(0, np.int64))

    def export_data(self) -> dict:
        return dict(self.last)
