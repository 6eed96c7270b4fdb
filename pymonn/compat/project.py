"""PymoNNto project folders: the project root, its ``Data/`` folder and imports of the project's modules.

A PymoNNto project is a folder that holds a ``Data/`` folder; scripts anywhere below it import
the project's own modules by their path from that root (``from Examples_Paper.STDP import *``).
PymoNNto makes this work by appending the root to ``sys.path`` when it is imported (and creates
``./Data`` when no ``Data/`` is found). pymonn leaves ``sys.path`` alone instead and installs one
import finder at the *end* of ``sys.meta_path``: it is asked only after every other finder failed,
and then looks for the missing top-level module in the project root. A script that imports nothing
from its project never reaches it, and an installed module is never shadowed by a project file.

Public names
------------
get_root_folder
    The nearest folder at or above the working directory that holds ``Data/``.
get_data_folder
    That ``Data/`` folder (created on request when there is none).
add_project_root_path
    PymoNNto's explicit call: append the project root to ``sys.path``.
ProjectRootFinder, install_project_finder, uninstall_project_finder
    The fallback finder and its (idempotent) installation; importing this module installs it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import threading
from typing import Any

from ..errors import ConfigurationError

__all__ = [
    "get_root_folder", "get_data_folder", "add_project_root_path", "find_project_root", "project_roots",
    "ProjectRootFinder", "install_project_finder", "uninstall_project_finder",
]

DATA_FOLDER_NAME = "Data"


def _slashes(path: str) -> str:
    """``path`` made absolute, with forward slashes and no doubled slash."""
    path = os.path.abspath(path).replace("\\", "/")
    while "//" in path[1:]:
        path = path[0] + path[1:].replace("//", "/")
    return path


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the working directory was deleted
        return None


def _nearest_root(start: str | None) -> str | None:
    """The nearest folder at or above ``start`` that holds a ``Data/`` folder, or None.

    Walks up one parent at a time and stops at the filesystem root.
    """
    if not start:
        return None
    folder = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(folder, DATA_FOLDER_NAME)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:  # filesystem root reached
            return None
        folder = parent


def _script_folder() -> str | None:
    """The folder of the running script (``__main__.__file__``, else ``sys.argv[0]``), if any."""
    main = sys.modules.get("__main__")
    candidates = [getattr(main, "__file__", None)]
    if sys.argv and sys.argv[0] not in ("", "-c", "-m"):
        candidates.append(sys.argv[0])
    for path in candidates:
        if isinstance(path, str) and path and os.path.isfile(path):
            return os.path.dirname(os.path.abspath(path))
    return None


def project_roots() -> list[str]:
    """The folders searched for project imports, nearest first (at most two, without repeats).

    The nearest folder holding ``Data/`` at or above the working directory, then the nearest one
    at or above the running script's folder.

    Returns
    -------
    list of str
        Absolute paths with forward slashes.
    """
    roots: list[str] = []
    for start in (_cwd(), _script_folder()):
        root = _nearest_root(start)
        if root is not None and _slashes(root) not in roots:
            roots.append(_slashes(root))
    return roots


def find_project_root() -> str | None:
    """The project root used for project imports, or None when there is no project.

    The nearest folder holding ``Data/`` at or above the working directory; when there is none,
    the nearest one at or above the running script's folder.

    Returns
    -------
    str or None
        Absolute path (forward slashes) of the project root.
    """
    roots = project_roots()
    return roots[0] if roots else None


def get_root_folder() -> str:
    """The project root: the nearest folder at or above the working directory that holds ``Data/``.

    Returns
    -------
    str
        Absolute path with forward slashes. When no ``Data/`` folder is found the working
        directory itself is returned (PymoNNto returns ``'./'``, the same folder written relatively).
    """
    cwd = _cwd() or "."
    root = _nearest_root(cwd)
    return _slashes(root if root is not None else cwd)


def get_data_folder(create_when_not_found: bool = True, default: str | None = "./Data") -> str:
    """The project's ``Data/`` folder: the nearest one at or above the working directory.

    Nothing is created when pymonn is imported; only this call creates a folder, and only when
    no ``Data/`` exists at or above the working directory.

    Parameters
    ----------
    create_when_not_found : bool
        Create ``default`` when no ``Data/`` folder is found.
    default : str or None
        Folder (relative to the working directory, or absolute) used when none is found.

    Returns
    -------
    str
        Absolute path with forward slashes, without a trailing slash.

    Raises
    ------
    ConfigurationError
        No ``Data/`` folder was found and ``default`` is None, or ``default`` could not be created.
    """
    root = _nearest_root(_cwd() or ".")
    if root is not None:
        return _slashes(os.path.join(root, DATA_FOLDER_NAME))
    if default is None:
        raise ConfigurationError(
            f"get_data_folder: no 'Data' folder at or above the working directory {_cwd()!r} and default=None; "
            "create '<project>/Data' or pass default='./Data'")
    if not isinstance(default, (str, os.PathLike)):
        raise ConfigurationError(f"get_data_folder: default must be a folder path (str), got {default!r}")
    if create_when_not_found and not os.path.isdir(default):
        try:
            os.makedirs(default, exist_ok=True)
        except OSError as err:
            raise ConfigurationError(f"get_data_folder: could not create the data folder {default!r}: {err}") from err
    return _slashes(os.fspath(default))


def add_project_root_path() -> str:
    """Append the project root to ``sys.path``, as importing PymoNNto does.

    pymonn does not need this (its project finder resolves project imports without touching
    ``sys.path``); it is kept for scripts that call it explicitly. As in PymoNNto, when the root
    lies inside another project's ``Data/`` folder (a project clone), that outer project is taken
    off ``sys.path``.

    Returns
    -------
    str
        The root that is now on ``sys.path``.
    """
    root = get_root_folder()
    if root not in sys.path:
        sys.path.append(root)
    marker = "/" + DATA_FOLDER_NAME + "/"
    if marker in root:
        outer = root[: root.find(marker)]
        for entry in (outer, outer.replace("/", os.sep)):
            while entry in sys.path:
                sys.path.remove(entry)
    return root


class ProjectRootFinder(importlib.abc.MetaPathFinder):
    """A last-resort finder for a PymoNNto project's own top-level packages and modules.

    It sits at the end of ``sys.meta_path``: the import system consults it only for a top-level
    name that no other finder (installed packages, the standard library, ``sys.path``) can provide.
    It then looks in the project roots (:func:`project_roots`: the one above the working directory,
    then the one above the running script). Submodules of a package it found are imported the
    ordinary way, through the package's ``__path__``.

    The root is searched again whenever the working directory or the running script changes; a
    search that re-enters the finder (an import made while it is searching) is answered with None.
    A finder appended to ``sys.meta_path`` after this one keeps precedence for what it provides.
    """

    _pymonn_project_finder = True  # marker that survives reloads of this module

    def __init__(self) -> None:
        self._local = threading.local()
        self._cache_key: tuple[str | None, str | None] | None = None
        self._cache_roots: list[str] = []

    def roots(self) -> list[str]:
        """The project roots for the current working directory and script (cached per pair)."""
        key = (_cwd(), _script_folder())
        if key != self._cache_key:
            self._cache_roots = project_roots()
            self._cache_key = key
        return self._cache_roots

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if path is not None or "." in fullname or getattr(self._local, "busy", False):
            return None
        self._local.busy = True
        try:
            roots = self.roots()
            if not roots:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, roots)
            if spec is None or self._provided_by_a_later_finder(fullname, target):
                return None
            if spec.loader is None and spec.submodule_search_locations is not None:
                # A folder without __init__.py (a namespace package): keep its folder as a plain
                # list, so that later changes of sys.path cannot make its submodules disappear.
                spec.submodule_search_locations = list(spec.submodule_search_locations)
            return spec
        finally:
            self._local.busy = False

    def _provided_by_a_later_finder(self, fullname: str, target: Any) -> bool:
        """Whether a finder appended after this one (e.g. six's) provides ``fullname``: it keeps it."""
        try:
            later = sys.meta_path[sys.meta_path.index(self) + 1:]
        except ValueError:
            return False
        for finder in later:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is not None and find_spec(fullname, None, target) is not None:
                return True
        return False

    def invalidate_caches(self) -> None:
        self._cache_key = None
        self._cache_roots = []

    def __repr__(self) -> str:
        return "ProjectRootFinder()"


def _installed() -> list[Any]:
    return [f for f in sys.meta_path if getattr(f, "_pymonn_project_finder", False)]


def install_project_finder() -> ProjectRootFinder:
    """Put one :class:`ProjectRootFinder` at the end of ``sys.meta_path`` (idempotent).

    Returns
    -------
    ProjectRootFinder
        The installed finder (the existing one when already installed).
    """
    present = _installed()
    if present:
        return present[0]
    finder = ProjectRootFinder()
    sys.meta_path.append(finder)
    return finder


def uninstall_project_finder() -> None:
    """Remove pymonn's project finder from ``sys.meta_path`` (a no-op when it is not installed)."""
    for finder in _installed():
        sys.meta_path.remove(finder)


# Importing this module (which ``import pymonn`` does, through pymonn.compat) installs the finder once.
install_project_finder()
