"""Find ``pymonn.behaviours`` and ``pymonn.ui`` when pymonn runs from its source tree.

The repository keeps the core in ``pymonn/`` and the model library and the explorer in the sibling
folders ``behaviours/`` and ``ui/``; an install maps them to ``pymonn.behaviours`` and ``pymonn.ui``
(``package_dir`` in setup.cfg). Python run from the repository root (or with the root on
``sys.path``) imports the core from the folder, and the submodules would then be looked for inside
``pymonn/`` only. :class:`SourceTreeFinder` maps exactly those two names to the sibling folders.

Importing this module (``pymonn/__init__.py`` does it first) appends the finder to the end of
``sys.meta_path``, so an installed package and an editable install's own mapping are found first;
it is installed only when the folder above ``pymonn/`` is pymonn's source tree (its ``setup.cfg``
maps ``pymonn.behaviours`` to ``behaviours``). The compat layer's ``ProjectRootFinder``, appended
after it, stays last (it answers top-level names only; this finder only the two ``pymonn.`` names).
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from importlib.machinery import ModuleSpec

CORE = pathlib.Path(__file__).resolve().parent
ROOT = CORE.parent
FOLDERS = {"pymonn.behaviours": "behaviours", "pymonn.ui": "ui"}
MARKER = "pymonn.behaviours = behaviours"  # the package_dir line of the source tree's setup.cfg


class SourceTreeFinder:
    """A meta path finder for ``pymonn.behaviours`` and ``pymonn.ui`` in a source tree.

    Parameters
    ----------
    root : pathlib.Path
        The repository root: the folder that holds ``pymonn/``, ``behaviours/`` and ``ui/``.
    """

    pymonn_source_tree = True  # recognised across reloads, so it is installed once

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root

    def find_spec(self, fullname: str, path=None, target=None) -> ModuleSpec | None:
        """Return the spec of the sibling folder for exactly the two mapped names, else None."""
        folder = FOLDERS.get(fullname)
        if folder is None:
            return None
        init = self.root / folder / "__init__.py"
        if not init.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, init,
                                                      submodule_search_locations=[str(init.parent)])

    def __repr__(self) -> str:
        return f"SourceTreeFinder({str(self.root)!r})"


def is_source_tree(root: pathlib.Path = ROOT) -> bool:
    """True when ``root`` is pymonn's repository: its setup.cfg maps the library folder."""
    try:
        return MARKER in (root / "setup.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install(root: pathlib.Path = ROOT) -> SourceTreeFinder | None:
    """Append a :class:`SourceTreeFinder` to ``sys.meta_path`` when ``root`` is the source tree.

    Returns the finder in ``sys.meta_path`` (an existing one when pymonn is imported again), or
    None when pymonn is not running from its source tree.
    """
    for finder in sys.meta_path:
        if getattr(finder, "pymonn_source_tree", False):
            return finder
    if not is_source_tree(root):
        return None
    finder = SourceTreeFinder(root)
    sys.meta_path.append(finder)
    return finder


install()
