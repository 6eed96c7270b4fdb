"""Neuron grids: every group drawn on its geometry, coloured by activity or any per-neuron variable.

Click selects a neuron, Ctrl+click adds one, a left drag selects a rectangle, a double click selects
the whole group. The selection is shared with every other panel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._qt import Qt, QtCore, QtWidgets, pg
from .base import FrameView, IndexedImageItem, Need, Panel, grid_layout, vector_variables

ACTIVITY = "activity (spikes)"


def activity_colormap() -> pg.ColorMap:
    """Light grey for silent neurons, through orange to dark red for the most active."""
    return pg.ColorMap([0.0, 0.25, 0.6, 1.0], [(236, 236, 236), (255, 190, 80), (235, 80, 20), (120, 0, 0)])


def colormap_for(variable: str) -> pg.ColorMap:
    """The colour map used for ``variable``."""
    return activity_colormap() if variable == ACTIVITY else pg.colormap.get("viridis")


class _GridView(pg.ViewBox):
    """A ViewBox that turns clicks and drags into neuron selections."""

    def __init__(self, panel: GridPanel, group) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.panel, self.group = panel, group
        self.setMouseEnabled(False, False)
        self.rubber = QtWidgets.QGraphicsRectItem()
        self.rubber.setPen(pg.mkPen("#ff2d2d", width=1, style=Qt.DashLine))
        self.rubber.setBrush(pg.mkBrush(255, 45, 45, 40))
        self.rubber.hide()
        self.addItem(self.rubber, ignoreBounds=True)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt naming)
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.double():
            self.panel.select_all(self.group)
            return
        p = self.mapSceneToView(ev.scenePos())
        self.panel.select_at(self.group, p.x(), p.y(), add=bool(ev.modifiers() & Qt.ControlModifier))

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        ev.accept()
        a = self.mapSceneToView(ev.buttonDownScenePos())
        b = self.mapSceneToView(ev.scenePos())
        rect = QtCore.QRectF(a, b).normalized()
        if ev.isFinish():
            self.rubber.hide()
            self.panel.select_rect(self.group, rect.left(), rect.top(), rect.right(), rect.bottom(),
                                   add=bool(ev.modifiers() & Qt.ControlModifier))
        else:
            self.rubber.setRect(rect)
            self.rubber.show()


class _Marker(pg.ScatterPlotItem):
    """The selection's squares. They take no clicks and no hover: the second click of a double
    click lands on the square the first click drew, and the grid must still get it."""

    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        ev.ignore()

    def hoverEvent(self, ev) -> None:  # noqa: N802
        pass


class GridPanel(Panel):
    """Each neuron group on its grid (``NeuronDimension`` positions), coloured per neuron.

    Options
    -------
    variable : str
        ``'activity (spikes)'`` (spikes per neuron over the last ``activity_ms``, the default) or
        the name of a per-neuron variable (``'v'``) shown as its current value.
    activity_ms : float
        Window of the activity colour (default 50 ms).
    variables : list of str, optional
        The per-neuron variables the colour menu offers after the activity (default: every
        float and bool per-neuron array of the shown groups).
    """

    title = "Neuron grids"
    area = "left"
    interval_s = 0.1

    def __init__(self, explorer, variable: str = ACTIVITY, activity_ms: float = 50.0, variables: Any = None,
                 **options: Any) -> None:
        super().__init__(explorer, **options)
        self.choices = None if variables is None else [str(v) for v in variables]
        self.variable = variable
        self.activity_ms = float(activity_ms)
        self.views: dict[int, _GridView] = {}
        self.images: dict[int, pg.ImageItem] = {}
        self.markers: dict[int, pg.ScatterPlotItem] = {}
        self.layouts: dict[int, tuple] = {}
        self.last: dict[int, np.ndarray] = {}
        self.cmap = colormap_for(variable)

    def needs(self) -> list[Need]:
        return self.spike_needs()

    # -- widget ---------------------------------------------------------------------------------
    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("colour:"))
        self.combo = QtWidgets.QComboBox()
        names = [ACTIVITY]
        for g in self.groups:
            found = [n for n in vector_variables(g) if n not in ("x", "y", "z")]
            if self.choices is not None:
                found = [n for n in self.choices if n in found]
            names += [n for n in found if n not in names]
        self.combo.addItems(names)
        if self.variable in names:
            self.combo.setCurrentText(self.variable)
        self.combo.currentTextChanged.connect(self.set_variable)
        top.addWidget(self.combo, 1)
        lay.addLayout(top)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        lay.addWidget(self.glw, 1)
        self.hover = QtWidgets.QLabel("point at a cell: its neuron and value")
        self.hover.setStyleSheet("color: #444;")
        lay.addWidget(self.hover)
        self.glw.scene().sigMouseMoved.connect(self._mouse_moved)
        for k, g in enumerate(self.groups):
            rows, cols, h, w = grid_layout(g)
            index_img = np.full((h, w), -1, dtype=np.int64)
            index_img[rows, cols] = np.arange(g.size)
            self.layouts[id(g)] = (rows, cols, h, w, index_img)
            label = self.glw.addLabel(f"{g.tags[0]}<br>{g.size} neurons, {w} x {h}", row=2 * k, col=0, color="#222",
                                      size="9pt")
            label.setMaximumHeight(18)
            view = _GridView(self, g)
            self.glw.addItem(view, row=2 * k + 1, col=0)
            self.glw.ci.layout.setRowStretchFactor(2 * k + 1, max(1, h))
            img = IndexedImageItem(axisOrder="row-major")
            img.setLookupTable(self.cmap.getLookupTable(nPts=256))
            view.addItem(img)
            marker = _Marker(pxMode=False, size=1.0, symbol="s", brush=None,
                                        pen=pg.mkPen("#ff2020", width=2))
            view.addItem(marker)
            view.setRange(QtCore.QRectF(0, 0, w, h), padding=0.02)
            self.views[id(g)], self.images[id(g)], self.markers[id(g)] = view, img, marker
        self.on_selection(self.selection)
        return box

    def set_variable(self, name: str) -> None:
        """Colour the grids by ``name`` (``ACTIVITY`` or a per-neuron variable)."""
        self.variable = name
        self.cmap = colormap_for(name)
        for img in self.images.values():
            img.setLookupTable(self.cmap.getLookupTable(nPts=256))
        self.explorer.request_redraw()

    # -- data -----------------------------------------------------------------------------------
    def collect(self, view: FrameView) -> dict:
        out = {}
        steps = max(1, int(round(self.activity_ms / view.dt)))
        for g in self.groups:
            if self.variable == ACTIVITY:
                out[id(g)] = view.spike_counts(g, steps).astype(np.float64)
            else:
                value = vars(g).get(self.variable)
                if isinstance(value, np.ndarray) and value.shape == (g.size,):
                    out[id(g)] = value.astype(np.float64)
                else:
                    out[id(g)] = np.full(g.size, np.nan)
        return out

    def image_of(self, group, values: np.ndarray) -> np.ndarray:
        """Values of one group laid out on its grid (NaN where no neuron sits)."""
        rows, cols, h, w, _ = self.layouts[id(group)]
        image = np.full((h, w), np.nan)
        image[rows, cols] = values
        return image

    def update(self, data: dict) -> None:
        for g in self.groups:
            values = data.get(id(g))
            if values is None:
                continue
            image = self.image_of(g, values)
            finite = values[np.isfinite(values)]
            if self.variable == ACTIVITY:
                levels = (0.0, max(3.0, float(finite.max()) if finite.size else 3.0))
            elif finite.size:
                lo, hi = float(finite.min()), float(finite.max())
                levels = (lo, hi if hi > lo else lo + 1.0)
            else:
                levels = (0.0, 1.0)
            self.last[id(g)] = image
            self.images[id(g)].setImage(np.nan_to_num(image, nan=levels[0]), autoLevels=False, levels=levels)

    def hover_text(self, group, i: int) -> str:
        """What the line under the grids says for neuron ``i`` of ``group``: index and coloured value."""
        image = self.last.get(id(group))
        rows, cols, *_ = self.layouts[id(group)]
        what = "spikes in the last " + f"{self.activity_ms:g} ms" if self.variable == ACTIVITY else self.variable
        value = "-" if image is None else f"{image[rows[i], cols[i]]:.4g}"
        return f"{group.tags[0]} #{i} (row {rows[i]}, column {cols[i]}): {what} = {value}"

    def _mouse_moved(self, scene_pos) -> None:
        for g in self.groups:
            view = self.views.get(id(g))
            if view is None or not view.sceneBoundingRect().contains(scene_pos):
                continue
            p = view.mapSceneToView(scene_pos)
            i = self.neuron_at(g, p.x(), p.y())
            if i is not None:
                self.hover.setText(self.hover_text(g, i))
                return

    # -- selection ------------------------------------------------------------------------------
    def neuron_at(self, group, x: float, y: float) -> int | None:
        """The neuron drawn at view coordinates (x, y), or None."""
        _, _, h, w, index_img = self.layouts[id(group)]
        col, row = int(np.floor(x)), int(np.floor(y))
        if 0 <= row < h and 0 <= col < w and index_img[row, col] >= 0:
            return int(index_img[row, col])
        return None

    def select_at(self, group, x: float, y: float, add: bool = False) -> None:
        """Select (or with ``add`` add) the neuron drawn at view coordinates (x, y)."""
        i = self.neuron_at(group, x, y)
        if i is None:
            return
        if add and self.selection.group is group:
            self.selection.add([i], source=self)
        else:
            self.selection.set(group, [i], source=self)

    def select_rect(self, group, x0: float, y0: float, x1: float, y1: float, add: bool = False) -> None:
        """Select the neurons whose cells' centres lie in the rectangle."""
        rows, cols, *_ = self.layouts[id(group)]
        inside = np.flatnonzero((cols + 0.5 >= x0) & (cols + 0.5 <= x1) & (rows + 0.5 >= y0) & (rows + 0.5 <= y1))
        if inside.size == 0:
            return
        if add and self.selection.group is group:
            self.selection.add(inside, source=self)
        else:
            self.selection.set(group, inside, source=self)

    def select_all(self, group) -> None:
        """Select every neuron of ``group`` (a double click)."""
        self.selection.set(group, None, source=self)

    def on_selection(self, selection, source: Any = None) -> None:
        for g in self.groups:
            marker = self.markers.get(id(g))
            if marker is None:
                continue
            if selection.group is g and selection.indices.size:
                rows, cols, *_ = self.layouts[id(g)]
                idx = selection.indices
                marker.setData(x=cols[idx] + 0.5, y=rows[idx] + 0.5)
            else:
                marker.setData(x=[], y=[])

    def export_data(self) -> dict:
        return {f"grid.{g.tags[0]}": self.last[id(g)] for g in self.groups if id(g) in self.last}

