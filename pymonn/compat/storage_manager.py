"""PymoNNto's ``StorageManager`` and ``StorageManagerGroup``: one results folder per run, no pickle.

Layout, as PymoNNto writes it::

    <Data>/StorageManager/<main_folder_name>/<folder_name>[_0, _1, ...]/
        config.ini        parameters (configparser, section [Parameters]; 'time' written at creation)
        <key>.npy         save_np / load_np (np.save / np.load, allow_pickle=False)
        <key>.obj         save_obj / load_obj: a ZIP archive holding object.json + arrays/N.npy
        <key>.txt         save_str / load_str
        <key>N.png        save_frame; <key>.mp4 render_video; backup.zip copy_project_files

What differs from PymoNNto: ``.obj`` files are never pickles (a PymoNNto ``.obj`` is refused with
:class:`PickleFileError`), values are never ``eval``\\ ed, keys and folder names must be plain names
(:class:`UnsafeNameError`), and unreadable files raise :class:`~pymonn.errors.StateFileError`.
See ``docs/pymonnto_storage.md``.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import (  # noqa: F401 (the storage errors are re-exported here)
    ConfigurationError,
    ConfigurationTypeError,
    ExpressionError,
    ExternalToolError,
    PickleFileError,
    PymonnError,
    StateFileError,
    StorageFileNotFoundError,
    UnsafeNameError,
    UnsupportedObjectError,
)
from .project import get_data_folder, get_root_folder

if TYPE_CHECKING:  # configparser, pickletools and subprocess are imported where they are used
    import configparser

__all__ = [
    "StorageManager", "StorageManagerGroup", "SimpleStorageManager",
    "UnsafeNameError", "UnsupportedObjectError", "PickleFileError", "StorageFileNotFoundError",
    "ExternalToolError",
]


# -- names ------------------------------------------------------------------------------------------
_FORBIDDEN_CHARS = ("/", "\\", "\0") + ((":",) if os.name == "nt" else ())


def _plain_name(name: Any, what: str, who: str) -> str:
    """``name`` when it is a single plain file or folder name; a named error otherwise."""
    if not isinstance(name, str):
        raise ConfigurationTypeError(f"{who}: {what} must be a str, got {type(name).__name__} {name!r}")
    bad = [c for c in _FORBIDDEN_CHARS if c in name]
    if not name or name in (".", "..") or bad or os.path.isabs(name):
        reason = ("it is empty" if not name else f"it is {name!r}" if name in (".", "..")
                  else f"it contains {bad[0]!r}" if bad else "it is an absolute path")
        raise UnsafeNameError(
            f"{who}: {what} {name!r} is not a plain name ({reason}); expected a single file or folder "
            "name without path separators, '..' or NUL, so that nothing is written outside the run folder")
    return name


def _param_key(key: Any, who: str) -> str:
    if not isinstance(key, str):
        raise ConfigurationTypeError(f"{who}: parameter key must be a str, got {type(key).__name__} {key!r}")
    if not key.strip() or key != key.strip() or any(c in key for c in "=:\n\r") or key[0] in "#;[":
        raise ConfigurationError(
            f"{who}: parameter key {key!r} cannot be stored in config.ini; expected a name without '=', ':', "
            "line breaks or surrounding spaces, not starting with '#', ';' or '['")
    return key


def _section(section: Any, who: str, writing: bool) -> str:
    if not isinstance(section, str):
        raise ConfigurationTypeError(f"{who}: section must be a str, got {type(section).__name__} {section!r}")
    if not section.strip() or any(c in section for c in "[]\n\r") or (writing and section == "DEFAULT"):
        raise ConfigurationError(
            f"{who}: section {section!r} cannot be used in config.ini; expected a name without brackets or "
            "line breaks (and not 'DEFAULT' when writing)")
    return section


def _dict_to_folder_name(d: dict) -> str:
    """PymoNNto's folder name for a dict: ``{'a': 1, 'b c': 2}`` -> ``'a=1_bc=2'``."""
    return "_".join(str(k).replace(" ", "") + "=" + str(v).replace(" ", "") for k, v in d.items())


def _slash_folder(path: str) -> str:
    return os.path.abspath(path).replace("\\", "/").rstrip("/") + "/"


# -- parameter values -------------------------------------------------------------------------------
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def convert_param(s: str) -> Any:
    """A config.ini string as PymoNNto's ``load_param`` returns it, without eval.

    ``'True'``/``'False'`` -> bool; otherwise ``int(s)``; otherwise a float when the string is a
    decimal number (PymoNNto: contains '.'; pymonn also reads scientific notation such as
    ``str(1e-05) == '1e-05'``, which PymoNNto returns as a string); otherwise the string itself.
    """
    if s == "True":
        return True
    if s == "False":
        return False
    if not s:
        return s
    try:
        return int(s)
    except ValueError:
        pass
    if "." in s or _FLOAT_RE.match(s.strip()):
        try:
            return float(s)
        except ValueError:
            return s
    return s


# -- the .obj format: a ZIP archive with object.json and arrays/N.npy --------------------------------
OBJ_FORMAT = "pymonn-obj"
OBJ_VERSION = 1
_MARK = "__pymonn__"
_ARRAY_MEMBER = re.compile(r"^arrays/\d{1,9}\.npy$")
_MAX_DEPTH = 200
_ALLOWED = ("None, bool, int, float, str, list, tuple, dict with str keys, numpy arrays (not of dtype object) "
            "and numpy scalars, nested in any way")


class _Encoder:
    def __init__(self, who: str) -> None:
        self.who = who
        self.arrays: list[np.ndarray] = []
        self._active: set[int] = set()

    def _refuse(self, where: str, why: str) -> UnsupportedObjectError:
        return UnsupportedObjectError(
            f"{self.who}: {where} {why}; pymonn stores only {_ALLOWED} (never pickle). "
            "Convert it first, e.g. to a dict of arrays and numbers")

    def _array(self, arr: np.ndarray, kind: str, where: str) -> dict:
        if arr.dtype.hasobject:
            raise self._refuse(where, f"is a numpy {'array' if kind == 'ndarray' else 'scalar'} of dtype {arr.dtype}, "
                                      "which holds Python objects")
        member = f"arrays/{len(self.arrays)}.npy"
        self.arrays.append(arr)
        return {_MARK: kind, "file": member}

    def encode(self, value: Any, where: str = "obj", depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise self._refuse(where, f"is nested more than {_MAX_DEPTH} levels deep")
        if value is None or isinstance(value, str):
            return None if value is None else str(value)
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, np.generic):
            return self._array(np.asarray(value), "scalar", where)
        if isinstance(value, np.ndarray):
            if isinstance(value, np.ma.MaskedArray):
                raise self._refuse(where, "is a numpy masked array (its mask would be lost)")
            return self._array(np.asarray(value), "ndarray", where)
        if isinstance(value, (list, tuple, dict)):
            if id(value) in self._active:
                raise self._refuse(where, "contains itself")
            self._active.add(id(value))
            try:
                if isinstance(value, dict):
                    items = {}
                    for k, v in value.items():
                        if not isinstance(k, str):
                            raise self._refuse(f"{where}[{k!r}]", f"has a key of type {type(k).__name__}, not str")
                        items[str(k)] = self.encode(v, f"{where}[{k!r}]", depth + 1)
                    return {_MARK: "dict", "items": items} if _MARK in items else items
                items_list = [self.encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
                return items_list if isinstance(value, list) else {_MARK: "tuple", "items": items_list}
            finally:
                self._active.discard(id(value))
        kind = f"{type(value).__module__}.{type(value).__qualname__}"
        raise self._refuse(where, f"is a {kind}")


class _Decoder:
    def __init__(self, zf: zipfile.ZipFile, path: str) -> None:
        self.zf = zf
        self.path = path
        self.members = set(zf.namelist())

    def _bad(self, why: str) -> StateFileError:
        return StateFileError(f"{self.path}: malformed pymonn object file: {why}")

    def _array(self, node: dict, kind: str) -> Any:
        if set(node) != {_MARK, "file"} or not isinstance(node["file"], str):
            raise self._bad(f"a {kind} entry must be {{'{_MARK}': '{kind}', 'file': 'arrays/N.npy'}}, got {node!r}")
        member = node["file"]
        if not _ARRAY_MEMBER.match(member) or member not in self.members:
            raise self._bad(f"array member {member!r} is missing or not named arrays/N.npy")
        try:
            with self.zf.open(member) as f:
                arr = np.lib.format.read_array(io.BytesIO(f.read()), allow_pickle=False)
        except (ValueError, EOFError, OSError, zipfile.BadZipFile) as err:
            raise self._bad(f"array member {member!r} is not a readable .npy without objects ({err})") from err
        if kind == "scalar":
            if arr.ndim != 0:
                raise self._bad(f"scalar member {member!r} has shape {arr.shape}, expected ()")
            return arr[()]
        return arr

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH + 2:
            raise self._bad(f"nested more than {_MAX_DEPTH} levels deep")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v, depth + 1) for v in node]
        if not isinstance(node, dict):
            raise self._bad(f"unexpected JSON value {node!r}")
        if _MARK not in node:
            return {k: self.decode(v, depth + 1) for k, v in node.items()}
        kind = node[_MARK]
        if kind in ("ndarray", "scalar"):
            return self._array(node, kind)
        if kind in ("tuple", "dict"):
            items = node.get("items")
            expected = list if kind == "tuple" else dict
            if set(node) != {_MARK, "items"} or not isinstance(items, expected):
                raise self._bad(f"a {kind} entry must be {{'{_MARK}': '{kind}', 'items': {expected.__name__}}}")
            if kind == "tuple":
                return tuple(self.decode(v, depth + 1) for v in items)
            return {k: self.decode(v, depth + 1) for k, v in items.items()}
        raise self._bad(f"unknown entry kind {kind!r}")


def _looks_like_pickle(path: str) -> bool:
    """True when ``path`` parses as a pickle opcode stream (parsed with pickletools: nothing runs)."""
    import pickletools

    with open(path, "rb") as f:
        head = f.read(2)
        if head[:1] == b"\x80" and len(head) == 2 and 2 <= head[1] <= 5:
            return True
        f.seek(0)
        try:
            last = None
            for opcode, _arg, _pos in pickletools.genops(f):
                last = opcode.name
            return last == "STOP"
        except Exception:
            return False


def _atomic_write(path: str, write: Callable[[Any], None], mode: str = "wb") -> None:
    """Write ``path`` through a temporary file in the same folder, replaced in one step."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


_REDUCERS: dict[str, Callable[[np.ndarray], Any]] = {
    "np.average(a)": np.average, "np.mean(a)": np.mean, "np.median(a)": np.median, "np.std(a)": np.std,
    "np.sum(a)": np.sum, "np.min(a)": np.min, "np.max(a)": np.max,
}
_QUERY = re.compile(r"^\s*([^=!<>\s]+)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))


# -- StorageManager ---------------------------------------------------------------------------------
class StorageManager:
    """One run's results folder ``<Data>/StorageManager/<main_folder_name>/<folder_name>/``.

    Parameters
    ----------
    main_folder_name : str or dict
        The folder grouping related runs; a dict gives PymoNNto's name ``'k=v_k2=v2'``.
    folder_name : str or dict, optional
        The run's folder (default: ``main_folder_name``).
    random_nr : bool or int
        ``True`` appends a random number in [0, 10000) (from its own generator, numpy's global
        random state is untouched); an int appends that number.
    print_msg : bool
        Print the folder when it is created.
    add_new_when_exists : bool
        When the folder exists, use the first free ``<folder_name>_<n>`` instead (n = 0, 1, ...).
    data_folder : str, optional
        The ``Data`` folder (default: :func:`get_data_folder` when the manager is created).
    use_evolution_path : bool
        When this run is part of an evolution, the main folder is the evolution's name and the
        folder ``'<evo_name> id<evo_id>'`` (as PymoNNto).
    last : bool
        With ``add_new_when_exists=False``: open the last existing ``<folder_name>_<n>``.

    Attributes
    ----------
    absolute_path : str
        The run folder, absolute, forward slashes, with a trailing ``'/'``.
    folder_name, main_folder_name, config_file_name : str
    """

    def __init__(self, main_folder_name: str | dict, folder_name: str | dict | None = None,
                 random_nr: bool | int = False, print_msg: bool = True, add_new_when_exists: bool = True,
                 data_folder: str | None = None, use_evolution_path: bool = True, last: bool = False) -> None:
        who = "StorageManager"
        if use_evolution_path:
            evo = _evolution_folder()
            if evo is not None:
                main_folder_name, folder_name = evo
                random_nr = False
        if isinstance(main_folder_name, dict):
            main_folder_name = _dict_to_folder_name(main_folder_name)
        if isinstance(folder_name, dict):
            folder_name = _dict_to_folder_name(folder_name)
        main = _plain_name(main_folder_name, "main_folder_name", who)
        folder = _plain_name(main if folder_name is None else folder_name, "folder_name", who)
        if isinstance(random_nr, bool):
            if random_nr:
                folder += str(int(np.random.default_rng().integers(10000)))
        elif isinstance(random_nr, (int, np.integer)):
            folder += str(int(random_nr))
        else:
            raise ConfigurationTypeError(f"{who}: random_nr must be a bool or an int, got {random_nr!r}")
        folder = _plain_name(folder, "folder_name", who)

        data = get_data_folder() if data_folder is None else os.fspath(data_folder)
        if not os.path.isdir(data):
            raise ConfigurationError(f"{who}: data_folder {data!r} is not an existing folder; "
                                     "create it or pass data_folder=None to use the project's Data folder")
        main_path = os.path.join(data, "StorageManager", main)
        os.makedirs(main_path, exist_ok=True)

        new = False
        if add_new_when_exists:
            base, count, candidate = folder, 0, folder
            if os.path.isdir(os.path.join(main_path, base)):
                candidate = f"{base}_{count}"
            while True:
                try:
                    os.mkdir(os.path.join(main_path, candidate))
                    new = True
                    break
                except FileExistsError:  # taken (perhaps just now by a parallel run): try the next number
                    while os.path.exists(os.path.join(main_path, f"{base}_{count}")):
                        count += 1
                    candidate = f"{base}_{count}"
            folder = candidate
        else:
            if last and os.path.isdir(os.path.join(main_path, folder)):
                count = -1
                while os.path.isdir(os.path.join(main_path, f"{folder}_{count + 1}")):
                    count += 1
                if count > -1:
                    folder = f"{folder}_{count}"
            if not os.path.isdir(os.path.join(main_path, folder)):
                os.makedirs(os.path.join(main_path, folder), exist_ok=True)
                new = True

        self.main_folder_name = main
        self.folder_name = folder
        self.data_folder = _slash_folder(data).rstrip("/")
        self.absolute_path = _slash_folder(os.path.join(main_path, folder))
        self.config_file_name = "config.ini"
        self.frame_counter: dict[str, int] = {}
        if new:
            if print_msg:
                print(self.absolute_path)
            self.save_param("time", time.time())

    # -- paths ----------------------------------------------------------------------------------
    def get_path(self) -> str:
        """The run folder (``absolute_path``)."""
        return self.absolute_path

    def _file(self, key: Any, suffix: str, who: str) -> str:
        name = _plain_name(key, "key", f"{type(self).__name__}.{who}") + suffix
        _plain_name(name, "file name", f"{type(self).__name__}.{who}")
        return self.absolute_path + name

    def _existing(self, path: str, expected: str) -> str:
        if not os.path.isfile(path):
            raise StorageFileNotFoundError(f"{path}: no such file; expected {expected}")
        return path

    @property
    def _config_path(self) -> str:
        return self.absolute_path + self.config_file_name

    # -- parameters (config.ini) ----------------------------------------------------------------
    def _read_config(self, must_exist: bool) -> configparser.ConfigParser:
        """config.ini as it is on disk now (read on every call: other runs may write it too)."""
        import configparser

        path = self._config_path
        config = configparser.ConfigParser(interpolation=None)
        try:
            with open(path, encoding="utf-8") as f:
                config.read_file(f, source=path)
        except FileNotFoundError:
            if must_exist:
                raise StorageFileNotFoundError(
                    f"{path}: no such file; expected the config.ini a StorageManager writes when it creates "
                    "a run folder") from None
        except (configparser.Error, UnicodeDecodeError, OSError) as err:
            raise StateFileError(
                f"{path}: not a readable config.ini ({type(err).__name__}: {err}); expected an INI file with a "
                "[Parameters] section of 'key = value' lines, as StorageManager writes it") from err
        return config

    def _write_config(self, config: configparser.ConfigParser) -> None:
        _atomic_write(self._config_path, config.write, mode="w")

    def save_param(self, key: str, value: Any, section: str = "Parameters") -> None:
        """Store ``str(value)`` under ``key`` in config.ini ('%' is written as 'percent', as PymoNNto)."""
        self.save_param_dict({key: value}, section)

    def save_param_dict(self, d: dict, section: str = "Parameters") -> None:
        """Store every item of ``d`` in config.ini (one write)."""
        who = f"{type(self).__name__}.save_param"
        if not isinstance(d, dict):
            raise ConfigurationTypeError(f"{type(self).__name__}.save_param_dict: d must be a dict, got {type(d).__name__}")
        section = _section(section, who, writing=True)
        items = [(_param_key(k, who), str(v).replace("%", "percent")) for k, v in d.items()]
        config = self._read_config(must_exist=False)
        if not config.has_section(section):
            config.add_section(section)
        for k, v in items:
            config.set(section, k, v)
        self._write_config(config)

    def load_param(self, key: str, section: str = "Parameters", default: Any = None, return_string: bool = False) -> Any:
        """The value of ``key`` (converted as :func:`convert_param`), or ``default`` when it is absent.

        Raises
        ------
        StorageFileNotFoundError, StateFileError
            config.ini is missing or not a readable INI file.
        """
        return self._load_params([key], section, default, return_string, "load_param")[0]

    def _load_params(self, keys: Sequence[str], section: str, default: Any, return_string: bool, who: str) -> list:
        who = f"{type(self).__name__}.{who}"
        for key in keys:
            if not isinstance(key, str):
                raise ConfigurationTypeError(f"{who}: key must be a str, got {type(key).__name__} {key!r}")
        section = _section(section, who, writing=False)
        config = self._read_config(must_exist=True)
        values = []
        for key in keys:
            if not config.has_option(section, key):
                values.append(default)
            else:
                s = config.get(section, key)
                values.append(s if return_string else convert_param(s))
        return values

    def load_param_list(self, keys: Sequence[str], section: str = "Parameters", return_dict: bool = False,
                        default: Any = None, return_string: bool = False) -> list | dict:
        """:meth:`load_param` of each key, as a list (or a dict with ``return_dict=True``); one read."""
        keys = list(keys)
        values = self._load_params(keys, section, default, return_string, "load_param_list")
        return dict(zip(keys, values, strict=True)) if return_dict else values

    def get_all_params(self, section: str = "Parameters") -> list[str]:
        """Names of the parameters in ``section`` (lower case, as configparser stores them)."""
        config = self._read_config(must_exist=True)
        return list(config.options(section)) if config.has_section(section) else []

    # -- arrays, objects, text ------------------------------------------------------------------
    def save_np(self, key: str, obj: Any) -> None:
        """Save an array as ``<key>.npy`` (no pickle: arrays of dtype object are refused)."""
        who = f"{type(self).__name__}.save_np"
        path = self._file(key, ".npy", "save_np")
        try:
            arr = np.asarray(obj)
        except ValueError as err:
            raise UnsupportedObjectError(f"{who}('{key}'): value is not a regular array ({err})") from err
        if arr.dtype.hasobject:
            raise UnsupportedObjectError(
                f"{who}('{key}'): the array has dtype {arr.dtype} (Python objects), which .npy can only hold by "
                "pickling; pymonn never pickles. Save numeric/str/bool arrays, or use save_obj for nested data")
        _atomic_write(path, lambda f: np.save(f, arr, allow_pickle=False))

    def load_np(self, key: str) -> np.ndarray:
        """Load ``<key>.npy`` (never unpickles)."""
        path = self._existing(self._file(key, ".npy", "load_np"), "a .npy file written by save_np / np.save")
        try:
            arr = np.load(path, allow_pickle=False)
        except (ValueError, EOFError, OSError) as err:
            raise StateFileError(f"{path}: not a readable .npy array without Python objects "
                                 f"({type(err).__name__}: {err}); expected a file written by save_np / np.save") from err
        if not isinstance(arr, np.ndarray):  # an .npz archive renamed to .npy
            arr.close()
            raise StateFileError(f"{path}: is an .npz archive, expected a single .npy array written by save_np")
        return arr

    def save_obj(self, key: str, obj: Any) -> None:
        """Save nested data (JSON types, tuples, numpy arrays and scalars) as ``<key>.obj``.

        The file is a ZIP archive: ``object.json`` holds the structure, each array is a member
        ``arrays/N.npy``. Anything else raises :class:`UnsupportedObjectError` and writes nothing.
        """
        path = self._file(key, ".obj", "save_obj")
        enc = _Encoder(f"{type(self).__name__}.save_obj('{key}')")
        skeleton = enc.encode(obj)
        head = json.dumps({"format": OBJ_FORMAT, "version": OBJ_VERSION, "value": skeleton})

        def write(f: Any) -> None:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr("object.json", head)
                for i, arr in enumerate(enc.arrays):
                    with zf.open(f"arrays/{i}.npy", "w", force_zip64=True) as m:
                        np.lib.format.write_array(m, arr, allow_pickle=False)

        _atomic_write(path, write)

    def load_obj(self, key: str) -> Any:
        """Load ``<key>.obj`` written by :meth:`save_obj`; nothing in the file can run code.

        Raises
        ------
        PickleFileError
            The file is a pickle (PymoNNto's ``save_obj``); it is not opened as one.
        StateFileError
            The file is not a pymonn object file or is damaged.
        """
        path = self._existing(self._file(key, ".obj", "load_obj"), "a .obj file written by save_obj")
        if not zipfile.is_zipfile(path):
            if _looks_like_pickle(path):
                raise PickleFileError(
                    f"{path}: is a pickle (PymoNNto's save_obj format). pymonn never unpickles files, because "
                    "loading a pickle can run any code. To convert it, load it with PymoNNto in an environment "
                    "you trust (StorageManager(...).load_obj(key)) and save its arrays with np.save / its plain "
                    "data as JSON, or pass them to pymonn's save_obj")
            raise StateFileError(f"{path}: not a pymonn object file; expected a ZIP archive with object.json, "
                                 "written by save_obj")
        try:
            with zipfile.ZipFile(path) as zf:
                try:
                    head = json.loads(zf.read("object.json").decode("utf-8"))
                except KeyError:
                    raise StateFileError(f"{path}: a ZIP archive without object.json; expected a file written by "
                                         "save_obj") from None
                if (not isinstance(head, dict) or head.get("format") != OBJ_FORMAT
                        or head.get("version") != OBJ_VERSION or "value" not in head):
                    raise StateFileError(f"{path}: object.json is not a {OBJ_FORMAT} version {OBJ_VERSION} header")
                return _Decoder(zf, path).decode(head["value"])
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError, RecursionError) as err:
            if isinstance(err, StateFileError):
                raise
            raise StateFileError(f"{path}: damaged pymonn object file ({type(err).__name__}: {err})") from err

    def has_obj(self, key: str) -> bool:
        """Whether ``<key>.obj`` exists."""
        return os.path.isfile(self._file(key, ".obj", "has_obj"))

    def save_str(self, key: str, string: str) -> None:
        """Save text as ``<key>.txt`` (UTF-8)."""
        path = self._file(key, ".txt", "save_str")
        if not isinstance(string, str):
            raise ConfigurationTypeError(f"{type(self).__name__}.save_str('{key}'): expected a str, "
                                         f"got {type(string).__name__}")
        _atomic_write(path, lambda f: f.write(string), mode="w")

    def load_str(self, key: str) -> str:
        """The text of ``<key>.txt``."""
        path = self._existing(self._file(key, ".txt", "load_str"), "a .txt file written by save_str")
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except UnicodeDecodeError as err:
            raise StateFileError(f"{path}: not UTF-8 text ({err})") from err

    def save_recorder(self, tag: str, recorder: Any, keys: str | Sequence[str] = ()) -> None:
        """Save each recorded variable of ``recorder`` as ``<tag><variable>.npy`` (all by default)."""
        if isinstance(keys, str):
            keys = [keys]
        keys = list(keys)
        if not keys:
            variables = getattr(recorder, "variables", None)
            if variables is None:
                raise ConfigurationTypeError(f"{type(self).__name__}.save_recorder: expected a Recorder or "
                                             f"EventRecorder, got {type(recorder).__name__}")
            keys = list(variables)
        for key in keys:
            self.save_np(str(tag) + str(key), np.asarray(recorder[key]))

    # -- images, video, backups -----------------------------------------------------------------
    def get_next_frame_name(self, key: str) -> str:
        """Path of the next frame ``<key><n>.png`` (n counts from 0 per key)."""
        self._file(key, "0.png", "save_frame")
        n = self.frame_counter.get(key, 0)
        self.frame_counter[key] = n + 1
        return self.absolute_path + f"{key}{n}.png"

    def save_frame(self, image: Any, key: str) -> str:
        """Save ``image`` (uint8; 2-D grey or H x W x 3/4 colour) as the next frame ``<key><n>.png``."""
        try:
            from matplotlib import image as mpl_image
        except ImportError as err:
            raise ImportError("StorageManager.save_frame writes PNG files with matplotlib, which is not installed; "
                              "install it with pip install 'pymonn[plot]'") from err
        arr = np.asarray(image).astype(np.uint8)
        if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
            raise ConfigurationError(f"StorageManager.save_frame('{key}'): expected a 2-D or H x W x 3/4 image, "
                                     f"got shape {arr.shape}")
        path = self.get_next_frame_name(key)
        if arr.ndim == 2:
            mpl_image.imsave(path, arr, cmap="gray", vmin=0, vmax=255)
        else:
            mpl_image.imsave(path, arr)
        return path

    def render_video(self, key: str, delete_images: bool, reset_frame_counter: bool = True) -> str:
        """Render the frames ``<key>0.png, <key>1.png ...`` into ``<key>.mp4`` with ffmpeg."""
        import subprocess

        self._file(key, ".mp4", "render_video")
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            raise ExternalToolError("StorageManager.render_video needs the ffmpeg program, which is not on PATH; "
                                    "install ffmpeg or render the saved frames yourself")
        out = self.absolute_path + key + ".mp4"
        cmd = [ffmpeg, "-y", "-i", self.absolute_path + key + "%d.png", "-c:v", "libx264", "-preset", "slow",
               "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-f", "mp4", out]
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            raise ExternalToolError(f"ffmpeg failed (exit {done.returncode}) rendering {out}: {done.stderr[-2000:]}")
        if delete_images:
            frame = re.compile(re.escape(key) + r"\d+\.png$")
            for name in os.listdir(self.absolute_path):
                if frame.match(name):
                    os.remove(self.absolute_path + name)
        if reset_frame_counter:
            self.frame_counter[key] = 0
        return out

    def backup(self, file_or_folder: str) -> str:
        """Copy a file (or a folder) into the run folder under its own name."""
        src = os.path.abspath(os.fspath(file_or_folder))
        name = _plain_name(os.path.basename(src), "backup name", f"{type(self).__name__}.backup")
        dst = self.absolute_path + name
        if os.path.isdir(src):
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif os.path.isfile(src):
            shutil.copy(src, dst)
        else:
            raise StorageFileNotFoundError(f"{type(self).__name__}.backup: {src}: no such file or folder")
        return dst

    def backup_execued_file(self) -> str:
        """Copy the running script (``sys.argv[0]``) into the run folder (PymoNNto's spelling)."""
        script = sys.argv[0] if sys.argv else ""
        if not script or not os.path.isfile(script):
            raise ConfigurationError(f"{type(self).__name__}.backup_execued_file: no script file is running "
                                     f"(sys.argv[0] = {script!r})")
        return self.backup(script)

    backup_executed_file = backup_execued_file

    def copy_project_files(self, base_folder: str | None = None) -> str:
        """Zip the project's files into ``backup.zip`` in the run folder.

        Parameters
        ----------
        base_folder : str, optional
            The folder to zip (default: the project root, :func:`get_root_folder`; PymoNNto's default
            is ``'../../'`` relative to the working directory). Folders named ``Data``, ``.git``,
            ``.idea`` and ``__pycache__`` and ``.zip`` files are skipped.
        """
        base = os.path.abspath(get_root_folder() if base_folder is None else os.fspath(base_folder))
        if not os.path.isdir(base):
            raise StorageFileNotFoundError(f"{type(self).__name__}.copy_project_files: {base} is not a folder")
        skip = {"Data", ".git", ".idea", "__pycache__"}
        out = self.absolute_path + "backup.zip"

        def write(f: Any) -> None:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for folder, subdirs, files in os.walk(base):
                    subdirs[:] = sorted(d for d in subdirs if d not in skip)
                    for name in sorted(files):
                        if name.endswith(".zip") or ".tmp-" in name:
                            continue
                        full = os.path.join(folder, name)
                        zf.write(full, os.path.relpath(full, base).replace("\\", "/"))

        _atomic_write(out, write)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.absolute_path!r})"


class SimpleStorageManager(StorageManager):
    """A :class:`StorageManager` on an existing folder, taken as it is (no config.ini is written)."""

    def __init__(self, folder: str) -> None:
        folder = os.fspath(folder)
        if not os.path.isdir(folder):
            raise ConfigurationError(f"SimpleStorageManager: {folder!r} is not an existing folder")
        self.absolute_path = _slash_folder(folder)
        self.folder_name = os.path.basename(self.absolute_path.rstrip("/"))
        self.main_folder_name = os.path.basename(os.path.dirname(self.absolute_path.rstrip("/")))
        self.data_folder = None
        self.config_file_name = "config.ini"
        self.frame_counter = {}


def _evolution_folder() -> tuple[str, str] | None:
    """(main folder, folder) of the running evolution individual, or None outside an evolution."""
    try:
        genes = importlib.import_module(".genes", __package__)
    except ModuleNotFoundError as err:
        if err.name == f"{__package__}.genes":
            return None
        raise
    name, evo_id = genes.get_evo_name(), genes.get_evo_id()
    if name is None or evo_id is None:
        return None
    return str(name), str(genes.get_gene_file(name, evo_id))


def _natural_key(name: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


# -- StorageManagerGroup ----------------------------------------------------------------------------
class StorageManagerGroup:
    """All runs ``<Data>/StorageManager/<main_folder_name>/*<Tag>*`` as a list of StorageManagers.

    Parameters
    ----------
    Tag : str
        Runs whose folder name contains ``Tag`` belong to the group.
    main_folder_name : str, optional
        The main folder (default: ``Tag``).
    data_folder : str, optional
        The ``Data`` folder (default: :func:`get_data_folder` when the group is created; nothing is
        created by a group).

    Attributes
    ----------
    StorageManagerList : list of StorageManager
        The runs, in natural order of their folder names until :meth:`sort_by` reorders them.
    """

    def __init__(self, Tag: str, main_folder_name: str | None = None, data_folder: str | None = None) -> None:
        who = "StorageManagerGroup"
        self.Tag = _plain_name(Tag, "Tag", who)
        self.main_folder_name = _plain_name(Tag if main_folder_name is None else main_folder_name,
                                            "main_folder_name", who)
        self.data_folder = (get_data_folder(create_when_not_found=False) if data_folder is None
                            else os.fspath(data_folder))
        self.absolute_path = _slash_folder(os.path.join(self.data_folder, "StorageManager", self.main_folder_name))
        self.vp: dict[str, np.ndarray] = {}
        self.StorageManagerList: list[StorageManager] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the run folders again."""
        self.StorageManagerList = []
        if not os.path.isdir(self.absolute_path):
            return
        for name in sorted(os.listdir(self.absolute_path), key=_natural_key):
            if self.Tag in name and os.path.isdir(self.absolute_path + name) and name not in (".", ".."):
                self.StorageManagerList.append(StorageManager(
                    self.main_folder_name, name, print_msg=False, add_new_when_exists=False,
                    data_folder=self.data_folder, use_evolution_path=False))

    def __iter__(self) -> Iterator[StorageManager]:
        return iter(self.StorageManagerList)

    def __len__(self) -> int:
        return len(self.StorageManagerList)

    def sort_by(self, param: str, section: str = "Parameters") -> None:
        """Sort the runs by a parameter; runs without it come first (they count as -inf)."""
        def key(sm: StorageManager) -> Any:
            return sm.load_param(param, section, default=-np.inf)
        try:
            self.StorageManagerList = sorted(self.StorageManagerList, key=key)
        except TypeError as err:
            kinds = sorted({type(key(sm)).__name__ for sm in self.StorageManagerList})
            raise ConfigurationError(f"StorageManagerGroup.sort_by({param!r}): the runs' values cannot be ordered "
                                     f"(types {kinds}); expected numbers (or only strings)") from err

    @staticmethod
    def remove_None(values: list, remove_None: bool = True) -> list:
        """``values`` without its None entries (unchanged with ``remove_None=False``)."""
        return [v for v in values if v is not None] if remove_None else values

    def get_param_list(self, param: str, section: str = "Parameters", remove_None: bool = False) -> list:
        """One value per run (None where absent); ``'#SM#'`` gives the StorageManagers themselves."""
        if param == "#SM#":
            return self.StorageManagerList
        return self.remove_None([sm.load_param(param, section) for sm in self.StorageManagerList], remove_None)

    def get_np_list(self, np_name: str, remove_None: bool = False) -> list:
        """``load_np(np_name)`` of each run; None for runs without that file."""
        return self.remove_None([sm.load_np(np_name) if os.path.isfile(sm._file(np_name, ".npy", "load_np")) else None
                                 for sm in self.StorageManagerList], remove_None)

    def get_obj_list(self, obj_name: str, remove_None: bool = False) -> list:
        """``load_obj(obj_name)`` of each run; None for runs without that file."""
        return self.remove_None([sm.load_obj(obj_name) if sm.has_obj(obj_name) else None
                                 for sm in self.StorageManagerList], remove_None)

    def add_virtual_multi_parameter(self, param: str, value: Any) -> None:
        """A read-out parameter not stored on disk: one value per run, or one value for all."""
        n = len(self.StorageManagerList)
        if isinstance(value, (list, np.ndarray)) and len(value) == n:
            self.vp[param] = np.array(value)
        else:
            self.vp[param] = np.array([value for _ in range(n)])

    def _column(self, param: str, section: str) -> list:
        n = len(self.StorageManagerList)
        if param in self.vp:
            col = list(self.vp[param])
            if len(col) != n:
                raise ConfigurationError(f"StorageManagerGroup: virtual parameter {param!r} has {len(col)} values but "
                                         f"the group has {n} runs (refreshed since?); add it again")
            return col
        return list(self.get_param_list(param, section))

    def get_multi_param_list(self, params: Sequence[str], section: str = "Parameters",
                             remove_None: bool = True) -> np.ndarray:
        """A (len(params), runs) array: row i holds ``params[i]`` of every run.

        Numeric when every value is a number; otherwise an object array holding the values as
        they are (StorageManagers for ``'#SM#'``, strings, None). With ``remove_None`` the runs
        where any of the values is None are dropped.
        """
        cols = [self._column(p, section) for p in params]
        n = len(self.StorageManagerList)
        keep = [all(c[j] is not None for c in cols) for j in range(n)] if remove_None else [True] * n
        cols = [[v for v, k in zip(c, keep, strict=True) if k] for c in cols]
        if cols and all(_is_number(v) or isinstance(v, (bool, np.bool_)) for c in cols for v in c):
            return np.array(cols)
        out = np.empty((len(cols), sum(keep)), dtype=object)
        for i, c in enumerate(cols):
            for j, v in enumerate(c):
                out[i, j] = v
        return out

    def get_multi_param_dict(self, params: Sequence[str], section: str = "Parameters",
                             remove_None: bool = True) -> dict:
        """:meth:`get_multi_param_list` as a dict param -> row."""
        return dict(zip(params, self.get_multi_param_list(params, section, remove_None), strict=True))

    def get_all_params(self, section: str = "Parameters", include_virtual_parameters: bool = True) -> list[str]:
        """Names of all parameters any run has (and the virtual ones), in first-seen order."""
        names: dict[str, bool] = {}
        for sm in self.StorageManagerList:
            for p in sm.get_all_params(section):
                names[p] = True
        if include_virtual_parameters:
            for p in self.vp:
                names[p] = True
        return list(names)

    def remove_duplicates_get_eval(self, x: Iterable, y: Iterable,
                                   evalstr: str | Callable[[np.ndarray], Any] = "np.average(a)") -> tuple[np.ndarray, np.ndarray]:
        """The unique values of ``x`` and, for each, ``f(y[x == u])``.

        ``evalstr`` is a callable or one of ``'np.average(a)'``, ``'np.mean(a)'``, ``'np.median(a)'``,
        ``'np.std(a)'``, ``'np.sum(a)'``, ``'np.min(a)'``, ``'np.max(a)'`` (nothing is eval'ed).
        """
        if callable(evalstr):
            f = evalstr
        elif isinstance(evalstr, str) and evalstr.replace(" ", "") in _REDUCERS:
            f = _REDUCERS[evalstr.replace(" ", "")]
        else:
            raise ExpressionError(f"StorageManagerGroup.remove_duplicates_get_eval: evalstr {evalstr!r} is not "
                                  f"allowed; expected a callable or one of {sorted(_REDUCERS)} (pymonn never evals)")
        x, y = np.asarray(x), np.asarray(y)
        if x.shape[:1] != y.shape[:1]:
            raise ConfigurationError(f"StorageManagerGroup.remove_duplicates_get_eval: x has {len(x)} values, "
                                     f"y has {len(y)}; expected the same number")
        unique = np.unique(x)
        result = np.zeros(len(unique))
        for i, u in enumerate(unique):
            result[i] = f(y[x == u])
        return unique, result

    def __getitem__(self, query: str) -> list[StorageManager]:
        """Runs matching ``query``: ``'score'`` (runs that have it) or ``'key op value'``.

        ``op`` is one of ``== != < <= > >=``; numbers compare as numbers, other values as strings
        (``'name==abc'``, quotes optional). Parsed, never eval'ed.
        """
        who = "StorageManagerGroup[...]"
        if not isinstance(query, str):
            raise ConfigurationTypeError(f"{who}: query must be a str, got {type(query).__name__}")
        m = _QUERY.match(query)
        if m is None:
            key = query.strip()
            if not key or any(c in key for c in "=!<> "):
                raise ConfigurationError(f"{who}: query {query!r} not understood; expected 'key' or 'key op value' "
                                         "with op one of ==, !=, <, <=, >, >=")
            return [sm for sm in self.StorageManagerList if sm.load_param(key) is not None]
        key, op, raw = m.groups()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            raw = raw[1:-1]
        target = convert_param(raw)
        if op in ("<", "<=", ">", ">=") and not _is_number(target):
            raise ConfigurationError(f"{who}: query {query!r} orders by {raw!r}, which is not a number")
        result = []
        for sm in self.StorageManagerList:
            value = sm.load_param(key)
            if value is None:
                continue
            if _is_number(target) and _is_number(value):
                if not (isinstance(value, float) and math.isnan(value)) and _OPS[op](value, target):
                    result.append(sm)
            elif op in ("==", "!="):
                s = sm.load_param(key, return_string=True)
                if _OPS[op](s, raw):
                    result.append(sm)
        return result

    def __repr__(self) -> str:
        return f"StorageManagerGroup({self.Tag!r}, {len(self.StorageManagerList)} runs in {self.absolute_path!r})"
