"""Membrane traces of the selected neurons, with the group mean and the model's threshold."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._qt import Qt, QtWidgets, pg
from .base import (
    FastCurve,
    FrameView,
    LeanAxisItem,
    LevelLine,
    Need,
    Panel,
    cache_item_tree,
    find_threshold,
    sticky_range,
    style_plot,
    vector_variables,
)

TRACE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]


def default_variable(group) -> str | None:
    """'v' when the group has it, else its first float per-neuron variable."""
    names = vector_variables(group, "f")
    if "v" in names:
        return "v"
    names = [n for n in names if n not in ("x", "y", "z")]
    return names[0] if names else None


def traceable(group, name: str) -> bool:
    """Whether ``group.name`` is a number or a per-neuron array of numbers (bools included)."""
    value = vars(group).get(name)
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.shape in ((), (group.size,))


def is_scalar(group, name: str) -> bool:
    """Whether ``group.name`` is one number for the whole group (not one per neuron)."""
    return np.ndim(vars(group).get(name)) == 0


def variable_unit(group, name: str) -> str:
    """The unit the group's behaviours document for variable ``name`` (``units`` or docstring), or ""."""
    from ..parameters import units_of

    for key in sorted(group.behaviours):
        try:
            unit = units_of(group.behaviours[key]).get(name)
        except Exception:  # noqa: BLE001 - an odd docstring gives no unit, not an error
            unit = None
        if unit:
            return unit
    return ""


def axis_label(group, name: str) -> str:
    """``'v (mV)'``: the variable and its documented unit (the name alone without one)."""
    unit = variable_unit(group, name)
    return f"{name} ({unit})" if unit else name


class TracesPanel(Panel):
    """Traces of a variable (``v`` by default) for up to ``max_traces`` selected neurons.

    Only the selected group is recorded (a ring of the whole per-neuron array, so any of its
    neurons can be shown at once); selecting another group starts recording there.

    The group mean (over all its neurons, every step) is the thick grey line; the
    threshold (or spike peak) found on the group or its neuron model is a dashed red line.

    Options
    -------
    variable : str
        The variable traced first (default ``'v'``, else the group's first float array).
    variables : list of str, optional
        The variables offered in the panel's menu, in this order (default: every float
        per-neuron array of the selected group). With a list, scalars of the group (one number
        per group, drawn as the group line) and bool arrays (drawn as 0 and 1) can be traced too.
    """

    title = "Traces"
    area = "lower"

    def __init__(self, explorer, variable: str | None = None, max_traces: int = 8, variables: Any = None,
                 **options: Any) -> None:
        super().__init__(explorer, **options)
        self.max_traces = int(max_traces)
        self.choices = None if variables is None else [str(v) for v in variables]
        self.variables = {id(g): self._first_variable(g, variable) for g in self.groups}
        self.curves: list[pg.PlotCurveItem] = []
        self.last: dict[str, np.ndarray] = {}

    def offered(self, group) -> list[str]:
        """The variables the menu offers for ``group``."""
        if self.choices is None:
            return [n for n in vector_variables(group, "f") if n not in ("x", "y", "z")]
        return [n for n in self.choices if traceable(group, n)]

    def _first_variable(self, group, variable: str | None) -> str | None:
        offered = self.offered(group)
        if variable and variable in offered:
            return variable
        if self.choices is None:
            return variable if variable and hasattr(group, variable) else default_variable(group)
        floats = [n for n in offered if np.asarray(vars(group)[n]).dtype.kind != "b"]
        return (floats or offered or [None])[0]

    def needs(self) -> list[Need]:
        """The traced variable of the selected group only: recording starts when a group is selected."""
        g = self.selection.group
        var = self.variables.get(id(g)) if g is not None else None
        return [Need(g, var)] if var else []

    @property
    def variable(self) -> str | None:
        """The variable traced for the selected group."""
        g = self.selection.group
        return self.variables.get(id(g)) if g is not None else None

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        top = QtWidgets.QHBoxLayout()
        self.info = QtWidgets.QLabel()
        top.addWidget(self.info, 1)
        top.addWidget(QtWidgets.QLabel("variable:"))
        self.combo = QtWidgets.QComboBox()
        self.combo.currentTextChanged.connect(self._variable_chosen)
        top.addWidget(self.combo)
        lay.addLayout(top)
        axes = {"bottom": LeanAxisItem("bottom"), "left": LeanAxisItem("left")}
        self.plot_widget = pg.PlotWidget(background="w", axisItems=axes)
        self.plot = style_plot(self.plot_widget.getPlotItem(), "time (ms)", "v")
        self.plot.getAxis("left").setWidth(55)
        self.plot.hideButtons()
        self.plot.disableAutoRange()
        self.legend = self.plot.addLegend(offset=(-5, 5), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 200))
        # curves, not PlotDataItems: setData is several times cheaper (no symbol/option machinery)
        for k in range(self.max_traces):
            curve = FastCurve(pen=pg.mkPen(TRACE_COLOURS[k % len(TRACE_COLOURS)], width=1))
            self.plot.addItem(curve)
            self.curves.append(curve)
        self.mean_curve = FastCurve(pen=pg.mkPen("#000000", width=1), name="group mean")  # width 1: fast path
        self.plot.addItem(self.mean_curve)
        # no label on the line (a label moves with the scrolling view, repositioned every frame): the
        # legend names it, with a sample item that is never drawn in the plot
        pen = pg.mkPen("#e00000", width=1, style=Qt.DashLine)
        # a plain Qt line (no Python per frame, unlike pyqtgraph's InfiniteLine), kept a window wider
        # than the visible x range on each side
        self.threshold = LevelLine(0.0, angle=0, pen=pen)
        self._threshold_sample = pg.PlotDataItem(pen=pen)
        self.plot.addItem(self.threshold, ignoreBounds=True)
        self.threshold.hide()
        self.plot.getViewBox().sigXRangeChanged.connect(self._fit_threshold)
        self.explorer.time_axis.link(self.plot)
        lay.addWidget(self.plot_widget, 1)
        self.on_selection(self.selection)
        return box

    def _fit_threshold(self, _view: Any = None, x_range: Any = None) -> None:
        x0, x1 = x_range if x_range is not None else self.plot.getViewBox().viewRange()[0]
        span = x1 - x0
        self.threshold.set_span(x0 - span, x1 + span)

    def _variable_chosen(self, name: str) -> None:
        g = self.selection.group
        if not name or g is None or name == self.variables.get(id(g)):
            return
        self.variables[id(g)] = name
        self.explorer.ensure_recording([Need(g, name)])
        self.explorer.request_redraw()

    def on_selection(self, selection, source: Any = None) -> None:
        g = selection.group
        if g is None or not hasattr(self, "combo"):
            return
        if g is not getattr(self, "_recording_group", None):
            self.explorer.ensure_recording(self.needs(), release=[self._recording_group]
                                           if getattr(self, "_recording_group", None) is not None else [])
            self._recording_group = g
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(self.offered(g))
        if self.variables.get(id(g)):
            self.combo.setCurrentText(self.variables[id(g)])
        self.combo.blockSignals(False)
        shown = selection.indices[: self.max_traces]
        more = "" if selection.indices.size <= self.max_traces else f" (first {self.max_traces} of {selection.indices.size})"
        self.info.setText(f"{g.tags[0]}: neurons {', '.join(map(str, shown))}{more}")
        self.explorer.request_redraw()

    def collect(self, view: FrameView) -> dict:
        g = self.selection.group
        var = self.variable
        if g is None or var is None:
            return {}
        if is_scalar(g, var):  # one number per group: the group line only
            cols = np.empty(0, np.int64)
            t, values = view.trace(g, var)
        else:
            cols = self.selection.indices[: self.max_traces]
            t, values = view.trace(g, var, columns=cols)
        if values.dtype.kind == "b":
            values = values.astype(np.float64)
        mt, mean = view.trace_mean(g, var)
        threshold, where = find_threshold(g) if var == "v" else (None, "")
        return {"group": g, "var": var, "cols": cols, "t": t, "values": values, "mean_t": mt, "mean": mean,
                "threshold": threshold}

    def update(self, data: dict) -> None:
        if not data:
            return
        if data["var"] != getattr(self, "_label_for", None):
            self._label_for = data["var"]
            self.plot.setLabel("left", axis_label(data["group"], data["var"]), color="#222222")
        t, values, cols = data["t"], data["values"], data["cols"]
        legend = (id(data["group"]), tuple(int(c) for c in cols), data["threshold"] is not None)
        if legend != getattr(self, "_legend_for", None):
            self._legend_for = legend
            self.legend.clear()
            for k, curve in enumerate(self.curves[: len(cols)]):
                self.legend.addItem(curve, f"#{cols[k]}")
            self.legend.addItem(self.mean_curve, "group mean")
            self._legend_threshold = False
        if (data["threshold"] is not None) != getattr(self, "_legend_threshold", False):
            self._legend_threshold = data["threshold"] is not None
            if self._legend_threshold:
                self.legend.addItem(self._threshold_sample, "threshold")
            else:
                self.legend.removeItem(self._threshold_sample)
        for k, curve in enumerate(self.curves):
            if k < len(cols) and values.ndim == 2 and values.shape[0] == t.shape[0]:
                curve.setData(t, values[:, k])
                curve.show()
            elif curve.isVisible():
                curve.setData([], [])
                curve.hide()
        # the legend is static over a plot repainted every frame: kept as pixmaps, renewed when its
        # entries or their curves' visibility (which a sample shows) change
        cached = (legend, tuple(sample.item.isVisible() for sample, _ in self.legend.items))
        if cached != getattr(self, "_legend_cached", None):
            self._legend_cached = cached
            cache_item_tree(self.legend)
            for sample, _ in self.legend.items:
                sample.update()
        mean = np.asarray(data["mean"]).reshape(-1)
        self.mean_curve.setData(data["mean_t"], mean)
        parts = [np.asarray(values, dtype=np.float64).ravel(), mean.astype(np.float64)]
        if data["threshold"] is not None:
            parts.append(np.array([data["threshold"]]))
        both = np.concatenate(parts)
        both = both[np.isfinite(both)]
        if both.size:
            sticky_range(self.plot, float(both.min()), float(both.max()))
        if data["threshold"] is not None:
            self.threshold.setValue(data["threshold"])
            self.threshold.show()
        else:
            self.threshold.hide()
        name = data["group"].tags[0]
        self.last = {f"traces.{name}.t": t, f"traces.{name}.{data['var']}": values,
                     f"traces.{name}.neurons": np.asarray(cols), f"traces.{name}.mean": mean}

    def export_data(self) -> dict:
        return dict(self.last)
