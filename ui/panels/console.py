"""A Python console with ``net``, ``np`` and ``explorer`` in scope, and the error log dock."""

from __future__ import annotations

import codeop
import contextlib
import io
import traceback
from typing import Any

import numpy as np

from .._qt import Qt, QtGui, QtWidgets
from .base import Panel


class _Input(QtWidgets.QLineEdit):
    """A line edit with Up/Down history."""

    def __init__(self, console: ConsolePanel) -> None:
        super().__init__()
        self.console = console

    def keyPressEvent(self, ev) -> None:  # noqa: N802
        if ev.key() == Qt.Key_Up:
            self.console.history_step(-1)
        elif ev.key() == Qt.Key_Down:
            self.console.history_step(1)
        else:
            super().keyPressEvent(ev)


class ConsolePanel(Panel):
    """Run Python against the live network: ``net``, ``np``, ``explorer`` and each group's tag.

    Code runs on the GUI thread between two simulation batches (the network is paused while it
    runs), its output and errors are printed in the panel, and each command is logged as a
    ``console`` event because it may change the network.
    """

    title = "Console"
    area = "bottom"

    def __init__(self, explorer, **options: Any) -> None:
        super().__init__(explorer, **options)
        self.namespace: dict[str, Any] = {"net": self.net, "np": np, "explorer": explorer}
        for g in [*self.net.NeuronGroups, *self.net.SynapseGroups]:
            if g.tags[0].isidentifier() and g.tags[0] not in self.namespace:
                self.namespace[g.tags[0]] = g
        self.compiler = codeop.CommandCompiler()
        self.buffer: list[str] = []
        self.history: list[str] = []
        self.history_pos = 0

    def build(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        self.output = QtWidgets.QPlainTextEdit()
        self.output.setReadOnly(True)
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont)
        self.output.setFont(font)
        self.output.setMaximumBlockCount(5000)
        names = ", ".join(k for k in self.namespace if k not in ("np",))
        self.output.setPlainText(f"# Python console: {names} and np are defined\n")
        lay.addWidget(self.output, 1)
        row = QtWidgets.QHBoxLayout()
        self.prompt = QtWidgets.QLabel(">>>")
        self.prompt.setFont(font)
        self.input = _Input(self)
        self.input.setFont(font)
        self.input.returnPressed.connect(self._enter)
        row.addWidget(self.prompt)
        row.addWidget(self.input, 1)
        lay.addLayout(row)
        return box

    def history_step(self, delta: int) -> None:
        """Show the previous (-1) or next (+1) command of the history."""
        if not self.history:
            return
        self.history_pos = max(0, min(len(self.history), self.history_pos + delta))
        self.input.setText(self.history[self.history_pos] if self.history_pos < len(self.history) else "")

    def _enter(self) -> None:
        line = self.input.text()
        self.input.clear()
        self.push(line)

    def push(self, line: str) -> str | None:
        """Feed one line (as typed); returns the output once a complete statement ran."""
        if line.strip():
            self.history.append(line)
        self.history_pos = len(self.history)
        self.output.appendPlainText(("... " if self.buffer else ">>> ") + line)
        self.buffer.append(line)
        source = "\n".join(self.buffer)
        try:
            code = self.compiler(source, "<console>", "single")
        except (SyntaxError, OverflowError, ValueError):
            self.buffer.clear()
            self.prompt.setText(">>>")
            text = traceback.format_exc(limit=0)
            self.output.appendPlainText(text.rstrip())
            return text
        if code is None:  # incomplete: wait for more lines
            self.prompt.setText("...")
            return None
        self.buffer.clear()
        self.prompt.setText(">>>")
        return self.execute(code, source)

    def execute(self, code: Any, source: str = "") -> str:
        """Run compiled code (or a source string) with the network paused; returns what it printed."""
        if isinstance(code, str):
            source, code = code, compile(code, "<console>", "exec")
        out = io.StringIO()
        with self.explorer.lock.hold(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                exec(code, self.namespace)  # noqa: S102 - this is the console the user types into
            except SystemExit:
                print("SystemExit ignored: the console never exits the process")
            except BaseException:  # noqa: BLE001 - show any error to the user, keep the GUI alive
                traceback.print_exc()
        text = out.getvalue()
        if text:
            self.output.appendPlainText(text.rstrip("\n"))
        self.explorer.event_log.log("console", "console", source.strip().replace("\n", "; ")[:200])
        self.explorer._refresh_inspectors()  # the code may have changed parameters or added behaviours
        self.explorer.request_redraw()
        return text


class LogPanel(Panel):
    """Errors from panels and from the simulation, with their tracebacks."""

    title = "Log"
    area = "bottom"

    def build(self) -> QtWidgets.QWidget:
        self.text = QtWidgets.QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        self.text.setMaximumBlockCount(20000)
        for entry in self.explorer.messages:
            self.text.appendPlainText(entry)
        self.explorer.message_logged.connect(self.text.appendPlainText)
        return self.text
