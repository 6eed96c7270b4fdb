"""Names a PymoNNto star import provides that pymonn's own API does not need.

PymoNNto's ``from PymoNNto import *`` hands a script its dtype words (``float32``, ``float64``), the
synapse-matrix layout constants (``SxD``, ``DxS``), matplotlib's ``plt``, colour tuples and a few
standard modules. pymonn gives the same names, but ``plt`` is a lazy stand-in: matplotlib is
imported the first time the script uses ``plt.something``, so ``import pymonn`` stays numpy-only.
"""

from __future__ import annotations

import copy
import importlib
import math
import os
import shutil
import sys
import time
from typing import Any

import numpy as np

float32 = np.float32
float64 = np.float64
#: The pre-3.0 global of the same name (PymoNNto 2.x star-imported ``def_dtype = np.float64``);
#: the network's own type is ``group.def_dtype``.
def_dtype = np.float64

#: Synapse matrices of shape (source, destination): ``settings={'syn_dim': SxD}``.
SxD = 0
#: Synapse matrices of shape (destination, source), the default: ``settings={'syn_dim': DxS}``.
DxS = 1

# PymoNNto's names for the two directions of ``NeuronGroup.synapses(direction, tag)``
pre = preSynaptic = dendrite = "afferent"
post = postSynaptic = axon = "efferent"

# PymoNNto's colour constants (RGBA, 0-255), used as ``NeuronGroup(..., color=blue)``
blue = (0.0, 0.0, 255.0, 255.0)
red = (255.0, 0.0, 0.0, 255.0)
green = (0.0, 200.0, 0.0, 255.0)
yellow = (255.0, 255.0, 0.0, 255.0)
purple = (255.0, 0.0, 255.0, 255.0)
aqua = (0.0, 255.0, 255.0, 255.0)
orange = (255.0, 150.0, 0.0, 255.0)
black = (0.0, 0.0, 0.0, 255.0)
white = (255.0, 255.0, 255.0, 255.0)


def is_number(text: Any) -> bool:
    """True when ``float(text)`` succeeds (PymoNNto's helper of the same name)."""
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


class _LazyModule:
    """Stands for a module and imports it on first attribute access.

    ``plt.plot(...)`` imports ``matplotlib.pyplot`` then; until then nothing is loaded, so a
    script that never plots never pays for matplotlib, and ``import pymonn`` stays light.
    """

    def __init__(self, name: str, hint: str):
        self.__dict__["_name"] = name
        self.__dict__["_hint"] = hint

    def _module(self):
        try:
            return importlib.import_module(self._name)
        except ImportError as exc:
            raise ImportError(f"{self._name} is not installed ({self._hint}): {exc}") from exc

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(self._module(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._module(), attr, value)

    def __dir__(self) -> list[str]:
        return dir(self._module())

    def __repr__(self) -> str:
        loaded = self._name in sys.modules
        return f"<module {self._name!r} ({'loaded' if loaded else 'imported on first use'} by pymonn)>"


plt = _LazyModule("matplotlib.pyplot", 'pip install "pymonn[plot]"')

__all__ = [
    "float32", "float64", "def_dtype", "SxD", "DxS", "plt", "is_number",
    "pre", "preSynaptic", "dendrite", "post", "postSynaptic", "axon",
    "blue", "red", "green", "yellow", "purple", "aqua", "orange", "black", "white",
    "os", "sys", "time", "copy", "math", "shutil",
]
