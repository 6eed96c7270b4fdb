"""The on-disk cache of generated kernels.

Each generated module is written to ``<cache folder>/pymonn_eq_<hash>.py``, the hash taken over
its source, the code format and the numba and Python versions; numba's ``cache=True`` then keeps
the compiled machine code next to it (in ``__pycache__``, or under ``NUMBA_CACHE_DIR``), so a
later process loads the kernel instead of compiling it.

Nothing found in the folder is trusted: the module file is used only when its text equals the
source generated now (otherwise it is rewritten), and numba's files of an entry are used only
when their SHA-256 digests equal those recorded in ``<entry>.json`` when this cache wrote them
(otherwise they are deleted before numba could read them, and the kernel is compiled again).

The folder is, in order: the ``cache_dir`` keyword of a model, the environment variable
``PYMONN_CACHE_DIR``, ``$XDG_CACHE_HOME/pymonn/equations``, ``~/.cache/pymonn/equations``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import sys
import tempfile
import types
from typing import Any

import numba

from pymonn.errors import ConfigurationError

from .codegen import FORMAT

__all__ = ["cache_folder", "load_module", "record_compiled", "CacheStats", "STATS"]


class CacheStats:
    """Counts of what :func:`load_module` did in this process (read by tests and benchmarks)."""

    def __init__(self) -> None:
        self.hits = self.misses = self.rebuilt = self.untrusted = 0

    def __repr__(self) -> str:
        return (f"CacheStats(hits={self.hits}, misses={self.misses}, rebuilt={self.rebuilt}, "
                f"untrusted={self.untrusted})")


STATS = CacheStats()
_LOADED: dict[str, types.ModuleType] = {}


def cache_folder(explicit: Any = None) -> pathlib.Path:
    """The cache folder (see the module docstring), created if needed."""
    if explicit is not None and not isinstance(explicit, (str, os.PathLike)):
        raise ConfigurationError(f"cache_dir must be a folder path, got {explicit!r}")
    raw = explicit if explicit is not None else os.environ.get("PYMONN_CACHE_DIR")
    if raw:
        folder = pathlib.Path(raw).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = pathlib.Path(base) / "pymonn" / "equations"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"the equations cache folder {str(folder)!r} cannot be created ({exc}); set "
                                 "cache_dir= or PYMONN_CACHE_DIR to a writable folder") from None
    return folder


def _digest(source: str) -> str:
    key = f"{FORMAT}\n{numba.__version__}\n{sys.version}\n{source}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _write(path: pathlib.Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _numba_files(folder: pathlib.Path, stem: str) -> list[pathlib.Path]:
    places = [folder / "__pycache__"]
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        places.append(pathlib.Path(env))
    found = []
    for place in places:
        if place.is_dir():
            found.extend(p for p in place.rglob(f"{stem}.*") if p.suffix in (".nbi", ".nbc"))
    return sorted(found)


def _sha(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _verify_numba_files(folder: pathlib.Path, stem: str) -> None:
    """Delete numba's files of an entry unless each matches the digest recorded when written."""
    manifest_path = folder / f"{stem}.json"
    try:
        manifest = json.loads(manifest_path.read_text())
        if not isinstance(manifest, dict):
            manifest = {}
    except (OSError, ValueError):
        manifest = {}
    files = _numba_files(folder, stem)
    if files and any(manifest.get(p.name) != _sha(p) for p in files):
        STATS.untrusted += 1
        for p in files:
            p.unlink(missing_ok=True)
        manifest_path.unlink(missing_ok=True)


def record_compiled(module: types.ModuleType) -> None:
    """Record the digests of numba's files of ``module`` (call after compiling its kernels)."""
    folder = pathlib.Path(module.__file__).parent
    stem = pathlib.Path(module.__file__).stem
    manifest = {p.name: _sha(p) for p in _numba_files(folder, stem)}
    try:
        _write(folder / f"{stem}.json", json.dumps(manifest, indent=1, sort_keys=True))
    except OSError:
        pass


def load_module(source: str, folder: pathlib.Path) -> types.ModuleType:
    """The module of ``source``, from the cache (written there first when missing or different)."""
    stem = f"pymonn_eq_{_digest(source)}"
    path = folder / f"{stem}.py"
    module = _LOADED.get(str(path))
    if module is not None and module.__pymonn_source__ == source:
        STATS.hits += 1
        return module
    try:
        existing = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        existing = None
    if existing == source:
        STATS.hits += 1
        _verify_numba_files(folder, stem)
    else:
        if existing is None:
            STATS.misses += 1
        else:
            STATS.rebuilt += 1  # a corrupted or foreign file: replaced, numba's files with it
        for p in _numba_files(folder, stem):
            p.unlink(missing_ok=True)
        try:
            _write(path, source)
        except OSError as exc:
            raise ConfigurationError(f"cannot write the equations cache entry {str(path)!r} ({exc}); set "
                                     "cache_dir= or PYMONN_CACHE_DIR to a writable folder") from None
    module = types.ModuleType(stem)
    module.__file__ = str(path)
    module.__pymonn_source__ = source
    # the generated source (validated trees only, see codegen) is compiled with the file's name, so
    # numba finds the file for its cache; it is the text just compared with or written to the file
    code = compile(source, str(path), "exec")
    sys.modules[stem] = module  # (numba looks functions' modules up by name when it caches)
    exec(code, module.__dict__)  # noqa: S102
    _LOADED[str(path)] = module
    return module
