"""The selection every panel follows: one neuron group and some of its neurons."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._qt import QtCore, pyqtSignal


class Selection(QtCore.QObject):
    """The shared selection: ``group`` (a NeuronGroup) and ``indices`` (sorted int array).

    Panels read it and connect to ``changed``; ``source`` tells which panel made the change.
    """

    changed = pyqtSignal(object)

    def __init__(self, group: Any = None, parent=None) -> None:
        super().__init__(parent)
        self.group = group
        self.indices = np.zeros(1 if group is not None else 0, dtype=np.int64)

    def set(self, group: Any, indices: Any = None, source: Any = None) -> None:
        """Select ``indices`` of ``group`` (all of it when None) and notify the panels."""
        if group is None:
            raise ValueError("Selection.set needs a neuron group")
        if indices is None:
            idx = np.arange(group.size)
        else:
            idx = np.unique(np.asarray(indices, dtype=np.int64).ravel())
            if idx.size and (idx[0] < 0 or idx[-1] >= group.size):
                raise ValueError(f"selection indices must lie in [0, {group.size}) for {group.describe()}")
        self.group, self.indices = group, idx
        self.changed.emit(source)

    def add(self, indices: Any, source: Any = None) -> None:
        """Add neurons of the current group to the selection."""
        self.set(self.group, np.concatenate([self.indices, np.asarray(indices, dtype=np.int64).ravel()]), source)

    @property
    def first(self) -> int | None:
        """The first selected neuron, or None."""
        return int(self.indices[0]) if self.indices.size else None
