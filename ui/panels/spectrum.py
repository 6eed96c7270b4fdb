"""Power spectrum (in Hz) of each group's population rate over the time window."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn import analysis

from .._qt import QtWidgets, pg
from .base import FrameView, Need, Panel, group_colour, style_plot, window_trains


class SpectrumPanel(Panel):
    """Power spectral density of the population rate of every spiking group.

    Computed with :func:`pymonn.analysis.power_spectrum` from the window's spikes binned at
    ``bin_ms`` (default: one step), by Welch's method with Hann-windowed segments of a quarter of
    the window (``segments``), mean removed. Frequencies in Hz up to Nyquist, power in Hz^2/Hz.
    """

    title = "Spectrum"
    area = "center"
    interval_s = 0.25

    def __init__(self, explorer, bin_ms: float | None = None, segments: int = 4, log: bool = True,
                 **options: Any) -> None:
        super().__init__(explorer, **options)
        self.bin_ms = bin_ms
        self.segments = int(segments)
        self.log = bool(log)
        self.curves: dict[int, pg.PlotDataItem] = {}
        self.last: dict[str, np.ndarray] = {}
        self.spectra: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def needs(self) -> list[Need]:
        return self.spike_needs()

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.peaks = QtWidgets.QLabel()
        lay.addWidget(self.peaks)
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot = style_plot(self.plot_widget.getPlotItem(), "frequency (Hz)", "power (Hz\u00b2/Hz)")
        self.plot.setLogMode(x=False, y=self.log)
        self.plot.hideButtons()
        self.plot.addLegend(offset=(-5, 5), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 200))
        for g in self.groups:
            if hasattr(g, self.spike_variable):
                self.curves[id(g)] = self.plot.plot(pen=pg.mkPen(group_colour(self.net, g), width=1), name=g.tags[0])
        lay.addWidget(self.plot_widget, 1)
        return box

    def collect(self, view: FrameView) -> dict:
        return {id(g): window_trains(view, g) for g in self.groups if id(g) in self.curves}

    def spectrum(self, trains) -> tuple[np.ndarray, np.ndarray]:
        """The (f in Hz, power) this panel draws for ``trains``."""
        bin_ms = self.bin_ms or trains.dt or 1.0
        samples = int(np.floor(trains.duration / bin_ms + 1e-7))
        if samples < 8:
            return np.empty(0), np.empty(0)
        seg = max(8, samples // max(1, self.segments))
        return analysis.power_spectrum(trains, bin_ms=bin_ms, segment_ms=seg * bin_ms)

    def update(self, data: dict) -> None:
        text = []
        for g in self.groups:
            if id(g) not in data:
                continue
            f, p = self.spectrum(data[id(g)])
            self.spectra[id(g)] = (f, p)
            keep = f > 0
            f, p = f[keep], p[keep]
            if self.log:
                p = np.maximum(p, 1e-12)
            self.curves[id(g)].setData(f, p)
            if f.size:
                text.append(f"{g.tags[0]}: peak {f[np.argmax(p)]:.1f} Hz")
            self.last[f"spectrum.{g.tags[0]}.f"], self.last[f"spectrum.{g.tags[0]}.power"] = f, p
        self.peaks.setText("   ".join(text) or "no spikes yet")

    def export_data(self) -> dict:
        return dict(self.last)
