"""Weights of a synapse group: the full matrix, the selected neuron's fields, a live histogram.

Dense weights are 2-D arrays of the synapse group's shape ((dst, src), or (src, dst) in a
``synapse_mode='SxD'`` network); sparse ones are CSR objects stored by source neuron (attributes
``indptr``, ``indices``, ``data``, as :class:`pymonn.behaviours.connectivity.CSR`). Matrices larger
than ``max_pixels`` are shown block-averaged.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from .._qt import QtWidgets, pg
from .base import FrameView, Panel, grid_layout, style_plot


def _is_csr(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return False
    return all(hasattr(value, a) for a in ("indptr", "indices", "data"))


def _short(group, n: int = 12) -> str:
    tag = group.tags[0]
    return tag if len(tag) <= n else tag[: n - 1] + "\u2026"


def weight_variables(sg) -> list[str]:
    """Names of the synapse group's weight-like variables: dense matrices and CSR objects."""
    out = []
    for name, value in vars(sg).items():
        if name.startswith("_"):
            continue
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape == sg.shape and value.dtype.kind == "f":
            out.append(name)
        elif _is_csr(value):
            out.append(name)
    out.sort(key=lambda n: (n not in ("W", "w", "weights"), n))
    return out


def dense_dst_src(sg, value: Any) -> np.ndarray:
    """A (dst, src) float64 array of the weights (NaN where a sparse group has no synapse)."""
    if _is_csr(value):
        out = np.full((sg.dst.size, sg.src.size), np.nan)
        indptr = np.asarray(value.indptr)
        src = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        out[np.asarray(value.indices), src] = np.asarray(value.data, dtype=np.float64)
        return out
    w = np.asarray(value, dtype=np.float64)
    return w.T if sg.network.synapse_mode == "SxD" else w


def block_average(m: np.ndarray, max_side: int) -> np.ndarray:
    """Average ``m`` over blocks so that no side exceeds ``max_side`` (NaNs ignored)."""
    fr = -(-m.shape[0] // max_side)
    fc = -(-m.shape[1] // max_side)
    if fr == 1 and fc == 1:
        return m
    rows, cols = -(-m.shape[0] // fr), -(-m.shape[1] // fc)
    pad = np.full((rows * fr, cols * fc), np.nan)
    pad[: m.shape[0], : m.shape[1]] = m
    blocks = pad.reshape(rows, fr, cols, fc)
    finite = np.isfinite(blocks)
    total = np.where(finite, blocks, 0.0).sum(axis=(1, 3))
    count = finite.sum(axis=(1, 3))
    out = np.full(total.shape, np.nan)
    np.divide(total, count, out=out, where=count > 0)  # an all-NaN block stays NaN, without a warning
    return out


class WeightsPanel(Panel):
    """Weights of one synapse group (chosen in the panel).

    Options: ``variables`` (the weight variables offered, default every dense matrix or CSR of
    each synapse group) and ``transmitters`` (only synapse groups whose first tag is listed).

    Shows the (dst x src) matrix, the afferent field of the selected neuron (its input weights
    laid on the source group's grid) when it belongs to the destination group, its efferent field
    (output weights on the destination grid) when it belongs to the source group, and a histogram
    of the weights (for dense matrices the non-zero entries, for sparse ones every synapse).
    """

    title = "Weights"
    area = "lower"
    interval_s = 0.2

    def __init__(self, explorer, bins: int = 50, max_side: int = 1000, variables: Any = None,
                 transmitters: Any = None, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.bins = int(bins)
        self.max_side = int(max_side)
        groups = [sg for sg in self.net.SynapseGroups if not transmitters or sg.tags[0] in transmitters]
        if variables is None:
            self.choices = [(sg, name) for sg in groups for name in weight_variables(sg)]
        else:  # only the named weight variables, in the order given
            self.choices = [(sg, name) for sg in groups for name in variables if name in weight_variables(sg)]
        self.current = 0
        self.last: dict[str, np.ndarray] = {}

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.combo = QtWidgets.QComboBox()
        for sg, name in self.choices:
            self.combo.addItem(f"{sg.tags[0]}: {sg.src.tags[0]} -> {sg.dst.tags[0]}  [{name}]")
        if not self.choices:
            self.combo.addItem("no synapse group has weights")
        self.combo.currentIndexChanged.connect(self._chosen)
        lay.addWidget(self.combo)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        lay.addWidget(self.glw, 1)
        cmap = pg.colormap.get("viridis")
        lut = cmap.getLookupTable(nPts=256)

        def labelled_view(col, title):
            label = self.glw.addLabel(title, row=0, col=col, color="#222", size="9pt")
            vb = self.glw.addViewBox(row=1, col=col, lockAspect=True, invertY=True, enableMenu=False)
            img = pg.ImageItem(axisOrder="row-major")
            img.setLookupTable(lut)
            vb.addItem(img)
            return label, vb, img

        # one row: matrix | afferent field | efferent field | histogram
        _, self.matrix_view, self.matrix_image = labelled_view(0, "matrix<br>(rows dst, cols src)")
        self.aff_title, self.aff_view, self.aff_image = labelled_view(1, "afferent field")
        self.eff_title, self.eff_view, self.eff_image = labelled_view(2, "efferent field")
        self.hist_label = self.glw.addLabel("weights", row=0, col=3, color="#222", size="9pt")
        self.hist_plot = style_plot(self.glw.addPlot(row=1, col=3), "weight", None)
        self.hist_plot.hideButtons()
        self.hist_curve = self.hist_plot.plot(stepMode="center", fillLevel=0, brush=pg.mkBrush(31, 119, 180, 120),
                                              pen=pg.mkPen("#1f77b4"))
        self.glw.ci.layout.setRowStretchFactor(1, 1)
        for col in range(4):
            self.glw.ci.layout.setColumnStretchFactor(col, 1)
        return box

    def _chosen(self, index: int) -> None:
        self.current = max(0, index)
        self._shown_key = None
        self.explorer.request_redraw()

    def choose(self, sg, variable: str | None = None) -> None:
        """Show ``sg`` (its first weight variable unless ``variable`` is given)."""
        for k, (s, name) in enumerate(self.choices):
            if s is sg and (variable is None or name == variable):
                self.combo.setCurrentIndex(k)
                return
        raise ValueError(f"{sg.describe()} has no weight variable {variable!r} to show")

    def collect(self, view: FrameView) -> dict:
        if not self.choices:
            return {}
        sg, name = self.choices[self.current]
        value = vars(sg).get(name)
        if value is None:
            return {}
        weights = value.data if _is_csr(value) else value
        # weights change only under plasticity: skip the copy when nothing that is shown changed
        key = (id(sg), name, id(self.selection.group), self.selection.first, id(weights), weights.shape,
               float(np.sum(weights, dtype=np.float64)), float(np.sum(np.abs(weights), dtype=np.float64)))
        if key == getattr(self, "_shown_key", None):
            return {}
        self._shown_key = key
        if _is_csr(value):
            data = {"csr": (np.array(value.indptr), np.array(value.indices), np.array(value.data, dtype=np.float64))}
        else:
            data = {"dense": np.array(value, dtype=np.float64)}
        return {"sg": sg, "name": name, **data, "group": self.selection.group, "neuron": self.selection.first}

    def update(self, data: dict) -> None:
        if not data:
            return
        sg = data["sg"]
        if "csr" in data:
            indptr, indices, w = data["csr"]
            csr = SimpleNamespace(indptr=indptr, indices=indices, data=w)
            matrix = dense_dst_src(sg, csr) if sg.src.size * sg.dst.size <= 16_000_000 else None
            hist_values = w
            src_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        else:
            matrix = dense_dst_src(sg, data["dense"])
            hist_values = matrix[matrix != 0]
        hist_values = hist_values[np.isfinite(hist_values)]
        if matrix is not None:
            shown = block_average(matrix, self.max_side)
            finite = shown[np.isfinite(shown)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            hi = hi if hi > lo else lo + 1e-12
            self.matrix_image.setImage(np.nan_to_num(shown, nan=lo), autoLevels=False, levels=(lo, hi))
            self.last["weights.matrix"] = shown
        else:
            lo, hi = (float(hist_values.min()), float(hist_values.max())) if hist_values.size else (0.0, 1.0)
        if hist_values.size:
            counts, edges = np.histogram(hist_values, bins=self.bins)
        else:
            counts, edges = np.zeros(1), np.array([0.0, 1.0])
        self.hist_curve.setData(edges, counts)
        self.hist_label.setText("histogram<br>" + ("all synapses" if "csr" in data else "non-zero weights"))
        self.last.update({"weights.hist.edges": edges, "weights.hist.counts": counts})

        group, i = data["group"], data["neuron"]
        levels = (lo, hi if hi > lo else lo + 1e-12)
        # afferent: weights onto neuron i of dst, from every src neuron
        if group is sg.dst and i is not None:
            if "csr" in data:
                mask = indices == i
                field = np.full(sg.src.size, np.nan)
                field[src_of[mask]] = w[mask]
            else:
                field = matrix[i, :]
            self._show_field(self.aff_image, self.aff_view, sg.src, field, levels)
            self.aff_title.setText(f"afferent field of #{i}<br>(on {_short(sg.src)})")
            self.last["weights.afferent"] = field
        else:
            self.aff_image.clear()
            self.aff_title.setText(f"afferent field:<br>select a neuron of {_short(sg.dst)}")
        if group is sg.src and i is not None:
            if "csr" in data:
                field = np.full(sg.dst.size, np.nan)
                field[indices[indptr[i]:indptr[i + 1]]] = w[indptr[i]:indptr[i + 1]]
            else:
                field = matrix[:, i]
            self._show_field(self.eff_image, self.eff_view, sg.dst, field, levels)
            self.eff_title.setText(f"efferent field of #{i}<br>(on {_short(sg.dst)})")
            self.last["weights.efferent"] = field
        else:
            self.eff_image.clear()
            self.eff_title.setText(f"efferent field:<br>select a neuron of {_short(sg.src)}")

    def field_image(self, group, field: np.ndarray) -> np.ndarray:
        """A per-neuron field laid out on ``group``'s grid (NaN where no neuron or no synapse)."""
        rows, cols, h, w = grid_layout(group)
        image = np.full((h, w), np.nan)
        image[rows, cols] = field
        return image

    def _show_field(self, item, view, group, field, levels) -> None:
        image = self.field_image(group, field)
        item.setImage(np.nan_to_num(image, nan=levels[0]), autoLevels=False, levels=levels)
        view.autoRange(padding=0.02)

    def export_data(self) -> dict:
        return dict(self.last)
