"""The panel contract, the view panels read a frame through, and helpers the default panels share.

A panel is a plug-in with four duties:

1. ``needs()`` - declare what must be recorded (:class:`~pymonn.ui.recording.Need`); the explorer
   adds ring-buffer recorders for it and removes them on close.
2. ``build()`` - return its widget (the explorer puts it in a dock).
3. ``collect(view)`` - copy what it will draw. It runs while the simulation is paused between two
   batches, so everything it reads is consistent; it must only read (and be quick).
4. ``update(data)`` - draw what ``collect`` returned, on the GUI thread, with the simulation
   running again.

It follows the shared selection (``on_selection``) and shared time axis (``explorer.time_axis``).
An exception in any of these shows in the panel and in the log dock; the other panels keep going.
Third parties subclass :class:`Panel` and pass the class (or any callable ``factory(explorer)``) to
``Explorer(net, extra_panels=[...])`` or :func:`register_panel`; a behaviour can offer panels from
a method ``explorer_panels(self) -> list``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._qt import QtCore, QtGui, QtWidgets, pg
from ..recording import Need

__all__ = ["Panel", "FrameView", "register_panel", "registered_panels", "Need", "GROUP_COLOURS",
           "group_colour", "vector_variables", "grid_layout", "style_plot", "find_threshold", "window_trains", "sticky_range",
           "IndexedImageItem", "FastCurve", "LeanAxisItem", "LevelLine", "cache_item_tree"]

GROUP_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

_REGISTERED: list = []


def register_panel(factory: Any) -> Any:
    """Add a panel class (or ``factory(explorer)``) to every explorer opened from now on.

    Usable as a class decorator; returns its argument.
    """
    if factory not in _REGISTERED:
        _REGISTERED.append(factory)
    return factory


def registered_panels() -> list:
    """Panels added with :func:`register_panel`."""
    return list(_REGISTERED)


class FrameView:
    """What ``Panel.collect`` reads: the network (paused) and the explorer's recordings.

    Attributes
    ----------
    net : Network
    t : float
        Simulated time (ms) of the newest step.
    iteration : int
    window_steps : int
        Steps in the shared time window.
    window_ms : float
    """

    def __init__(self, explorer) -> None:
        self.explorer = explorer
        self.net = explorer.net
        self.iteration = self.net.iteration
        self.t = self.net.t
        self.dt = self.net.dt
        self.window_ms = explorer.time_axis.window_ms
        self.window_steps = max(1, int(round(self.window_ms / self.dt)))
        self.spike_variable = getattr(explorer, "spike_variable", "fired")
        self._rec = explorer.recordings

    def trace(self, group, expression: str, columns: Any = None, steps: int | None = None):
        """(t in ms, values) of a recorded expression over the window (``columns``: neurons)."""
        return self._rec.trace(group, expression, self.window_steps if steps is None else steps, columns)

    def trace_mean(self, group, expression: str, steps: int | None = None):
        """(t in ms, mean over neurons) of a recorded per-neuron expression over the window."""
        return self._rec.trace_mean(group, expression, self.window_steps if steps is None else steps)

    def events(self, group, variable: str | None = None, steps: int | None = None):
        """(t in ms, neuron index) of the recorded spikes over the window.

        ``variable`` defaults to the explorer's spike variable (``explorer.spike_variable``, 'fired').
        """
        variable = variable or self.spike_variable
        return self._rec.events(group, variable, self.window_steps if steps is None else steps)

    def event_steps(self, group, variable: str | None = None, steps: int | None = None):
        """(step number, neuron index) of the recorded spikes over the window."""
        variable = variable or self.spike_variable
        return self._rec.event_steps(group, variable, self.window_steps if steps is None else steps)

    def spike_counts(self, group, steps: int | None = None) -> np.ndarray:
        """Spikes per neuron over the last ``steps`` steps (the window by default)."""
        _, idx = self.event_steps(group, steps=steps)
        return np.bincount(idx, minlength=group.size)[: group.size]

    def trains(self, group, steps: int | None = None):
        """The window's spikes as :class:`pymonn.analysis.SpikeTrains` (see :func:`window_trains`)."""
        return window_trains(self, group, steps)

    def recorded_steps(self, group, expression: str) -> int:
        """How many samples of ``expression`` are held (at most the ring length)."""
        rec = self._rec._traces.get(id(group))
        return 0 if rec is None or expression not in rec._buffers else len(rec._buffers[expression])


class Panel:
    """Base class of explorer panels (see the module docstring for the contract).

    Class attributes
    ----------------
    title : str
        Dock title.
    area : str
        Where the default layout docks it: ``'left'``, ``'center'``, ``'lower'``, ``'right'`` or
        ``'bottom'``.
    interval_s : float
        Least time between two updates while the network runs (0: every frame). Slow views
        (statistics, spectra) use it so that they do not cost the simulation speed.
    """

    title = "Panel"
    area = "center"
    interval_s = 0.0

    def __init__(self, explorer, **options: Any) -> None:
        self.explorer = explorer
        self.net = explorer.net
        self.options = options
        self.widget: QtWidgets.QWidget | None = None
        self.name = type(self).__name__

    # -- the contract ---------------------------------------------------------------------------
    def needs(self) -> list[Need]:
        """What to record for this panel."""
        return []

    def build(self) -> QtWidgets.QWidget:
        """Create and return the panel's widget."""
        raise NotImplementedError

    def collect(self, view: FrameView) -> Any:
        """Copy what ``update`` will draw (simulation paused; read only)."""
        return None

    def update(self, data: Any) -> None:
        """Draw ``data`` (GUI thread)."""

    def on_selection(self, selection, source: Any = None) -> None:
        """The shared selection changed."""

    def export_data(self) -> dict[str, np.ndarray]:
        """Arrays of what the panel shows now, for the npz export."""
        return {}

    def close(self) -> None:
        """The explorer is closing."""

    # -- helpers --------------------------------------------------------------------------------
    @property
    def selection(self):
        """The explorer's shared :class:`~pymonn.ui.selection.Selection`."""
        return self.explorer.selection

    @property
    def groups(self) -> list:
        """The neuron groups the explorer shows (``Explorer(groups=...)``; all by default)."""
        shown = getattr(self.explorer, "groups", None)
        return list(shown if shown is not None else self.net.NeuronGroups)

    @property
    def spike_variable(self) -> str:
        """The per-neuron variable holding spikes (``Explorer(spike_variable=...)``, 'fired' by default)."""
        return getattr(self.explorer, "spike_variable", "fired")

    def spiking_groups(self) -> list:
        """The shown groups that have the spike variable."""
        name = self.spike_variable
        return [g for g in self.groups if hasattr(g, name)]

    def spike_needs(self) -> list[Need]:
        """Event recordings of the spike variable of every shown group that has it."""
        return [Need(g, self.spike_variable, "events") for g in self.spiking_groups()]


# -- shared helpers ---------------------------------------------------------------------------------
def window_trains(view: FrameView, group, steps: int | None = None):
    """Spikes of ``group`` in the window as :class:`pymonn.analysis.SpikeTrains`.

    The window is ``(t - steps*dt, t]`` (clipped at 0), the steps whose spikes are kept, so
    rates divide by exactly the time the spikes were collected in.
    """
    from pymonn.analysis import as_spike_trains

    steps = view.window_steps if steps is None else int(steps)
    t, i = view.events(group, steps=steps)
    t_stop = view.iteration * view.dt
    t_start = max(0, view.iteration - steps) * view.dt
    return as_spike_trains((t, i.astype(np.int64)), n=group.size, t_start=t_start, t_stop=t_stop, dt=view.dt)


def group_colour(net, group) -> str:
    """A stable colour per neuron group."""
    try:
        i = net.NeuronGroups.index(group)
    except ValueError:
        i = 0
    return GROUP_COLOURS[i % len(GROUP_COLOURS)]


def vector_variables(group, kinds: str = "fb") -> list[str]:
    """Names of the group's per-neuron arrays (floats ``f`` and/or booleans ``b``)."""
    out = []
    for name, value in vars(group).items():
        if name.startswith("_") or not isinstance(value, np.ndarray):
            continue
        if value.shape == (group.size,) and value.dtype.kind in kinds:
            out.append(name)
    return out


def grid_layout(group) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Image coordinates of each neuron: (rows, cols, height, width).

    From the group's geometry (``x``, ``y``, ``z`` set by ``NeuronDimension``; layers side by side),
    else a near-square grid in index order.
    """
    n = group.size
    x, y = vars(group).get("x"), vars(group).get("y")
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.shape == (n,) and y.shape == (n,):
        z = vars(group).get("z")
        xi = np.rint(x - x.min()).astype(np.int64)
        yi = np.rint(y - y.min()).astype(np.int64)
        if isinstance(z, np.ndarray) and z.shape == (n,):
            zi = np.rint(z - z.min()).astype(np.int64)
            xi = xi + zi * (xi.max() + 2)  # layers side by side, one empty column between
        if len(np.unique(yi * (xi.max() + 1) + xi)) == n:
            return yi, xi, int(yi.max()) + 1, int(xi.max()) + 1
    width = int(np.ceil(np.sqrt(n)))
    idx = np.arange(n)
    return idx // width, idx % width, int(np.ceil(n / width)), width


def style_plot(plot: pg.PlotItem, x_label: str | None = None, y_label: str | None = None) -> pg.PlotItem:
    """Dark axes and labels on the explorer's white plots."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen("#444444"))
        axis.setTextPen(pg.mkPen("#222222"))
        axis.enableAutoSIPrefix(False)
        axis.setStyle(maxTickLevel=0)  # no minor ticks: scrolling a time axis costs half as much
    if x_label:
        plot.setLabel("bottom", x_label, color="#222222")
    if y_label:
        plot.setLabel("left", y_label, color="#222222")
    plot.getViewBox().setBackgroundColor(None)
    return plot


def sticky_range(plot: pg.PlotItem, lo: float, hi: float, floor_zero: bool = False) -> None:
    """Set the y range to contain [lo, hi], changing it only when the data leave it or shrink a lot.

    Changing a range makes pyqtgraph regenerate the axis (text rendering is the most expensive part
    of a frame), so ranges move in jumps with some head room instead of following every frame.
    """
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return
    if floor_zero:
        lo = 0.0
    span = max(hi - lo, 1e-9)
    (cur_lo, cur_hi) = plot.getViewBox().viewRange()[1]
    cur_span = cur_hi - cur_lo
    inside = lo >= cur_lo and hi <= cur_hi
    if inside and span > 0.4 * cur_span:
        return
    pad = 0.15 * span
    new_lo = lo if floor_zero else lo - pad
    plot.setYRange(new_lo, hi + pad, padding=0)


_THRESHOLD_NAMES = ("v_threshold", "v_thresh", "v_th", "threshold", "theta", "V_th", "v_peak", "vt", "V_T")


def find_threshold(group) -> tuple[float | None, str]:
    """The spike threshold (or peak) of ``group``'s neuron model, and where it was found.

    Looks for a scalar or per-neuron attribute named like a threshold on the group and then on
    its behaviours; a per-neuron array gives its mean.
    """
    candidates = [group, *[group.behaviours[k] for k in sorted(group.behaviours)]]
    for name in _THRESHOLD_NAMES:
        for obj in candidates:
            value = vars(obj).get(name)
            if isinstance(value, (int, float, np.generic)) and not isinstance(value, bool):
                return float(value), name
            if isinstance(value, np.ndarray) and value.size and value.dtype.kind == "f":
                return float(np.mean(value)), name
    return None, ""


def cache_item_tree(item: QtWidgets.QGraphicsItem) -> None:
    """Keep ``item`` and everything under it as device pixmaps (``DeviceCoordinateCache``).

    For static decorations over a plot that is repainted every frame (a legend): Qt then copies
    their pixels instead of laying out and drawing their text again. An item's ``update()``
    renews its pixmap, so a changed legend shows at once. Call it again after adding children.
    """
    stack = [item]
    while stack:
        it = stack.pop()
        it.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)
        stack.extend(it.childItems())


class IndexedImageItem(pg.ImageItem):
    """An ``ImageItem`` that renders 2-D images with fixed levels through a cached colour table.

    pyqtgraph rebuilds a 256-entry Qt colour table (one Python call per entry) and rescales the
    data on every render. Here the lookup table is converted once (when it is set) and the image
    is mapped onto it with the same rule pyqtgraph uses (``index = (x - lo) * n / (hi - lo)``,
    clipped to ``0 .. n-1``); an 8-bit image whose levels already are ``(0, n - 1)`` is used as the
    index as it is. The indices are then turned into 32-bit pixels with one ``np.take`` (an opaque
    table gives an RGB32 image, else ARGB32): Qt converts an 8-bit indexed image to 32 bits on
    every paint, several times slower than the lookup. ``.image`` keeps the data as given.
    Anything else (colour images, NaNs, no lookup table, column-major order) falls back to
    pyqtgraph's own rendering.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ctable: np.ndarray | None = None
        self._opaque = True
        super().__init__(*args, **kwargs)

    def setLookupTable(self, lut: Any, update: bool = True) -> None:  # noqa: N802 (Qt naming)
        self._ctable = None
        super().setLookupTable(lut, update)

    def _colour_table(self) -> np.ndarray | None:
        lut = self.lut
        if self._ctable is None and isinstance(lut, np.ndarray) and lut.ndim == 2 and lut.shape[0] <= 256:
            if lut.shape[1] in (3, 4):
                c = lut.astype(np.uint32)
                alpha = c[:, 3] if lut.shape[1] == 4 else np.full(len(c), 255, np.uint32)
                self._ctable = (alpha << 24) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]  # QRgb values
                self._opaque = bool((alpha == 255).all())
        return self._ctable

    def render(self) -> None:
        image, levels = self.image, self.levels
        table = self._colour_table()
        if (image is None or image.ndim != 2 or image.size == 0 or table is None or levels is None
                or np.ndim(levels) != 1 or self.axisOrder != "row-major" or image.dtype.kind not in "uif"):
            super().render()
            return
        n = len(table)
        lo, hi = float(levels[0]), float(levels[1])
        if image.dtype == np.uint8 and lo == 0 and hi == n - 1:
            index = image if int(image.max()) < n else np.minimum(image, n - 1)
        else:
            scaled = (np.asarray(image, dtype=np.float64) - lo) * (n / (hi - lo if hi != lo else 1.0))
            if image.dtype.kind == "f" and np.isnan(scaled).any():
                super().render()
                return
            index = np.clip(scaled, 0, n - 1, out=scaled).astype(np.uint8)
        pixels = np.take(table, index)  # (h, w) uint32, C order
        fmt = QtGui.QImage.Format_RGB32 if self._opaque else QtGui.QImage.Format_ARGB32
        self.qimage = pg.functions.ndarray_to_qimage(pixels, fmt)
        self._renderRequired = False
        self._unrenderable = False


class FastCurve(pg.PlotCurveItem):
    """A ``PlotCurveItem`` whose bounds cost nothing per frame.

    pyqtgraph forgets a curve's bounds whenever its view moves (every frame on a scrolling time
    axis) and finds them again with ``nanmin``/``nanmax`` over the data and a pixel-size
    computation. Here the data bounds are found once per ``setData`` (with a check for NaN and
    infinity, so the result is the same) and kept while the view moves; the bounding rectangle
    is padded by a fraction of the data's span instead of a pixel width (the view clips its
    children anyway). ``getData()`` and the drawing are pyqtgraph's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fast_bounds: tuple | None = None
        super().__init__(*args, **kwargs)

    def updateData(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 (pyqtgraph naming)
        self._fast_bounds = None
        super().updateData(*args, **kwargs)

    def _bounds(self) -> tuple:
        if self._fast_bounds is None:
            x, y = self.getData()
            out = []
            for d in (x, y):
                if d is None or len(d) == 0:
                    out.append((None, None))
                    continue
                lo, hi = float(np.min(d)), float(np.max(d))
                if not (np.isfinite(lo) and np.isfinite(hi)):
                    d = np.asarray(d)[np.isfinite(d)]
                    lo, hi = (float(d.min()), float(d.max())) if d.size else (None, None)
                out.append((lo, hi))
            self._fast_bounds = tuple(out)
        return self._fast_bounds

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple:  # noqa: N802, N803
        if frac >= 1.0 and orthoRange is None and self.opts.get("fillLevel") in (None, "enclosed"):
            return self._bounds()[ax]
        return super().dataBounds(ax, frac, orthoRange)

    def viewTransformChanged(self) -> None:  # noqa: N802
        # the data bounds stay (kept per setData); the rectangle is rebuilt from them, cheaply,
        # with the geometry change announced as pyqtgraph does (the scene's index stays right)
        self._boundingRect = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802
        if self._boundingRect is None:
            (xmn, xmx), (ymn, ymx) = self._bounds()
            if xmn is None or ymn is None:
                return QtCore.QRectF()
            px = 0.01 * (xmx - xmn) + 1e-9 * max(1.0, abs(xmn))
            py = 0.01 * (ymx - ymn) + 1e-9 * max(1.0, abs(ymn))
            self._boundingRect = QtCore.QRectF(xmn - px, ymn - py, (xmx - xmn) + 2 * px, (ymx - ymn) + 2 * py)
        return self._boundingRect


class _LaidOut:
    """Stands for the axis picture of a :class:`LeanAxisItem` (painted directly, never played)."""

    def play(self, painter: QtGui.QPainter) -> None:  # pragma: no cover - pyqtgraph's paint is overridden
        raise RuntimeError("a LeanAxisItem paints its layout directly")


_LAID_OUT = _LaidOut()


class LeanAxisItem(pg.AxisItem):
    """An ``AxisItem`` for plots that scroll: the same ticks and labels, a cheaper redraw.

    A time axis that scrolls with the simulation is laid out again every frame. pyqtgraph then
    measures every label with a QPainter (slow in Python terms); here the label sizes are kept per
    string, and with one tick level (``maxTickLevel=0``, what :func:`style_plot` sets) the layout is
    done in a few lines. Other configurations (fixed ticks, several levels) use pyqtgraph's code.
    An axis whose range did not change (the y axis of a plot scrolling in x) is not laid out again.

    The axis is painted straight onto the view's painter instead of being recorded into a
    ``QPicture`` and played back (pyqtgraph's way: twice the drawing for an axis laid out every
    frame); the layout is kept until something invalidates it (``picture`` set to None, as
    pyqtgraph does). A vertical axis (which does not scroll) is kept as a pixmap in device
    coordinates (``DeviceCoordinateCache``): a frame that repaints the plot next to it copies the
    pixmap instead of drawing ticks and labels again; any ``update()`` of the axis renews it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._text_sizes: dict[str, tuple[float, float]] = {}
        self._specs: tuple | None = None
        if self.orientation in ("left", "right"):
            self.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)

    def paint(self, p: QtGui.QPainter, opt: Any, widget: Any) -> None:
        p.save()
        try:
            if self.picture is None:
                if self.style["tickFont"] is not None:
                    p.setFont(self.style["tickFont"])
                self._specs = self.generateDrawSpecs(p)
                self.picture = _LAID_OUT  # what pyqtgraph tests for 'laid out'; set to None to renew
            if self._specs is not None:
                self._draw_specs(p, *self._specs)
        finally:
            p.restore()

    def _draw_specs(self, p: QtGui.QPainter, axis_spec: tuple, tick_specs: list, text_specs: list) -> None:
        """pyqtgraph's ``drawPicture`` on a painter of the view (the clip intersected, not replaced)."""
        p.setRenderHint(QtGui.QPainter.Antialiasing, False)
        p.setRenderHint(QtGui.QPainter.TextAntialiasing, True)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        for pen, p1, p2 in tick_specs:
            p.setPen(pen)
            p.drawLine(p1, p2)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        p.setPen(self.textPen())
        p.setClipRect(self.boundingRect().toAlignedRect(), QtCore.Qt.IntersectClip)
        for rect, flags, text in text_specs:
            p.drawText(rect, int(flags), text)

    def setStyle(self, **kwds: Any) -> None:  # noqa: N802
        self._text_sizes = {}
        super().setStyle(**kwds)

    def setRange(self, mn: float, mx: float) -> None:  # noqa: N802
        # pyqtgraph lays an axis out again whenever its view changes, also when only the other
        # direction did (a y axis while the time axis scrolls): skip when the range is unchanged
        if self.picture is not None and self.range is not None and self.range[0] == mn and self.range[1] == mx:
            return
        super().setRange(mn, mx)

    def generateDrawSpecs(self, p: QtGui.QPainter):  # noqa: N802
        if (self.orientation != "bottom" or self._tickLevels is not None or self.style["maxTickLevel"] != 0
                or self.grid is not False or not self.style["showValues"] or self.style["stopAxisAtTick"] != (False, False)):
            return super().generateDrawSpecs(p)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        span = (bounds.topLeft() + QtCore.QPointF(-1.0, 1.0), bounds.topRight() + QtCore.QPointF(1.0, 1.0))
        width = bounds.width()
        lo, hi = self.range
        if width <= 0 or hi == lo:
            return super().generateDrawSpecs(p)
        a, b = self.mapToDevice(span[0]), self.mapToDevice(span[1])
        if a is None or b is None:
            return None
        length_px = ((b.x() - a.x()) ** 2 + (b.y() - a.y()) ** 2) ** 0.5
        if length_px == 0:
            return None
        if self.scale != 1.0 or self.logMode:
            levels = self.tickValues(lo, hi, length_px)
            spacing, values = levels[0] if levels else (0.0, [])
        else:  # tickValues' major level without its de-duplication across levels (there is one level)
            spacing, off = self.tickSpacing(lo, hi, length_px)[0]
            start = math.ceil((lo - off) / spacing) * spacing + off
            values = [start + k * spacing for k in range(int((hi - start) / spacing) + 1)]
        scale = width / (hi - lo)
        tick_stop = bounds.top()
        tick_len = self.style["tickLength"]
        pen = self.tickPen()
        positions = [(v, (v - lo) * scale) for v in values]
        positions = [(v, x) for v, x in positions if -1e-9 <= x <= width + 1e-9]
        tick_specs = [(pen, QtCore.QPointF(x, tick_stop), QtCore.QPointF(x, tick_stop + tick_len)) for _, x in positions]
        strings = self.tickStrings([v for v, _ in positions], self.autoSIPrefixScale * self.scale, spacing)
        offset = max(0, tick_len) + self.style["tickTextOffset"][1]
        flags = QtCore.Qt.AlignHCenter | QtCore.Qt.AlignTop | QtCore.Qt.TextDontClip
        br = self.boundingRect()
        text_specs, tallest = [], 0.0
        for (_, x), text in zip(positions, strings, strict=True):
            size = self._text_sizes.get(text)
            if size is None:
                r = p.boundingRect(QtCore.QRectF(0, 0, 100, 100), QtCore.Qt.AlignCenter, text)
                size = self._text_sizes[text] = (r.width(), r.height() * 0.8)
            w, h = size
            tallest = max(tallest, h)
            rect = QtCore.QRectF(x - w / 2.0, tick_stop + offset, w, h)
            if br & rect == rect:
                text_specs.append((rect, flags, text))
        if tallest != getattr(self, "_tallest", None):  # pyqtgraph re-sizes the axis on every call
            self._tallest = tallest
            self._updateMaxTextSize(tallest)
        return (self.pen(), span[0], span[1]), tick_specs, text_specs


class LevelLine(QtWidgets.QGraphicsLineItem):
    """A horizontal (``angle=0``) or vertical (``angle=90``) line at a data value, drawn by Qt alone.

    Used instead of pyqtgraph's ``InfiniteLine`` for lines that only mark a value (a threshold,
    an event time): an ``InfiniteLine`` works out its bounding rectangle in Python whenever its
    view moves, which on a scrolling time axis costs 0.1-0.2 ms per line and frame; this one is a
    plain ``QGraphicsLineItem`` in data coordinates over ``span`` (the other coordinate's range,
    clipped by the view), so a frame costs it nothing in Python. ``value()`` / ``setValue()`` as
    with ``InfiniteLine``; ``set_span(lo, hi)`` sets how far it reaches.
    """

    def __init__(self, value: float = 0.0, angle: float = 0, pen: Any = None,
                 span: tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__()
        if angle not in (0, 90):
            raise ValueError(f"LevelLine: angle must be 0 or 90, not {angle!r}")
        self.angle = angle
        self._value = float(value)
        self._span = (float(span[0]), float(span[1]))
        self.setPen(pg.mkPen(pen) if pen is not None else pg.mkPen("#888888"))
        self._place()

    def _place(self) -> None:
        (lo, hi), v = self._span, self._value
        if self.angle == 0:
            self.setLine(lo, v, hi, v)
        else:
            self.setLine(v, lo, v, hi)

    def value(self) -> float:
        """Where the line is (y for a horizontal line, x for a vertical one)."""
        return self._value

    def setValue(self, value: float) -> None:  # noqa: N802 (pyqtgraph naming)
        """Move the line to ``value``."""
        value = float(value)
        if value != self._value:
            self._value = value
            self._place()

    def set_span(self, lo: float, hi: float) -> None:
        """Let the line reach from ``lo`` to ``hi`` along its direction (data coordinates)."""
        span = (float(lo), float(hi))
        if span != self._span:
            self._span = span
            self._place()
