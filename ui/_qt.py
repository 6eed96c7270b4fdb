"""Qt and pyqtgraph imports in one place, with an error that says how to install them."""

from __future__ import annotations

try:
    import pyqtgraph as pg
    from PyQt5 import QtCore, QtGui, QtWidgets, sip
    from PyQt5.QtCore import Qt, pyqtSignal, pyqtSlot
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "pymonn.ui needs PyQt5 and pyqtgraph; install them with  pip install 'pymonn[ui]'  "
        f"(import failed: {exc})"
    ) from exc

__all__ = ["pg", "sip", "QtCore", "QtGui", "QtWidgets", "Qt", "pyqtSignal", "pyqtSlot", "ensure_app", "probe_platform",
           "DEBIAN_PACKAGES"]

#: Debian/Ubuntu packages the Qt xcb platform (a real X display) needs beyond a minimal system:
#: the libraries that PyQt5's libqxcb.so and libQt5XcbQpa.so link against (checked with ldd).
DEBIAN_PACKAGES = ("libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
                   "libxcb-render-util0 libxcb-xinerama0 libxcb-xfixes0 libxcb-shape0 libxcb-shm0 libxcb-sync1 "
                   "libxcb-xkb1 libxcb-util1 libx11-xcb1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0")


def ensure_app() -> tuple[QtWidgets.QApplication, bool]:
    """The running QApplication, or a new plain one; the flag says whether it was created here.

    The application is never subclassed and no exception hook is installed.
    """
    global _APP
    app = QtWidgets.QApplication.instance()
    if app is not None:
        return app, False
    _APP = QtWidgets.QApplication(["pymonn explorer"])  # kept: a collected QApplication takes Qt down
    return _APP, True


_APP: QtWidgets.QApplication | None = None


def probe_platform(timeout: float = 30.0) -> str | None:
    """Check in a subprocess that a QApplication can start here; None if it can, else why not.

    Qt aborts the whole process when its platform plugin cannot load (no display, missing
    system libraries), so the command line checks first and prints what to do instead.
    """
    import os
    import subprocess
    import sys

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if sys.platform.startswith("linux") and not platform and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        return ("no display: set DISPLAY (or run under xvfb-run), or use --screenshot, which renders "
                "offscreen (QT_QPA_PLATFORM=offscreen)")
    code = "from PyQt5.QtWidgets import QApplication; QApplication(['probe'])"
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None  # slow, not broken
    if proc.returncode == 0:
        return None
    tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
    hint = f"\nOn Debian/Ubuntu a real display needs: apt-get install {DEBIAN_PACKAGES}"
    return f"Qt could not start (platform {platform or 'default'}):\n{tail}{hint}"
