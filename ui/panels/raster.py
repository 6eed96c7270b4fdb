"""Spike rasters per group with the population rate under each, x axes linked, in ms."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._qt import Qt, QtCore, QtGui, QtWidgets, pg
from .base import FastCurve, FrameView, IndexedImageItem, LeanAxisItem, LevelLine, Need, Panel, group_colour, style_plot


def _nice_step(value: float, up: bool = False) -> float:
    """A number 1, 2 or 5 x 10^k near ``value`` (the next one at or above it with ``up``)."""
    value = max(float(value), 1e-12)
    k = np.floor(np.log10(value))
    for m in (1.0, 2.0, 5.0, 10.0):
        if (m * 10 ** k >= value) if up else (m * 10 ** k >= value / 1.5):
            return float(m * 10 ** k)
    return float(10 ** (k + 1))


def raster_image(t: np.ndarray, i: np.ndarray, n_neurons: int, first: int, last: int, dt: float,
                 max_rows: int, max_cols: int) -> np.ndarray:
    """Spike counts on a (neuron rows, time columns) grid of at most ``max_rows`` x ``max_cols``.

    Steps ``first..last`` (inclusive) map onto the columns, neurons ``0..n-1`` onto the rows, each
    cell counting the spikes that fall in it; so no spike is lost however many neurons or steps
    share a pixel. Step ``k`` spans ``((k-1) dt, k dt]``, the image ``[(first-1) dt, last dt]``.
    """
    its = np.rint(np.asarray(t, dtype=np.float64) / dt).astype(np.int64)
    return raster_counts(its, i, n_neurons, first, last, max_rows, max_cols)


def raster_counts(its: np.ndarray, i: np.ndarray, n_neurons: int, first: int, last: int, max_rows: int,
                  max_cols: int) -> np.ndarray:
    """:func:`raster_image` from step numbers ``its`` instead of times."""
    flat, (rows, cols) = raster_cells(its, i, n_neurons, first, last, max_rows, max_cols)
    return np.bincount(flat, minlength=rows * cols).reshape(rows, cols)


def raster_cells(its: np.ndarray, i: np.ndarray, n_neurons: int, first: int, last: int, max_rows: int,
                 max_cols: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The flat cell index (``row * cols + col``) of every spike in the window, and (rows, cols)."""
    steps = max(1, last - first + 1)
    rows, cols = max(1, min(n_neurons, max_rows)), max(1, min(steps, max_cols))
    its = np.asarray(its, dtype=np.int64)
    keep = (its >= first) & (its <= last)
    col = (its[keep] - first) * cols // steps
    row = np.asarray(i, dtype=np.int64)[keep] * rows // max(1, n_neurons)
    return row * cols + col, (rows, cols)


class SpikeImageItem(IndexedImageItem):
    """The raster image: 1 where a cell holds a spike, drawn from a kept RGB32 buffer.

    ``.image`` is the binary image (as with ``setImage``); the pixels are not mapped from it
    each frame: the cells lit in the previous frame are cleared and the new ones lit in a
    buffer kept between frames (work per spike, not per pixel). Any other ``setImage`` call
    renders the usual way.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pixels: np.ndarray | None = None
        self._lit = np.empty(0, np.int64)
        self._binary: np.ndarray | None = None
        self._binary_lit = np.empty(0, np.int64)
        self._pixels_for: np.ndarray | None = None
        super().__init__(*args, **kwargs)

    def set_cells(self, cells: np.ndarray, shape: tuple[int, int]) -> None:
        """Show the spikes falling in the flat cells ``cells`` of a ``shape`` (rows, cols) grid.

        The binary image is kept between frames too (the previous frame's cells cleared, the new
        ones set): a fresh half-megabyte array per frame costs more than the spikes do.
        """
        binary = self._binary
        if binary is None or binary.size != shape[0] * shape[1]:
            binary = self._binary = np.zeros(shape[0] * shape[1], np.ubyte)
        else:
            binary[self._binary_lit] = 0
        binary[cells] = 1
        self._binary_lit = cells
        table = self._colour_table()
        if table is not None and self._opaque and len(table) >= 2:
            pixels = self._pixels
            if pixels is None or pixels.shape != shape:
                pixels = self._pixels = np.full(shape, table[0], dtype=np.uint32)
            else:
                pixels.reshape(-1)[self._lit] = table[0]
            pixels.reshape(-1)[cells] = table[1]
            self._lit = cells
        self.setImage(binary.reshape(shape), autoLevels=False, levels=(0, 1))
        self._pixels_for = self.image if table is not None and self._opaque else None

    def setLookupTable(self, lut: Any, update: bool = True) -> None:  # noqa: N802 (Qt naming)
        self._pixels = None
        self._pixels_for = None
        super().setLookupTable(lut, update)

    def render(self) -> None:
        if self._pixels is not None and self.image is not None and self.image is self._pixels_for:
            self.qimage = pg.functions.ndarray_to_qimage(self._pixels, QtGui.QImage.Format_RGB32)
            self._renderRequired = False
            self._unrenderable = False
            return
        super().render()


class _Frame(dict):
    """What one raster shows; ``'counts'`` (spikes per cell) is computed when first asked for."""

    def __missing__(self, key: str) -> Any:
        if key != "counts":
            raise KeyError(key)
        rows, cols = self["shape"]
        counts = np.bincount(self["cells"], minlength=rows * cols).reshape(rows, cols)
        self["counts"] = counts
        return counts


def population_rate_steps(its: np.ndarray, n_neurons: int, first: int, last: int, bin_steps: int,
                          dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Population rate (Hz) of spikes at steps ``its`` in whole bins of ``bin_steps`` from step ``first``.

    The same numbers as :func:`pymonn.analysis.population_rate` over ``((first-1) dt, last dt]``
    (step ``k`` at ``k dt``, right-closed bins; an incomplete last bin is left out), without
    building a spike-train object: returns (bin centres in ms, rate in Hz).
    """
    bin_steps = max(1, int(bin_steps))
    nbins = max(0, last - first + 1) // bin_steps
    j = (np.asarray(its, dtype=np.int64) - first) // bin_steps
    j = j[(j >= 0) & (j < nbins)]
    counts = np.bincount(j, minlength=nbins)[:nbins].astype(np.float64)
    bin_ms = bin_steps * dt
    rate = counts / (max(n_neurons, 1) * bin_ms * 1e-3)
    return (first - 1) * dt + (np.arange(nbins) + 0.5) * bin_ms, rate


class RasterPanel(Panel):
    """One raster per neuron group (time in ms against neuron index) with its population rate under it.

    The raster is drawn as an image at screen resolution (:func:`raster_image`): a pixel is
    coloured when at least one spike falls in it, which costs the same for ten spikes or a
    million. Spikes of the selected neurons are drawn over it as black ticks. Every event the
    explorer logs (edits, fast-forwards, resets) is marked as a dashed vertical line.

    The population rate is drawn in a band under the raster inside the same plot (one plot per
    group: each plot costs a frame its axes and view, so two per group would cost twice). The
    band's left axis is labelled in Hz; its scale moves in steps (1, 2, 5 x 10^k), only when the
    rate leaves it. The rate curve keeps its data in ms and Hz (``getData()``); the band is an
    item transform.

    Options
    -------
    rate_bin_ms : float
        Bin of the population rate (default 1 ms, rounded to whole steps): whole bins from the
        window's start, as :func:`pymonn.analysis.population_rate` counts them.
    rate_band : float
        Height of the rate band as a fraction of the group's size (default 0.35).
    """

    title = "Raster"
    area = "center"

    def __init__(self, explorer, rate_bin_ms: float = 1.0, rate_band: float = 0.35, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.rate_bin_ms = float(rate_bin_ms)
        self.rate_band = float(rate_band)
        self.rasters: dict[int, pg.PlotItem] = {}
        self.rate_plots: dict[int, pg.PlotItem] = {}  # the raster's own plot: the rate is drawn inside it
        self.images: dict[int, pg.ImageItem] = {}
        self.selected_curves: dict[int, pg.PlotCurveItem] = {}
        self.rate_curves: dict[int, pg.PlotCurveItem] = {}
        self.rate_tops: dict[int, float] = {}
        self.shades: dict[int, QtWidgets.QGraphicsRectItem] = {}
        self.markers: list = []
        self.last: dict[str, np.ndarray] = {}
        self.frames: dict[int, dict] = {}

    def needs(self) -> list[Need]:
        return self.spike_needs()

    def build(self) -> QtWidgets.QWidget:
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        groups = self.spiking_groups()
        biggest = max([g.size for g in groups] or [1])
        for k, g in enumerate(groups):
            colour = group_colour(self.net, g)
            last = k == len(groups) - 1
            axes = {"bottom": LeanAxisItem("bottom"), "left": LeanAxisItem("left")}
            raster = self.glw.addPlot(row=k, col=0, axisItems=axes)
            # the axis label names the raster's unit; the rate band under it carries its own, in its
            # tick ("20 Hz"): one label for both overlapped the ticks in a short panel
            style_plot(raster, "time (ms)" if last else None, "neuron")
            raster.setTitle(f"{g.tags[0]} ({g.size})", size="9pt", color=colour)
            if not last:
                raster.hideAxis("bottom")
            band = self.rate_band * g.size
            raster.setYRange(-band, g.size, padding=0.01)
            raster.setMouseEnabled(x=True, y=False)
            raster.disableAutoRange()
            raster.hideButtons()
            shade = QtWidgets.QGraphicsRectItem()  # the rate band's background, fitted to the view each frame
            shade.setPen(pg.mkPen(None))
            shade.setBrush(pg.mkBrush(242, 242, 242))
            raster.addItem(shade, ignoreBounds=True)
            self.shades[id(g)] = shade
            image = SpikeImageItem(axisOrder="row-major")
            qc = QtGui.QColor(colour)
            # opaque white under the spikes: an image without alpha is drawn by a plain copy
            image.setLookupTable(np.array([[255, 255, 255, 255], [qc.red(), qc.green(), qc.blue(), 255]], dtype=np.ubyte))
            raster.addItem(image)
            sel = FastCurve(pen=pg.mkPen("#000000", width=1), connect="pairs", skipFiniteCheck=True)
            raster.addItem(sel)
            rate_curve = FastCurve(pen=pg.mkPen(colour, width=1), skipFiniteCheck=True)
            raster.addItem(rate_curve)
            self.glw.ci.layout.setRowStretchFactor(k, max(2, int(round(6 * g.size / biggest))))
            raster.getAxis("left").setWidth(72)
            self.explorer.time_axis.link(raster)
            self.rasters[id(g)], self.rate_plots[id(g)], self.images[id(g)] = raster, raster, image
            self.selected_curves[id(g)], self.rate_curves[id(g)] = sel, rate_curve
            self._set_rate_scale(g, 10.0)
        self.explorer.event_log.added.connect(self._mark_event)
        return self.glw

    def _set_rate_scale(self, g, top: float) -> None:
        """Map 0..``top`` Hz onto the band under the raster and label the left axis."""
        self.rate_tops[id(g)] = top
        band = self.rate_band * g.size
        height = 0.75 * band
        self.rate_curves[id(g)].setTransform(QtGui.QTransform(1.0, 0.0, 0.0, height / top, 0.0, -band))
        half = _nice_step(g.size / 2.0)
        neuron_ticks = [(float(v), f"{v:g}") for v in (half, float(g.size)) if 0 < v <= g.size]
        if len(neuron_ticks) == 2 and neuron_ticks[0][0] > 0.8 * g.size:
            neuron_ticks = neuron_ticks[1:]
        label = f"{top / 1000:g}k Hz" if top >= 1000 else f"{top:g} Hz"
        rate_ticks = [(-band, ""), (-band + height, label)]
        self.rasters[id(g)].getAxis("left").setTicks([neuron_ticks + rate_ticks])

    def rate_scale(self, group) -> float:
        """The rate (Hz) at the top of ``group``'s rate band."""
        return self.rate_tops[id(group)]

    def _mark_event(self, event) -> None:
        pen = pg.mkPen("#888888", width=1, style=Qt.DashLine)
        for g in self.groups:
            plot = self.rasters.get(id(g))
            if plot is None:
                continue
            # a plain Qt line over the plot's height (rate band included; the view clips it): no
            # Python per frame, however many events have been marked
            band = self.rate_band * g.size
            line = LevelLine(event.t, angle=90, pen=pen, span=(-2.0 * band - 1.0, 2.0 * g.size + 1.0))
            line.setToolTip(f"{event.kind}: {event.target} {event.text}")
            plot.addItem(line, ignoreBounds=True)
            self.markers.append((plot, line))
        while len(self.markers) > 200:
            plot, line = self.markers.pop(0)
            plot.removeItem(line)

    def collect(self, view: FrameView) -> dict:
        out = {}
        bin_steps = max(1, int(round(self.rate_bin_ms / view.dt)))
        first, last = max(1, view.iteration - view.window_steps + 1), view.iteration
        for g in self.groups:
            if id(g) not in self.images:
                continue
            its, idx = view.event_steps(g)
            rate_t, rate = population_rate_steps(its, g.size, first, last, bin_steps, view.dt)
            out[id(g)] = (its, idx, rate_t, rate, first, last)
        return out

    @staticmethod
    def _pairs(t: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.repeat(np.asarray(t, dtype=np.float64), 2)
        y = np.repeat(np.asarray(i, dtype=np.float64), 2) + 0.5
        y[0::2] -= 0.45
        y[1::2] += 0.45
        return x, y

    def _selected_mask(self, group, indices: np.ndarray) -> np.ndarray:
        """A boolean per neuron of ``group``: selected (kept between frames while the selection stays)."""
        key = (id(group), indices.tobytes())
        if getattr(self, "_mask_key", None) != key:
            mask = np.zeros(group.size, dtype=bool)
            mask[indices] = True
            self._mask_key, self._mask = key, mask
        return self._mask

    def update(self, data: dict) -> None:
        sel = self.selection
        for g in self.groups:
            if id(g) not in data:
                continue
            its, i, rate_t, rate, first, last = data[id(g)]
            dt = self.net.dt
            t = its * dt
            vb = self.rasters[id(g)].getViewBox()
            x0, x1 = vb.viewRange()[0]  # one image column / row per screen pixel
            band = self.rate_band * g.size
            span = x1 - x0  # the band's background, wide enough for some panning between frames
            self.shades[id(g)].setRect(QtCore.QRectF(x0 - 2 * span, -band, 5 * span, band))
            max_cols = max(50, int(vb.width() * (last - first + 1) * dt / max(x1 - x0, 1e-9)))
            y0, y1 = vb.viewRange()[1]
            max_rows = max(20, int(vb.height() * g.size / max(y1 - y0, 1e-9)))
            cells, shape = raster_cells(its, i, g.size, first, last, max_rows, max_cols)
            image = self.images[id(g)]
            image.set_cells(cells, shape)  # no count array: a binary image scattered from the cells
            image.setRect(QtCore.QRectF((first - 1) * dt, 0.0, (last - first + 1) * dt, float(g.size)))
            frame = self.frames[id(g)] = _Frame(cells=cells, shape=shape, first=first, last=last, t=t, i=i)
            curve = self.selected_curves[id(g)]
            if sel.group is g and sel.indices.size and sel.indices.size < g.size:
                mask = self._selected_mask(g, sel.indices)[i]  # a lookup per spike (np.isin sorts)
                curve.setData(*self._pairs(t[mask], i[mask]))
            elif curve.xData is None or len(curve.xData):  # cleared once, not every frame
                curve.setData(x=np.empty(0), y=np.empty(0))
            self.rate_curves[id(g)].setData(rate_t, rate)
            peak = float(rate.max()) if rate.size else 0.0
            top = self.rate_tops[id(g)]
            if peak > top or (peak < 0.3 * top and top > 1.0):
                self._set_rate_scale(g, _nice_step(max(1.2 * peak, 1.0), up=True))
            name = g.tags[0]
            self.last.update({f"raster.{name}.t": t, f"raster.{name}.i": i, f"raster.{name}.image": frame,
                              f"rate.{name}.t": rate_t, f"rate.{name}.hz": rate})

    def spikes(self, group) -> tuple[np.ndarray, np.ndarray]:
        """The (t, i) of the spikes the raster of ``group`` shows now."""
        frame = self.frames.get(id(group))
        return (frame["t"], frame["i"]) if frame else (np.empty(0), np.empty(0, np.int64))

    def export_data(self) -> dict:
        return {k: (v["counts"] if isinstance(v, _Frame) else v) for k, v in self.last.items()}
