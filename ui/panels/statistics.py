"""Spike statistics of the selected group over the time window (computed by ``pymonn.analysis``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn import analysis

from .._qt import QtWidgets, pg
from .base import FrameView, Need, Panel, style_plot, window_trains


def window_statistics(trains, fano_window_ms: float, sync_bin_ms: float, sync_width_ms: float) -> dict:
    """Rates (Hz), pooled ISIs (ms), per-neuron CVs, mean Fano factor and Golomb's chi of ``trains``."""
    out: dict[str, Any] = {}
    duration = trains.duration
    out["rates"] = analysis.firing_rates(trains) if duration > 0 else np.zeros(trains.n)
    out["isi"] = analysis.isi(trains, pooled=True)
    cv = analysis.cv_isi(trains)
    out["cv"] = cv[np.isfinite(cv)]
    fano = np.nan
    if duration >= 2 * fano_window_ms:
        ff = analysis.fano_factor(trains, fano_window_ms)
        ff = ff[np.isfinite(ff)]
        fano = float(ff.mean()) if ff.size else np.nan
    out["fano"] = fano
    chi = np.nan
    if duration >= 4 * sync_bin_ms and len(trains):
        chi = analysis.spike_synchrony(trains, bin_ms=sync_bin_ms, width_ms=sync_width_ms)
    out["chi"] = chi
    return out


class StatisticsPanel(Panel):
    """Rate, ISI and CV histograms, mean Fano factor and synchrony of the selected group.

    Definitions are those of :mod:`pymonn.analysis`: per-neuron rates over the window, the ISIs
    of all neurons pooled, the CV of each neuron with at least two ISIs, the Fano factor of each
    neuron's counts in ``fano_window_ms`` windows averaged over the neurons that fired, and
    Golomb's chi of the spike trains binned at ``sync_bin_ms`` and smoothed with a
    ``sync_width_ms`` Gaussian.
    """

    title = "Statistics"
    area = "center"
    interval_s = 0.5

    def __init__(self, explorer, bins: int = 40, fano_window_ms: float = 20.0, sync_bin_ms: float = 1.0,
                 sync_width_ms: float = 2.0, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.bins = int(bins)
        self.fano_window_ms = float(fano_window_ms)
        self.sync_bin_ms = float(sync_bin_ms)
        self.sync_width_ms = float(sync_width_ms)
        self.last: dict[str, Any] = {}

    def needs(self) -> list[Need]:
        return self.spike_needs()

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        lay.addWidget(self.glw, 1)
        self.plots, self.curves = {}, {}
        for col, (key, label, colour) in enumerate(
                [("rates", "rate (Hz)", "#1f77b4"), ("isi", "ISI (ms)", "#2ca02c"), ("cv", "CV of ISI", "#d62728")]):
            plot = style_plot(self.glw.addPlot(row=0, col=col), label, "neurons" if key != "isi" else "intervals")
            plot.hideButtons()
            r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            self.curves[key] = plot.plot(stepMode="center", fillLevel=0, brush=pg.mkBrush(r, g, b, 110), pen=pg.mkPen(colour))
            self.plots[key] = plot
        return box

    def collect(self, view: FrameView) -> dict:
        g = self.selection.group
        if g is None or not hasattr(g, self.spike_variable):
            return {}
        return {"group": g, "trains": window_trains(view, g)}

    def update(self, data: dict) -> None:
        if not data:
            return
        trains = data["trains"]
        stats = window_statistics(trains, self.fano_window_ms, self.sync_bin_ms, self.sync_width_ms)
        for key in ("rates", "isi", "cv"):
            values = stats[key]
            if values.size:
                counts, edges = np.histogram(values, bins=self.bins)
            else:
                counts, edges = np.zeros(1), np.array([0.0, 1.0])
            self.curves[key].setData(edges, counts)
            self.last[f"stats.{key}.edges"], self.last[f"stats.{key}.counts"] = edges, counts
        rates = stats["rates"]
        cv = stats["cv"]
        self.summary.setText(
            f"<b>{data['group'].tags[0]}</b> over {trains.duration:.0f} ms: mean rate "
            f"{rates.mean() if rates.size else 0:.2f} Hz, {len(trains)} spikes, mean CV "
            f"{cv.mean() if cv.size else float('nan'):.2f}, Fano factor ({self.fano_window_ms:g} ms windows) "
            f"{stats['fano']:.2f}, synchrony chi {stats['chi']:.3f}"
        )
        self.last.update({"stats.mean_rate": float(rates.mean()) if rates.size else 0.0, "stats.fano": stats["fano"],
                          "stats.chi": stats["chi"], "stats.mean_cv": float(cv.mean()) if cv.size else np.nan})
        self.stats = stats

    def export_data(self) -> dict:
        return {k: np.asarray(v) for k, v in self.last.items()}
