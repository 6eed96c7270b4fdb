"""State files on disk: ``.npz`` (default) or HDF5, written atomically, read without trusting them.

Layout (the same names in both formats): one array per entry, and ``__meta__``, a JSON string
with the structure of the network, the Python scalars and the generator's state.

Reading treats a file as untrusted:

* nothing is unpickled (``allow_pickle=False``) and nothing is evaluated (:func:`json.loads`);
* :class:`StateReader` reports each array's shape and dtype from its header *before* reading
  any data, so a loader can refuse what it did not expect without allocating it;
* the metadata is at most :data:`MAX_META_BYTES` long and nests at most :data:`MAX_META_DEPTH`
  levels; a file holds at most :data:`MAX_ENTRIES` entries with names of at most
  :data:`MAX_NAME` characters;
* ``.npz`` members carry the zip format's CRC-32, checked as they are read; HDF5 datasets carry
  a CRC-32 of their bytes (attribute ``crc32``; the metadata's in the file attribute
  ``meta_crc32``), checked after reading;
* HDF5 files may contain only plain groups and datasets: soft, external and user-defined links,
  external storage, virtual datasets, object/reference/compound/variable-length dtypes (except
  the metadata string) are refused; so is a dataset with data declared but never written.

Every problem is a :class:`~pymonn.errors.StateFileError` naming the file and the entry.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError, StateFileError
from .state_collect import ARRAY_KINDS, FORMAT, META, VERSION, jsonable

#: Longest metadata string accepted (bytes).
MAX_META_BYTES = 64 << 20
#: Deepest nesting of the metadata's JSON.
MAX_META_DEPTH = 64
#: Most entries (arrays) in one file.
MAX_ENTRIES = 1_000_000
#: Longest entry name (characters).
MAX_NAME = 4096
#: Deepest group nesting of an HDF5 file.
MAX_GROUP_DEPTH = 64
#: Array kinds a file may hold (no objects, no void/compound records).
FILE_KINDS = ARRAY_KINDS


def _shown(path: Any) -> str:
    return repr(str(path))


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("npz", "hdf5"):
            raise ConfigurationError(f"format must be 'npz' or 'hdf5', got {fmt!r}")
        return fmt
    return "hdf5" if path.suffix.lower() in (".h5", ".hdf5", ".hdf") else "npz"


def write_state(state: Mapping[str, Any], path: str | os.PathLike, *, format: str | None = None,
                compress: bool = False) -> Path:
    """Write a state dict (or any ``{name: array or scalar}`` dict) to ``path`` atomically.

    The file is written next to ``path`` and moved into place, so a crash while writing leaves
    the previous file intact. Format: ``'hdf5'`` for ``.h5``/``.hdf5`` (needs h5py, extra
    ``[io]``), else ``.npz``. Returns the path written.

    Raises
    ------
    ConfigurationError
        When the folder of ``path`` does not exist (or is not a folder), or an array cannot be
        stored without pickle.
    """
    path = Path(path)
    fmt = format_of(path, format)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigurationError(
            f"cannot save the state to {_shown(path)}: the folder {_shown(folder)} does not exist"
            + (" (it is a file)" if folder.exists() else "") + "; create it first (Path(...).mkdir(parents=True))"
        )
    arrays: dict[str, np.ndarray] = {}
    meta = dict(state.get(META, {}))
    values: dict[str, Any] = {}
    for key, value in state.items():
        if key == META:
            continue
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in FILE_KINDS:
                raise ConfigurationError(f"{key!r}: arrays of dtype {value.dtype} cannot be stored without pickle")
            arrays[key] = value
        else:
            values[key] = value
    meta["values"] = jsonable(values)
    text = json.dumps(meta, allow_nan=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "npz":
            with open(tmp, "wb") as fh:
                (np.savez_compressed if compress else np.savez)(fh, **arrays, **{META: np.array(text)})
        else:
            _write_hdf5(tmp, arrays, text, compress)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigurationError(f"cannot save the state to {_shown(path)}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _crc(data: np.ndarray) -> int:
    return zlib.crc32(np.ascontiguousarray(data).view(np.uint8).reshape(-1)) if data.size else 0


def _h5py(needed_for: str):
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError(f"{needed_for} needs h5py: pip install 'pymonn[io]'") from exc
    return h5py


def _write_hdf5(path: Path, arrays: Mapping[str, np.ndarray], text: str, compress: bool) -> None:
    h5py = _h5py("writing an HDF5 state")
    with h5py.File(path, "w") as f:
        f.attrs["format"] = FORMAT
        f.create_dataset(META, data=text, dtype=h5py.string_dtype("utf-8"))
        f.attrs["meta_crc32"] = zlib.crc32(text.encode("utf-8"))
        for key, value in arrays.items():
            opts = {"compression": "gzip"} if compress and value.ndim and value.size > 64 else {}
            data = np.char.encode(value, "utf-8") if value.dtype.kind == "U" else np.asarray(value, order="C")
            ds = f.create_dataset(key, data=data, **opts)
            if value.dtype.kind == "U":
                ds.attrs["unicode"] = True
            ds.attrs["crc32"] = _crc(data)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
class StateReader:
    """An open state file: its metadata now, each array's (shape, dtype) now, the data on request.

    ``with StateReader(path) as r: r.meta, r.headers, r.read(name)``. Never unpickles; every
    problem is a StateFileError.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            with open(self.path, "rb") as fh:
                magic = fh.read(8)
        except OSError as exc:
            raise StateFileError(f"cannot open state file {_shown(self.path)}: {exc}") from exc
        self._zip = self._h5 = None
        self.headers: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
        try:
            if magic.startswith(b"PK"):
                text = self._open_npz()
            elif magic.startswith(b"\x89HDF"):
                text = self._open_hdf5()
            else:
                raise StateFileError(f"{_shown(self.path)} is neither an .npz nor an HDF5 file (first bytes {magic!r})")
            self.meta = parse_meta(text, self.path)
        except StateFileError:
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001  zipfile, zlib, h5py and numpy errors all mean the same here
            self.close()
            raise StateFileError(f"state file {_shown(self.path)} is corrupted or truncated: "
                                 f"{type(exc).__name__}: {exc}") from exc
        self.values = self.meta.pop("values", {})
        if not isinstance(self.values, dict):
            raise StateFileError(f"state file {_shown(self.path)}: '__meta__' values must be a mapping")

    # -- npz --------------------------------------------------------------------------------------
    def _open_npz(self) -> str:
        self._zip = zipfile.ZipFile(self.path)
        members = self._zip.infolist()
        if len(members) > MAX_ENTRIES + 1:
            raise StateFileError(f"{_shown(self.path)} has {len(members)} entries (the limit is {MAX_ENTRIES})")
        self._members = {}
        for info in members:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            self._check_name(name)
            if name in self._members:
                raise StateFileError(f"{_shown(self.path)} holds the entry {name!r} twice")
            self._members[name] = info
        if META not in self._members:
            raise StateFileError(f"{_shown(self.path)} has no '__meta__' entry: not a pymonn state file")
        for name, info in self._members.items():
            with self._zip.open(info) as fh:
                shape, dtype = _npy_header(fh)
            if name == META:
                if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_META_BYTES:
                    raise StateFileError(f"{_shown(self.path)}: '__meta__' is not a text entry")
                continue
            self.headers[name] = (shape, dtype)
        return str(self._read_npz(META)[()])

    def _read_npz(self, name: str) -> np.ndarray:
        with self._zip.open(self._members[name]) as fh:
            return np.lib.format.read_array(fh, allow_pickle=False)

    # -- hdf5 -------------------------------------------------------------------------------------
    def _open_hdf5(self) -> str:
        h5py = _h5py("reading an HDF5 state")
        self._h5 = f = h5py.File(self.path, "r")
        self._datasets: dict[str, Any] = {}
        self._walk(f, "", 0)
        if META not in self._datasets:
            raise StateFileError(f"{_shown(self.path)} has no '__meta__' dataset: not a pymonn state file")
        ds = self._datasets.pop(META)
        if ds.shape != () or ds.dtype.kind not in "OSU":
            raise StateFileError(f"{_shown(self.path)}: '__meta__' is not a text dataset")
        if ds.id.get_storage_size() > MAX_META_BYTES:
            raise StateFileError(f"{_shown(self.path)}: '__meta__' is longer than {MAX_META_BYTES} bytes")
        raw = ds[()]
        raw = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        text = raw.decode("utf-8")
        if "meta_crc32" in f.attrs:
            if int(f.attrs["meta_crc32"]) != zlib.crc32(raw):
                raise StateFileError(f"{_shown(self.path)}: the checksum of '__meta__' does not match: the file "
                                     "is corrupted")
            self._checked = True
        elif parse_meta(text, self.path).get("version") == 1:
            self._checked = False  # written before checksums existed
        else:
            raise StateFileError(f"{_shown(self.path)} has no checksum of its '__meta__'")
        return text

    def _walk(self, group: Any, prefix: str, depth: int) -> None:
        import h5py

        if depth > MAX_GROUP_DEPTH:
            raise StateFileError(f"{_shown(self.path)}: groups nest deeper than {MAX_GROUP_DEPTH} levels")
        for name in group:
            full = f"{prefix}{name}"
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise StateFileError(f"{_shown(self.path)}: {full!r} is a {type(link).__name__}; state files hold "
                                     "only plain groups and datasets")
            node = group[name]
            if isinstance(node, h5py.Group):
                self._walk(node, full + "/", depth + 1)
                continue
            if not isinstance(node, h5py.Dataset):
                raise StateFileError(f"{_shown(self.path)}: {full!r} is not a dataset")
            if len(self._datasets) >= MAX_ENTRIES + 1:
                raise StateFileError(f"{_shown(self.path)} has more than {MAX_ENTRIES} entries")
            self._check_name(full)
            if node.external:
                raise StateFileError(f"{_shown(self.path)}: {full!r} keeps its data in another file "
                                     f"({node.external[0][0]!r}); refused")
            if node.is_virtual:
                raise StateFileError(f"{_shown(self.path)}: {full!r} is a virtual dataset (data from other files); "
                                     "refused")
            self._datasets[full] = node
            if full == META:
                continue
            dtype = node.dtype
            if dtype.kind not in FILE_KINDS or dtype.fields is not None or dtype.subdtype is not None:
                raise StateFileError(f"{_shown(self.path)}: {full!r} has the dtype {dtype}; state files hold numbers, "
                                     "bools and text")
            if node.attrs.get("unicode", False) and dtype.kind != "S":
                raise StateFileError(f"{_shown(self.path)}: {full!r} claims to be text but has the dtype {dtype}")
            nbytes = int(np.prod(node.shape, dtype=np.int64)) * dtype.itemsize
            if nbytes and node.id.get_storage_size() == 0:
                raise StateFileError(f"{_shown(self.path)}: {full!r} declares {nbytes} bytes but holds no data "
                                     "(never written)")
            shown_dtype = np.dtype(f"U{dtype.itemsize}") if node.attrs.get("unicode", False) else dtype
            self.headers[full] = (tuple(node.shape), shown_dtype)

    def _read_hdf5(self, name: str) -> np.ndarray:
        node = self._datasets[name]
        data = np.asarray(node[()])
        if self._checked:
            if "crc32" not in node.attrs:
                raise StateFileError(f"{_shown(self.path)}: {name!r} has no checksum")
            if int(node.attrs["crc32"]) != _crc(data):
                raise StateFileError(f"{_shown(self.path)}: the checksum of {name!r} does not match: the file is "
                                     "corrupted")
        if node.attrs.get("unicode", False):
            data = np.char.decode(data, "utf-8")
        return data

    # -- both -------------------------------------------------------------------------------------
    def _check_name(self, name: str) -> None:
        if not name or len(name) > MAX_NAME or "\x00" in name or not name.isprintable():
            raise StateFileError(f"{_shown(self.path)} holds an entry with an unusable name {name[:80]!r}")

    def read(self, name: str) -> np.ndarray:
        """The data of entry ``name`` (checked against its checksum)."""
        if name not in self.headers:
            raise StateFileError(f"{_shown(self.path)} has no entry {name!r}")
        try:
            data = self._read_npz(name) if self._zip is not None else self._read_hdf5(name)
        except StateFileError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise StateFileError(f"state file {_shown(self.path)} is corrupted or truncated at {name!r}: "
                                 f"{type(exc).__name__}: {exc}") from exc
        shape, dtype = self.headers[name]
        if data.shape != shape or data.dtype.kind != dtype.kind:
            raise StateFileError(f"state file {_shown(self.path)}: {name!r} does not hold what its header says")
        return data

    def close(self) -> None:
        for handle in (self._zip, self._h5):
            if handle is not None:
                try:
                    handle.close()
                except Exception:  # noqa: BLE001 - closing a damaged file
                    pass
        self._zip = self._h5 = None

    def __enter__(self) -> StateReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _npy_header(fh) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version in ((2, 0), (3, 0)):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:  # pragma: no cover - read_magic refuses other versions
        raise StateFileError(f"unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in FILE_KINDS or dtype.fields is not None:
        raise StateFileError(f"an entry has the dtype {dtype}: Object arrays cannot be loaded (state files hold "
                             "numbers, bools and text; pickles are never read)")
    return tuple(int(n) for n in shape), dtype


def _depth_ok(text: str) -> bool:
    """Whether the JSON text nests at most MAX_META_DEPTH levels (brackets outside strings)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_META_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def parse_meta(text: Any, path: Any = "state") -> dict:
    """The metadata as a dict: bounded in size and depth, a pymonn state's format (else StateFileError)."""
    if not isinstance(text, str):
        raise StateFileError(f"{_shown(path)}: '__meta__' is not text")
    if len(text) > MAX_META_BYTES:
        raise StateFileError(f"{_shown(path)}: '__meta__' is longer than {MAX_META_BYTES} bytes")
    if not _depth_ok(text):
        raise StateFileError(f"{_shown(path)}: '__meta__' nests deeper than {MAX_META_DEPTH} levels")
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise StateFileError(f"{_shown(path)}: '__meta__' is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StateFileError(f"{_shown(path)} is not a pymonn state file")
    return meta


def read_state(path: str | os.PathLike) -> dict[str, Any]:
    """Read a state file written by :func:`save_state` / :func:`write_state` into a dict.

    Never unpickles and never runs code. Raises :class:`StateFileError` for a missing, truncated,
    corrupted or foreign file. (Reads every array; ``net.load(path)`` reads only what the
    network expects.)
    """
    with StateReader(path) as reader:
        state: dict[str, Any] = {name: reader.read(name) for name in reader.headers}
        values = reader.values
        meta = reader.meta
    for key, value in values.items():
        state[key] = value
    state[META] = meta
    return state


__all__ = ["StateReader", "read_state", "write_state", "parse_meta", "FORMAT", "VERSION", "META"]
