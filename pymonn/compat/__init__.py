"""PymoNNto compatibility: everything a PymoNNto script needs beyond pymonn's own API, in one place.

The rule a user relies on: replace every ``from PymoNNto... import ...`` line of a PymoNNto script
by ``from pymonn import *`` and it runs. ``from pymonn import *`` re-exports the names listed in
:data:`__all__` here:

* :mod:`~pymonn.compat.names`: ``float32``, ``float64``, ``SxD``, ``DxS``, a lazy ``plt``, colours;
* :mod:`~pymonn.compat.genes`: gene strings, ``get_gene``, ``set_genome``, ``set_score``;
* :mod:`~pymonn.compat.project`: the project root and its ``Data/`` folder, project imports;
* :mod:`~pymonn.compat.storage_manager`: ``StorageManager`` and ``StorageManagerGroup``;
* :mod:`~pymonn.compat.network_ui`: ``Network_UI``, ``get_default_UI_modules``, ``TabBase`` over
  pymonn's explorer (Qt is imported only when a window is shown);
* :mod:`~pymonn.compat.equations`: ``Clock``, ``Variable``, ``Equation`` (PymoNNto's equation
  modules, on the equations compiler of ``pymonn.behaviours``, imported when one is built).

Nothing in this package imports Qt, matplotlib or the behaviour library at import time.
"""

from __future__ import annotations

from . import equations, genes, names, network_ui
from .equations import *  # noqa: F403
from .genes import *  # noqa: F403
from .names import *  # noqa: F403
from .network_ui import *  # noqa: F403
from .project import add_project_root_path, get_data_folder, get_root_folder
from .storage_manager import SimpleStorageManager, StorageManager, StorageManagerGroup

__all__: list[str] = [
    *names.__all__, *genes.__all__, *network_ui.__all__, *equations.__all__,
    "get_root_folder", "get_data_folder", "add_project_root_path",
    "StorageManager", "StorageManagerGroup", "SimpleStorageManager",
]
