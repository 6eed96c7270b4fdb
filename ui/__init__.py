"""pymonn.ui: the Qt explorer (PyQt5 + pyqtgraph) for live inspection of a running network.

>>> from pymonn.ui import explore
>>> explore(net)                      # opens the window; returns when it is closed

or from a shell: ``python -m pymonn.ui my_script.py`` (the script builds ``net``), and
``python -m pymonn.ui my_script.py --screenshot out.png --steps 200`` without a display.

Importing this package is cheap; Qt and pyqtgraph load on first use of :class:`Explorer`,
:func:`explore` or the panels (``pip install 'pymonn[ui]'`` installs them).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Explorer", "explore", "Panel", "FrameView", "Need", "register_panel", "DEFAULT_PANELS"]


def __getattr__(name: str) -> Any:
    if name in ("Explorer", "explore"):
        from . import explorer

        return getattr(explorer, name)
    if name in ("Panel", "FrameView", "Need", "register_panel", "DEFAULT_PANELS"):
        from . import panels

        return getattr(panels, name)
    raise AttributeError(f"module 'pymonn.ui' has no attribute {name!r}")
