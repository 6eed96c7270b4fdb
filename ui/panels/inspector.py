"""Behaviour inspector: groups, synapse groups and their behaviours with live, editable parameters.

Double-click a parameter (or select it and press F2) to edit its value: validated, applied between
two steps and logged in the event timeline; a refused value shows why and keeps the old one. Tick or
untick a behaviour to enable or disable it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pymonn.errors import PymonnError

from .._qt import Qt, QtGui, QtWidgets
from ..parameters import describe_value, parameters_of
from ..recording import EXPLORER_TAG
from .base import FrameView, Panel

_ROLE = Qt.UserRole + 1


class _Tree(QtWidgets.QTreeWidget):
    """The inspector's tree: F2 (or Return) on a parameter row edits its value, as a double click does."""

    def __init__(self, panel: InspectorPanel) -> None:
        super().__init__()
        self.panel = panel

    def keyPressEvent(self, ev) -> None:  # noqa: N802
        item = self.currentItem()
        if ev.key() in (Qt.Key_F2, Qt.Key_Return, Qt.Key_Enter) and self.state() != self.EditingState \
                and item is not None and self.panel.start_edit(item):
            ev.accept()
            return
        super().keyPressEvent(ev)

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self.panel.fit_columns()


class InspectorPanel(Panel):
    """A tree of the network: objects, behaviours (checkable), parameters (editable) and variables."""

    title = "Inspector"
    area = "right"
    interval_s = 1.0

    def __init__(self, explorer, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.param_items: list[tuple[QtWidgets.QTreeWidgetItem, Any]] = []
        self.behaviour_items: dict[int, QtWidgets.QTreeWidgetItem] = {}
        self.variable_items: list[tuple[QtWidgets.QTreeWidgetItem, Any, str]] = []
        self._filling = False

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.tree = _Tree(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["name", "value", "unit"])
        self.tree.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemChanged.connect(self._item_changed)
        lay.addWidget(self.tree, 1)
        self.status = QtWidgets.QLabel("double-click a value (or F2) to edit it; tick a behaviour to enable it")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.fill()
        return box

    # -- the tree -------------------------------------------------------------------------------
    def fill(self) -> None:
        """(Re)build the tree from the network."""
        self._filling = True
        self.tree.clear()
        self.param_items.clear()
        self.behaviour_items.clear()
        self.variable_items.clear()
        bold = QtGui.QFont()
        bold.setBold(True)
        root = QtWidgets.QTreeWidgetItem([self.net.describe(), f"dt = {self.net.dt} ms, {self.net.dtype.name}", ""])
        root.setFont(0, bold)
        self.tree.addTopLevelItem(root)
        for obj in self.net.all_objects():
            if obj is self.net:
                node = root
            else:
                if obj in self.net.NeuronGroups:
                    label, size = obj.tags[0], f"NeuronGroup, {obj.size} neurons"
                else:
                    label = f"{obj.tags[0]}: {obj.src.tags[0]} -> {obj.dst.tags[0]}"
                    size = f"SynapseGroup {obj.shape[0]} x {obj.shape[1]}"
                node = QtWidgets.QTreeWidgetItem([label, size, ""])
                node.setToolTip(0, obj.describe())
                node.setFont(0, bold)
                root.addChild(node)
            for key in sorted(obj.behaviours):
                b = obj.behaviours[key]
                if EXPLORER_TAG in b.tags:
                    continue
                self._add_behaviour(node, key, b)
            if obj is not self.net:
                self._add_variables(node, obj)
        root.setExpanded(True)
        for k in range(root.childCount()):
            root.child(k).setExpanded(k < 3)
        # names as wide as they are, the units too; the values take the rest of a narrow dock (a long
        # value is elided and shown whole in its tooltip)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.Interactive)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.Stretch)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeToContents)
        self.fit_columns()
        self._shown_structure = self._structure()
        self._filling = False

    def _add_behaviour(self, node, key, b) -> None:
        item = QtWidgets.QTreeWidgetItem([f"{key}: {type(b).__name__}", "", ""])
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(0, Qt.Checked if b.behaviour_enabled else Qt.Unchecked)
        item.setData(0, _ROLE, ("behaviour", b))
        item.setToolTip(0, (type(b).__doc__ or "").strip().split("\n")[0])
        node.addChild(item)
        self.behaviour_items[id(b)] = item
        if getattr(b, "is_recorder", False):
            item.setText(1, ", ".join(getattr(b, "variables", [])))
            return
        for p in parameters_of(b):
            child = QtWidgets.QTreeWidgetItem([p.name, describe_value(p.value), p.unit])
            child.setData(0, _ROLE, ("parameter", p))
            tip = f"lives on: {p.where}" + ("" if p.constructor else " (not a constructor keyword)")
            if not p.editable:
                child.setForeground(1, QtGui.QBrush(QtGui.QColor("#888888")))
                tip += "; read only"
            else:
                child.setFlags(child.flags() | Qt.ItemIsEditable)  # edited in column 1 only (start_edit)
                tip += "; double-click or F2 to edit"
            child.setToolTip(0, tip)
            child.setToolTip(1, tip)
            item.addChild(child)
            self.param_items.append((child, p))

    def _add_variables(self, node, obj) -> None:
        names = [n for n, v in vars(obj).items() if not n.startswith("_") and isinstance(v, np.ndarray)]
        if not names:
            return
        group = QtWidgets.QTreeWidgetItem(["variables", f"{len(names)} arrays", ""])
        node.addChild(group)
        for name in sorted(names):
            child = QtWidgets.QTreeWidgetItem([name, describe_value(vars(obj)[name]), ""])
            child.setForeground(1, QtGui.QBrush(QtGui.QColor("#555555")))
            group.addChild(child)
            self.variable_items.append((child, obj, name))

    def fit_columns(self) -> None:
        """Names as wide as they need, but at most half the tree: the values keep the other half."""
        tree = getattr(self, "tree", None)
        if tree is None:
            return
        wanted = tree.sizeHintForColumn(0) + 8
        tree.header().resizeSection(0, max(60, min(wanted, tree.viewport().width() // 2)))

    def item_for(self, behaviour, name: str | None = None) -> QtWidgets.QTreeWidgetItem | None:
        """The tree item of a behaviour (or of one of its parameters)."""
        if name is None:
            return self.behaviour_items.get(id(behaviour))
        for item, p in self.param_items:
            if p.behaviour is behaviour and p.name == name:
                return item
        return None

    # -- interaction ----------------------------------------------------------------------------
    def _double_clicked(self, item, column: int) -> None:
        self.start_edit(item)

    def start_edit(self, item) -> bool:
        """Open the value editor of a parameter row (double click, F2, Return); False for other rows."""
        data = item.data(0, _ROLE)
        if not (data and data[0] == "parameter" and data[1].editable):
            return False
        self.tree.setCurrentItem(item, 1)
        self.tree.editItem(item, 1)
        return True

    def _item_changed(self, item, column: int) -> None:
        if self._filling:
            return
        data = item.data(0, _ROLE)
        if not data:
            return
        kind, obj = data
        if kind == "behaviour" and column == 0:
            enabled = item.checkState(0) == Qt.Checked
            if enabled != obj.behaviour_enabled:
                self.explorer.set_enabled(obj, enabled)
        elif kind == "parameter" and column == 1:
            self.edit(obj.behaviour, obj.name, item.text(1))
            self._filling = True  # the cell shows the value now held (the refused text goes away)
            item.setText(1, describe_value(obj.value))
            self._filling = False

    def edit(self, behaviour, name: str, text: Any) -> bool:
        """Apply an edit typed in the tree; shows the result in the status line."""
        try:
            old, new = self.explorer.set_parameter(behaviour, name, text)
        except PymonnError as exc:
            self.status.setText(f"<span style='color:#c00000'>rejected: {exc}</span>")
            self.refresh_values()
            return False
        self.status.setText(f"{type(behaviour).__name__}.{name}: {old} -> {new} (from step {self.net.iteration + 1})")
        return True

    def _structure(self) -> list:
        return [(id(obj), sorted((k, id(b)) for k, b in obj.behaviours.items() if EXPLORER_TAG not in b.tags))
                for obj in self.net.all_objects()]

    def refresh_values(self) -> None:
        """Re-read every shown value (waits for the running batch to end); rebuilds the tree when
        behaviours were added or removed (from the console, say)."""
        with self.explorer.lock.hold():
            if self._structure() != self._shown_structure:
                self.fill()
            else:
                self._refresh_values()

    def _refresh_values(self) -> None:
        self._filling = True
        editing = self.tree.state() == QtWidgets.QAbstractItemView.EditingState
        current = self.tree.currentItem()
        for item, p in self.param_items:
            if editing and item is current:
                continue
            item.setText(1, describe_value(p.value))
        for item in self.behaviour_items.values():
            b = item.data(0, _ROLE)[1]
            item.setCheckState(0, Qt.Checked if b.behaviour_enabled else Qt.Unchecked)
        self._filling = False

    # -- frames ---------------------------------------------------------------------------------
    def collect(self, view: FrameView) -> dict:
        out = {id(item): describe_value(p.value) for item, p in self.param_items if item.parent().isExpanded()}
        out.update({id(item): describe_value(vars(obj).get(name)) for item, obj, name in self.variable_items
                    if item.parent().isExpanded()})
        out["enabled"] = {b_id: item.data(0, _ROLE)[1].behaviour_enabled for b_id, item in self.behaviour_items.items()}
        return out

    def update(self, data: dict) -> None:
        self._filling = True
        editing = self.tree.state() == QtWidgets.QAbstractItemView.EditingState
        current = self.tree.currentItem()
        for item, _ in self.param_items:
            text = data.get(id(item))
            if text is not None and not (editing and item is current):
                item.setText(1, text)
        for item, _, _ in self.variable_items:
            text = data.get(id(item))
            if text is not None:
                item.setText(1, text)
        for b_id, enabled in data.get("enabled", {}).items():
            self.behaviour_items[b_id].setCheckState(0, Qt.Checked if enabled else Qt.Unchecked)
        self._filling = False
