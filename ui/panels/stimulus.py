"""Stimulus controls: one slider per input behaviour, scaling its drive while the network runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.errors import PymonnError

from .._qt import Qt, QtWidgets
from ..parameters import describe_value, find_parameter
from ..recording import EXPLORER_TAG
from .base import Panel

#: Parameter names tried, in order, as an input's drive.
DRIVE_NAMES = ("amplitude", "mu", "mean", "rate", "I", "current", "drive", "strength", "offset")


def is_input(behaviour) -> bool:
    """Inputs: key-10 behaviours (``default_key``), the library's input classes, or named like one
    (Poisson spike sources included: their ``rate`` is the drive)."""
    if EXPLORER_TAG in behaviour.tags:
        return False
    if getattr(behaviour, "drive_parameter", None):
        return True
    if getattr(type(behaviour), "default_key", None) == 10:
        return True
    module = type(behaviour).__module__ or ""
    if ".inputs" in module:
        return True
    name = type(behaviour).__name__.lower()
    return any(w in name for w in ("input", "current", "stimulus", "noise", "drive", "poisson")) or "input" in [
        t.lower() for t in behaviour.tags]


def drive_of(behaviour) -> str | None:
    """The parameter a slider drives: ``drive_parameter`` if the class names one, else the first
    of :data:`DRIVE_NAMES` the behaviour holds as a live number or array."""
    named = getattr(behaviour, "drive_parameter", None)
    candidates = [named] if named else list(DRIVE_NAMES)
    for name in candidates:
        value = vars(behaviour).get(name)
        if value is None and behaviour.parent is not None:
            value = vars(behaviour.parent).get(name) if name in behaviour.init_kwargs else None
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            return name
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.ndim == 1:
            return name
    return None


class StimulusPanel(Panel):
    """A slider per input behaviour: 0-300 % of the drive it started with.

    Moving a slider writes ``initial * percent / 100`` into the drive parameter (an array drive is
    scaled element-wise) between two steps and logs a ``stimulus`` event. A drive that started at 0
    is set in absolute units 0-100 instead. The slider follows its parameter whichever side changes
    it (Reset, the inspector, the console, a behaviour): ``percent = 100 * mean(value) / mean(initial)``,
    clipped to 0-300, re-read after every edit and at every frame the panel is shown.
    """

    title = "Stimulus"
    area = "right"
    interval_s = 0.25

    def __init__(self, explorer, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.controls: list[dict] = []

    def inputs(self) -> list[tuple[Any, str]]:
        """(behaviour, drive parameter) of every input behaviour found."""
        out = []
        for obj in self.net.all_objects():
            for key in sorted(obj.behaviours):
                b = obj.behaviours[key]
                if is_input(b):
                    name = drive_of(b)
                    if name is not None:
                        out.append((b, name))
        return out

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(4, 4, 4, 4)
        found = self.inputs()
        if not found:
            lay.addWidget(QtWidgets.QLabel("no input behaviour with a drive parameter\n(amplitude, mu, rate, ...)"))
        for b, name in found:
            p = find_parameter(b, name)
            initial = np.array(p.value, dtype=np.float64, copy=True)
            # the name in a word-wrapped label, not the group box's title: a long title would set the
            # dock's (and the window's) minimum width
            frame = QtWidgets.QGroupBox()
            column = QtWidgets.QVBoxLayout(frame)
            column.setContentsMargins(4, 2, 4, 2)
            title = QtWidgets.QLabel(f"{b.parent.tags[0]} / {b.key}: {type(b).__name__}.{name}"
                                     + (f" ({p.unit})" if p.unit else ""))
            title.setWordWrap(True)
            column.addWidget(title)
            row = QtWidgets.QHBoxLayout()
            column.addLayout(row)
            slider = QtWidgets.QSlider(Qt.Horizontal)
            slider.setRange(0, 300)
            slider.setValue(100)
            slider.setTickInterval(50)
            slider.setTickPosition(QtWidgets.QSlider.TicksBelow)
            label = QtWidgets.QLabel()
            label.setMinimumWidth(110)
            row.addWidget(slider, 1)
            row.addWidget(label)
            lay.addWidget(frame)
            control = {"behaviour": b, "name": name, "initial": initial, "slider": slider, "label": label, "title": title,
                       "absolute": bool(np.all(initial == 0))}
            self.controls.append(control)
            self._label(control)
            slider.valueChanged.connect(lambda value, c=control: self.set_percent(c, value))
        lay.addStretch(1)
        return box

    def _label(self, c: dict) -> None:
        c["label"].setText(describe_value(vars(find_parameter(c["behaviour"], c["name"]).owner)[c["name"]]))

    def percent_of(self, c: dict, value: Any) -> int:
        """The slider position (0-300) a drive value stands for: the inverse of :meth:`value_for`."""
        value = np.asarray(value, dtype=np.float64)
        if c["absolute"]:
            ratio = 3.0 * float(np.mean(value)) if value.size else 0.0
        else:
            base = float(np.mean(c["initial"]))
            ratio = 100.0 * float(np.mean(value)) / base if base != 0 else 100.0
        return int(np.clip(np.round(ratio), 0, 300)) if np.isfinite(ratio) else 0

    def follow(self, c: dict) -> None:
        """Move the slider (without applying it) and its label to the parameter's current value."""
        if c["slider"].isSliderDown():  # the user is dragging it: the drag wins
            return
        value = vars(find_parameter(c["behaviour"], c["name"]).owner)[c["name"]]
        percent = self.percent_of(c, value)
        if c["slider"].value() != percent:
            c["slider"].blockSignals(True)
            c["slider"].setValue(percent)
            c["slider"].blockSignals(False)
        c["label"].setText(describe_value(value))

    def refresh_values(self) -> None:
        """Re-read every drive (the explorer calls it after each edit, reset and console command)."""
        with self.explorer.lock.hold():
            for c in self.controls:
                self.follow(c)

    def collect(self, view) -> list:
        return [np.array(vars(find_parameter(c["behaviour"], c["name"]).owner)[c["name"]], copy=True)
                for c in self.controls]

    def update(self, data: list) -> None:
        for c, value in zip(self.controls, data, strict=True):
            if c["slider"].isSliderDown():
                continue
            percent = self.percent_of(c, value)
            if c["slider"].value() != percent:
                c["slider"].blockSignals(True)
                c["slider"].setValue(percent)
                c["slider"].blockSignals(False)
            c["label"].setText(describe_value(value if value.ndim else value.item()))

    def value_for(self, c: dict, percent: float) -> Any:
        """The drive value a slider position (percent) stands for."""
        if c["absolute"]:
            return float(percent) / 3.0 if c["initial"].ndim == 0 else np.full_like(c["initial"], percent / 3.0)
        scaled = c["initial"] * (percent / 100.0)
        return float(scaled) if scaled.ndim == 0 else scaled

    def set_percent(self, c: dict, percent: int) -> None:
        """Apply a slider position (also callable from tests and scripts)."""
        if c["slider"].value() != percent:
            c["slider"].blockSignals(True)
            c["slider"].setValue(int(percent))
            c["slider"].blockSignals(False)
        try:
            self.explorer.set_parameter(c["behaviour"], c["name"], self.value_for(c, percent), kind="stimulus")
        except PymonnError as exc:
            c["label"].setText("rejected")
            c["label"].setToolTip(str(exc))
            return
        self._label(c)
