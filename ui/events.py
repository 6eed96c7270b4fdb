"""The explorer's event log: every parameter edit, toggle, stimulus change, reset and fast-forward."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field

from ._qt import QtCore, pyqtSignal


@dataclass
class Event:
    """One logged change.

    Attributes
    ----------
    t : float
        Simulated time (ms) when it happened.
    iteration : int
        Network iteration when it happened (the change acts from the next step on).
    kind : str
        ``'parameter'``, ``'enable'``, ``'disable'``, ``'stimulus'``, ``'fast-forward'``,
        ``'reset'``, ``'run'``, ``'pause'``, ``'step'``, ``'console'``, ``'error'`` ...
    target : str
        What was changed (``"NeuronGroup 'exc' / LIF (key 30) / tau"``).
    text : str
        A readable description (old and new value, steps run, ...).
    wall : float
        Wall-clock time (seconds since the epoch).
    """

    t: float
    iteration: int
    kind: str
    target: str
    text: str
    wall: float = field(default_factory=time.time)


class EventLog(QtCore.QObject):
    """An append-only list of :class:`Event` s with a Qt signal per new entry."""

    added = pyqtSignal(object)

    def __init__(self, net, parent=None) -> None:
        super().__init__(parent)
        self.net = net
        self.events: list[Event] = []

    def log(self, kind: str, target: str = "", text: str = "", *, t: float | None = None,
            iteration: int | None = None) -> Event:
        """Append an event stamped with the network's current time and iteration."""
        it = self.net.iteration if iteration is None else int(iteration)
        event = Event(self.net.dt * it if t is None else float(t), it, kind, target, text)
        self.events.append(event)
        self.added.emit(event)
        return event

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    def of_kind(self, kind: str) -> list[Event]:
        """The events of one kind, oldest first."""
        return [e for e in self.events if e.kind == kind]

    def to_csv(self, path) -> None:
        """Write the log as CSV: t_ms, iteration, kind, target, text, wall_time."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["t_ms", "iteration", "kind", "target", "text", "wall_time"])
            for e in self.events:
                writer.writerow([f"{e.t:.6g}", e.iteration, e.kind, e.target, e.text,
                                 time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(e.wall))])
