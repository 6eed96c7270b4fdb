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
    the window (``segments``), mean removed. Power in Hz^2/Hz; the axis shows 0 to ``max_hz``
    (default 500 Hz, set in the panel's "up to" box; at most Nyquist), where population rhythms
    are (at dt = 0.1 ms Nyquist is 5 kHz, and the interesting part was a sliver at the left).
    """

    title = "Spectrum"
    area = "center"
    interval_s = 0.25

    def __init__(self, explorer, bin_ms: float | None = None, segments: int = 4, log: bool = True,
                 max_hz: float = 500.0, **options: Any) -> None:
        super().__init__(explorer, **options)
        if not (np.isfinite(max_hz) and max_hz > 0):
            raise ValueError(f"SpectrumPanel: max_hz must be a positive frequency in Hz, got {max_hz!r}")
        self.max_hz = float(max_hz)
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
        top = QtWidgets.QHBoxLayout()
        self.peaks = QtWidgets.QLabel()
        top.addWidget(self.peaks, 1)
        top.addWidget(QtWidgets.QLabel("up to"))
        self.max_spin = QtWidgets.QDoubleSpinBox()
        self.max_spin.setRange(1.0, 1e6)
        self.max_spin.setDecimals(0)
        self.max_spin.setSuffix(" Hz")
        self.max_spin.setValue(self.max_hz)
        self.max_spin.setToolTip("highest frequency shown (at most Nyquist, 500 / bin ms)")
        self.max_spin.valueChanged.connect(self.set_max_hz)
        top.addWidget(self.max_spin)
        lay.addLayout(top)
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

    def set_max_hz(self, max_hz: float) -> None:
        """Show frequencies from 0 to ``max_hz`` (Hz; at most Nyquist)."""
        self.max_hz = float(max_hz)
        self._fit_range()
        self.explorer.request_redraw()

    def shown_range(self) -> tuple[float, float]:
        """The frequency range on the axis (Hz): 0 to min(max_hz, Nyquist)."""
        bin_ms = self.bin_ms or self.net.dt or 1.0
        return 0.0, min(self.max_hz, 500.0 / bin_ms)

    def _fit_range(self) -> None:
        if hasattr(self, "plot"):
            self.plot.setXRange(*self.shown_range(), padding=0)

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
        self._fit_range()

    def export_data(self) -> dict:
        return dict(self.last)
