"""Qt and pyqtgraph imports in one place, with an error that says how to install them."""

from __future__ import annotations

try:
    import pyqtgraph as pg
    from PyQt5 import QtCore, QtGui, QtWidgets
    from PyQt5.QtCore import Qt, pyqtSignal, pyqtSlot
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "pymonn.ui needs PyQt5 and pyqtgraph; install them with  pip install 'pymonn[ui]'  "
        f"(import failed: {exc})"
    ) from exc

__all__ = ["pg", "QtCore", "QtGui", "QtWidgets", "Qt", "pyqtSignal", "pyqtSlot", "ensure_app"]


def ensure_app() -> tuple[QtWidgets.QApplication, bool]:
    """The running QApplication, or a new plain one; the flag says whether it was created here.

    The application is never subclassed and no exception hook is installed.
    """
    app = QtWidgets.QApplication.instance()
    if app is not None:
        return app, False
    return QtWidgets.QApplication(["pymonn explorer"]), True
