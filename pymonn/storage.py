"""Network state and recordings on disk without pickle: ``.npz`` (default) or HDF5.

``net.state_dict()`` collects, as a flat ``{name: value}`` dict, everything a running network
needs to continue exactly where it was:

* every public numpy array and scalar attribute of the network, each neuron group and each
  synapse group (``group/exc/v``, ``synapse/ee/W``),
* the same for each behaviour (``group/exc/behaviour/30/tau``), plus its constructor
  parameters for reference (in ``__meta__``),
* the contents of recorders (unless ``recordings=False``),
* the iteration counter, ``dt``, ``dtype``, the seed and the random generator's state.

``net.save(path)`` writes it; ``net.load(path)`` reads it back into a network built by the same
script. Saving mid-run, loading into a freshly built network and continuing gives bit-for-bit
the same result as never stopping. Values are copied *into* the existing arrays, so behaviours
that keep references to them (or compiled kernels) see the restored state.

File layout (the same names in both formats): one array per entry, and ``__meta__``, a JSON
string with the structure of the network, the Python scalars and the generator state. Loading
uses ``numpy.load(allow_pickle=False)`` / h5py datasets and :func:`json.loads`, so a file can
never run code. A file that does not fit the network raises :class:`StateMismatchError` naming
the first differences; an unreadable, truncated or foreign file raises :class:`StateFileError`.

Behaviours with state that is not a plain attribute can define ``state_dict(self) -> dict`` and
``load_state_dict(self, state: dict)``; those are used instead of the attribute scan.

:class:`Checkpointer` is a run callback that writes the state every N steps (atomically), and
:func:`save_recordings` / :func:`load_recordings` store only what recorders hold.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError, StateError, StateFileError, StateMismatchError  # noqa: F401 (re-exported)

__all__ = [
    "StateFileError", "StateMismatchError", "StateMixin", "state_dict", "load_state_dict", "save_state",
    "load_state", "read_state", "write_state", "Checkpointer", "save_recordings", "load_recordings",
]

FORMAT = "pymonn-state"
VERSION = 1
META = "__meta__"

#: Attributes that describe structure, not state; never saved.
_OBJECT_SKIP = frozenset({
    "size", "initialized", "network", "tags", "behaviours", "geometry", "src", "dst", "afferent_synapses",
    "efferent_synapses", "seed", "synapse_mode", "timing", "NeuronGroups", "SynapseGroups",
})
_BEHAVIOUR_SKIP = frozenset({"parent", "key", "initialized", "tags", "init_kwargs", "variables"})
_ARRAY_KINDS = "biufcUSmM"


# ---------------------------------------------------------------------------------------------
# naming
# ---------------------------------------------------------------------------------------------
def _escape(name: str) -> str:
    return str(name).replace("%", "%25").replace("/", "%2F")


def _key_name(key: float) -> str:
    return repr(key) if isinstance(key, float) else str(key)


def _object_paths(net: Any) -> list[tuple[str, Any]]:
    """(path, object) for the network, its neuron groups and its synapse groups, in order."""
    out: list[tuple[str, Any]] = [("network", net)]
    for kind, objects in (("group", net.NeuronGroups), ("synapse", net.SynapseGroups)):
        seen: dict[str, int] = {}
        for obj in objects:
            name = _escape(obj.tags[0])
            seen[name] = seen.get(name, 0) + 1
            out.append((f"{kind}/{name}" + (f"#{seen[name]}" if seen[name] > 1 else ""), obj))
    return out


# ---------------------------------------------------------------------------------------------
# collecting values
# ---------------------------------------------------------------------------------------------
def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS


def _collect_value(path: str, value: Any, out: dict, containers: dict, skipped: list) -> None:
    if _is_array(value):
        out[path] = np.array(value, copy=True)
    elif isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
        out[path] = np.asarray(value).copy()
        containers[path] = "numpy-scalar"
    elif value is None or isinstance(value, (bool, int, float, str)):
        out[path] = value
    elif isinstance(value, (list, tuple)) and value and all(_is_array(v) for v in value):
        containers[path] = [type(value).__name__, len(value)]
        for k, v in enumerate(value):
            out[f"{path}[{k}]"] = np.array(v, copy=True)
    elif (fields := _record_fields(value)) is not None:
        containers[path] = ["record", type(value).__qualname__, sorted(fields)]
        for name, v in fields.items():
            out[f"{path}.{name}"] = np.array(v, copy=True) if isinstance(v, np.ndarray) else v
    else:
        skipped.append(f"{path} ({type(value).__name__})")


def _record_fields(value: Any) -> dict[str, Any] | None:
    """Public fields of a small object made only of arrays and scalars (e.g. a CSR matrix), else None."""
    if isinstance(value, (type, dict, set, list, tuple, np.ndarray)) or callable(value):
        return None
    names = list(getattr(value, "__dict__", {}))
    for cls in type(value).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    fields = {}
    for name in dict.fromkeys(names):
        if name.startswith("_") or not hasattr(value, name):
            continue
        v = getattr(value, name)
        if _is_array(v) or v is None or isinstance(v, (bool, int, float, str)):
            fields[name] = v
        else:
            return None
    return fields if any(isinstance(v, np.ndarray) for v in fields.values()) else None


def _attributes(obj: Any, skip: frozenset) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in vars(obj).items() if not k.startswith("_") and k not in skip]


def _recorder_state(path: str, rec: Any, out: dict) -> None:
    """Contents of an in-memory Recorder / EventRecorder."""
    events = getattr(rec, "_events", None)
    if events is not None:
        for var, (steps, index) in events.items():
            out[f"{path}/recording/events/{_escape(var)}/iteration"] = np.array(steps.array(), dtype=np.int64)
            out[f"{path}/recording/events/{_escape(var)}/i"] = np.array(index.array(), dtype=np.int32)
        return
    for expr, buf in rec._buffers.items():
        if len(buf):
            out[f"{path}/recording/values/{_escape(expr)}"] = np.array(buf.array(), copy=True)
    out[f"{path}/recording/iterations"] = np.array(rec._iterations.array(), dtype=np.int64)


def _has_custom_state(b: Any) -> bool:
    return callable(getattr(b, "state_dict", None)) and callable(getattr(b, "load_state_dict", None))


def _is_memory_recorder(b: Any) -> bool:
    return getattr(b, "is_recorder", False) and hasattr(b, "_iterations") and not _has_custom_state(b)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _unjson(value: Any) -> Any:
    if isinstance(value, dict):
        if "__ndarray__" in value and "dtype" in value:
            return np.array(value["__ndarray__"], dtype=np.dtype(value["dtype"]))
        return {k: _unjson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unjson(v) for v in value]
    return value


def state_dict(net: Any, *, recordings: bool = True) -> dict[str, Any]:
    """The network's complete state as a flat ``{name: value}`` dict (see the module docstring).

    Parameters
    ----------
    net : Network
    recordings : bool
        Include what in-memory recorders hold (default True), so that a resumed run has the
        whole history. Streaming recorders always contribute only their file position.

    Returns
    -------
    dict
        Names like ``'group/exc/v'`` map to copies of numpy arrays or to Python scalars;
        ``'__meta__'`` maps to a JSON-compatible dict describing the network.
    """
    out: dict[str, Any] = {}
    containers: dict[str, Any] = {}
    skipped: list[str] = []
    objects = []
    for path, obj in _object_paths(net):
        entry: dict[str, Any] = {"path": path, "kind": type(obj).__name__, "tags": list(obj.tags)}
        if path != "network":
            entry["size"] = int(obj.size)
        if hasattr(obj, "src"):
            entry["shape"] = list(obj.shape)
            entry["src"], entry["dst"] = obj.src.tags[0], obj.dst.tags[0]
        for name, value in _attributes(obj, _OBJECT_SKIP):
            _collect_value(f"{path}/{name}", value, out, containers, skipped)
        behaviours = {}
        for key in sorted(obj.behaviours):
            b = obj.behaviours[key]
            bpath = f"{path}/behaviour/{_key_name(key)}"
            behaviours[_key_name(key)] = {"class": type(b).__qualname__, "module": type(b).__module__,
                                          "params": _jsonable(dict(b.init_kwargs))}
            if _has_custom_state(b):
                for name, value in b.state_dict().items():
                    _collect_value(f"{bpath}/{name}", value, out, containers, skipped)
                continue
            for name, value in _attributes(b, _BEHAVIOUR_SKIP):
                _collect_value(f"{bpath}/{name}", value, out, containers, skipped)
            if recordings and _is_memory_recorder(b):
                _recorder_state(bpath, b, out)
        entry["behaviours"] = behaviours
        objects.append(entry)
    from . import __version__

    out[META] = {
        "format": FORMAT, "version": VERSION, "pymonn": __version__, "dtype": net.dtype.name, "dt": net.dt,
        "iteration": int(net.iteration), "seed": _jsonable(net.seed),
        "rng": _jsonable(net.rng.bit_generator.state), "recordings": bool(recordings),
        "objects": objects, "containers": containers, "skipped": skipped,
    }
    return out


# ---------------------------------------------------------------------------------------------
# loading values
# ---------------------------------------------------------------------------------------------
def _mismatch(problems: list[str]) -> StateMismatchError:
    shown = problems[:12]
    more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return StateMismatchError("the saved state does not fit this network:\n  " + "\n  ".join(shown) + more)


def _check_structure(net: Any, meta: dict, problems: list[str]) -> None:
    if meta.get("dtype") != net.dtype.name:
        problems.append(f"dtype: file has {meta.get('dtype')}, network has {net.dtype.name}")
    if meta.get("dt") != net.dt:
        problems.append(f"dt: file has {meta.get('dt')} ms, network has {net.dt} ms")
    saved = {o["path"]: o for o in meta.get("objects", [])}
    here = dict(_object_paths(net))
    for kind, label in (("group", "neuron groups"), ("synapse", "synapse groups")):
        a = [p.split("/", 1)[1] for p in saved if p.startswith(kind + "/")]
        b = [p.split("/", 1)[1] for p in here if p.startswith(kind + "/")]
        if a != b:
            problems.append(f"{label}: file has {a}, network has {b}")
    for path, obj in here.items():
        entry = saved.get(path)
        if entry is None:
            continue
        who = obj.describe()
        if "size" in entry and entry["size"] != obj.size:
            problems.append(f"{who}: file has size {entry['size']}, network has size {obj.size}")
        if "shape" in entry and tuple(entry["shape"]) != tuple(obj.shape):
            problems.append(f"{who}: file has shape {tuple(entry['shape'])}, network has {tuple(obj.shape)}")
        if "src" in entry and (entry["src"], entry["dst"]) != (obj.src.tags[0], obj.dst.tags[0]):
            problems.append(f"{who}: file connects {entry['src']} -> {entry['dst']}")
        file_b = entry.get("behaviours", {})
        net_b = {_key_name(k): type(b).__qualname__ for k, b in obj.behaviours.items()}
        for key in sorted(set(file_b) | set(net_b)):
            a = file_b.get(key, {}).get("class")
            b = net_b.get(key)
            if a != b:
                problems.append(f"{who} behaviour key {key}: file has {a or 'nothing'}, network has {b or 'nothing'}")


def _describe_value(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"array {v.shape} {v.dtype}"
    return f"{type(v).__name__} {v!r}"[:60]


def _plan_value(where: str, name: str, current: Any, saved: Any, kind: Any, problems: list[str]):
    """Check one value and return a function that applies it (or None after a problem)."""
    if isinstance(kind, list) and kind[0] == "record":  # an object of arrays and scalars (a CSR matrix ...)
        fields = _record_fields(current) if current is not _MISSING else None
        if fields is None or type(current).__qualname__ != kind[1] or sorted(fields) != kind[2]:
            problems.append(f"{where}.{name}: file has a {kind[1]} with fields {kind[2]}, network has "
                            f"{type(current).__name__ if current is not _MISSING else 'nothing'}")
            return None
        steps = []
        for field in kind[2]:
            step = _plan_value(where, f"{name}.{field}", fields[field], saved[field], None, problems)
            if step is None:
                return None
            steps.append((field, step))

        def apply_record(_obj, _name, steps=steps, rec=current):
            for field, step in steps:
                step(rec, field)
        return apply_record
    if isinstance(kind, list):  # list/tuple of arrays
        length = kind[1]
        if not isinstance(current, (list, tuple)) or len(current) != length:
            problems.append(f"{where}.{name}: file has a {kind[0]} of {length} arrays, network has "
                            f"{_describe_value(current)}")
            return None
        steps = [_plan_value(where, f"{name}[{k}]", current[k], saved[k], None, problems) for k in range(length)]
        if any(s is None for s in steps):
            return None

        def apply_list(_obj, _name, steps=steps):
            for s in steps:
                s(None, None)
        return apply_list
    if isinstance(saved, np.ndarray) and kind != "numpy-scalar":
        if isinstance(current, np.ndarray):
            if current.shape != saved.shape or current.dtype != saved.dtype:
                problems.append(f"{where}.{name}: file has {_describe_value(saved)}, network has "
                                f"{_describe_value(current)}")
                return None
            return lambda obj, attr, c=current, s=saved: np.copyto(c, s) if c.flags.writeable else \
                setattr(obj, attr, s.copy())
        if current is None or current is _MISSING:
            return lambda obj, attr, s=saved: setattr(obj, attr, s.copy())
        problems.append(f"{where}.{name}: file has {_describe_value(saved)}, network has {_describe_value(current)}")
        return None
    if kind == "numpy-scalar":
        value = np.asarray(saved)[()]
        if isinstance(current, np.generic) and current.dtype != value.dtype:
            problems.append(f"{where}.{name}: file has {value.dtype} scalar, network has {current.dtype}")
            return None
        return lambda obj, attr, v=value: setattr(obj, attr, v)
    if isinstance(current, np.ndarray):
        problems.append(f"{where}.{name}: file has {_describe_value(saved)}, network has {_describe_value(current)}")
        return None
    return lambda obj, attr, v=saved: setattr(obj, attr, v)


_MISSING = object()


def load_state_dict(net: Any, state: Mapping[str, Any], *, strict: bool = True) -> None:
    """Restore a state made by :func:`state_dict` into ``net`` (built by the same script).

    The network is initialized first if it was not. Everything is checked before anything is
    changed, so a mismatch leaves the network untouched.

    Parameters
    ----------
    net : Network
    state : mapping
        As returned by :func:`state_dict` or :func:`read_state`.
    strict : bool
        With True (default) a variable of the network that the file lacks, or an entry of the
        file that has no place in the network, is a mismatch; with False both are left alone.
        Variables that the file has and the network does not have yet (made lazily during a
        run) are created either way. Group sizes, shapes, dtypes and behaviour classes must
        always match.

    Raises
    ------
    StateMismatchError
        Naming the differences (groups, sizes, behaviour classes, variables, shapes, dtypes).
    StateFileError
        When ``state`` has no valid ``'__meta__'``.
    """
    meta = state.get(META)
    if not isinstance(meta, Mapping) or meta.get("format") != FORMAT:
        raise StateFileError("not a pymonn state: '__meta__' is missing or has the wrong format")
    if meta.get("version") != VERSION:
        raise StateFileError(f"pymonn state version {meta.get('version')} is not supported (this is {VERSION})")
    if not net.initialized:
        net.initialize()
    problems: list[str] = []
    _check_structure(net, meta, problems)
    if problems:
        raise _mismatch(problems)
    containers = meta.get("containers", {})
    with_recordings = bool(meta.get("recordings", True))
    plan: list = []
    used: set[str] = {META}
    prefix_claims: list[str] = []
    for path, obj in _object_paths(net):
        targets = [(path, obj, _OBJECT_SKIP, False)]
        for key in sorted(obj.behaviours):
            targets.append((f"{path}/behaviour/{_key_name(key)}", obj.behaviours[key], _BEHAVIOUR_SKIP, True))
        for tpath, target, skip, is_behaviour in targets:
            who = obj.describe() + (f" behaviour {_key_name(target.key)} ({type(target).__name__})"
                                    if is_behaviour else "")
            if is_behaviour and _has_custom_state(target):
                prefix = tpath + "/"
                sub = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
                used.update(prefix + k for k in sub)
                plan.append(lambda t=target, s=sub: t.load_state_dict(s))
                continue
            present = {name: value for name, value in _attributes(target, skip)}
            saved_names = _names_under(state, tpath, containers)
            for name in sorted(set(saved_names) | set(present)):
                key = f"{tpath}/{name}"
                if name not in saved_names:
                    value = present[name]
                    if strict and (_is_array(value) or isinstance(value, (np.generic, bool, int, float, str))):
                        problems.append(f"{who}: variable {name!r} is in the network but not in the file")
                    continue
                kind = containers.get(key)
                if isinstance(kind, list) and kind[0] == "record":
                    members = [f"{key}.{f}" for f in kind[2]]
                    missing = [m for m in members if m not in state]
                    if missing:
                        problems.append(f"{who}: the file lacks {missing}")
                        continue
                    saved = {f: state[m] for f, m in zip(kind[2], members, strict=True)}
                    used.update(members)
                elif isinstance(kind, list):
                    saved = [state[f"{key}[{k}]"] for k in range(kind[1])]
                    used.update(f"{key}[{k}]" for k in range(kind[1]))
                else:
                    saved = state[key]
                    used.add(key)
                step = _plan_value(who, name, present.get(name, _MISSING), saved, kind, problems)
                if step is not None:
                    plan.append(lambda st=step, t=target, n=name: st(t, n))
            if is_behaviour and _is_memory_recorder(target) and with_recordings:
                prefix_claims.append(tpath + "/recording/")
                step = _plan_recorder(who, tpath, target, state, used, problems)
                if step is not None:
                    plan.append(step)
    extra = [k for k in state if k not in used and not any(k.startswith(p) for p in prefix_claims)]
    if strict and extra:
        problems.append(f"the file has variables this network lacks: {sorted(extra)[:8]}"
                        + (" ..." if len(extra) > 8 else ""))
    rng_state = _unjson(meta.get("rng"))
    if not isinstance(rng_state, dict) or rng_state.get("bit_generator") != type(net.rng.bit_generator).__name__:
        problems.append(f"random generator: file has {rng_state.get('bit_generator') if isinstance(rng_state, dict) else None}, "
                        f"network has {type(net.rng.bit_generator).__name__}")
    if problems:
        raise _mismatch(problems)
    for step in plan:
        step()
    net.rng.bit_generator.state = rng_state
    net.iteration = int(meta["iteration"])
    net.seed = _unjson(meta.get("seed"))
    for group in net.NeuronGroups:  # per-step input arrays: the next step starts them afresh
        stamps = getattr(group, "_accumulated", None)
        if isinstance(stamps, dict):
            stamps.clear()
    net._schedule_changed()


def _names_under(state: Mapping[str, Any], tpath: str, containers: Mapping[str, Any]) -> list[str]:
    """Attribute names stored directly under ``tpath`` (lists of arrays folded into one name)."""
    prefix = tpath + "/"
    names = []
    for key in state:
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix):]
        if "/" in rest:
            continue
        if rest.endswith("]") and "[" in rest:
            base = rest[: rest.rindex("[")]
            if isinstance(containers.get(prefix + base), list):
                rest = base
        elif "." in rest:  # a field of a record (attribute names have no dots)
            base = rest.split(".", 1)[0]
            if isinstance(containers.get(prefix + base), list):
                rest = base
        names.append(rest)
    return list(dict.fromkeys(names))


def _plan_recorder(who: str, tpath: str, rec: Any, state: Mapping[str, Any], used: set, problems: list[str]):
    events = getattr(rec, "_events", None)
    fills = []
    if events is not None:
        for var, (steps, index) in events.items():
            base = f"{tpath}/recording/events/{_escape(var)}"
            if f"{base}/iteration" not in state:
                problems.append(f"{who}: the file holds no events of {var!r}")
                continue
            used.update({f"{base}/iteration", f"{base}/i"})
            fills.append((steps, np.asarray(state[f"{base}/iteration"])))
            fills.append((index, np.asarray(state[f"{base}/i"])))
    else:
        it_key = f"{tpath}/recording/iterations"
        if it_key not in state:
            problems.append(f"{who}: the file holds no recording for this recorder")
            return None
        used.add(it_key)
        iterations = np.asarray(state[it_key])
        fills.append((rec._iterations, iterations))
        for expr, buf in rec._buffers.items():
            key = f"{tpath}/recording/values/{_escape(expr)}"
            if key in state:
                used.add(key)
                data = np.asarray(state[key])
                if len(data) != len(iterations):
                    problems.append(f"{who}: {expr!r} has {len(data)} samples but {len(iterations)} iterations")
                fills.append((buf, data))
            elif len(iterations):
                problems.append(f"{who}: the file holds no samples of {expr!r}")
        known = {f"{tpath}/recording/values/{_escape(e)}" for e in rec._buffers}
        for key in state:
            if key.startswith(f"{tpath}/recording/values/") and key not in known:
                problems.append(f"{who}: the file records {key.rsplit('/', 1)[1]!r}, this recorder does not")

    def apply():
        for buf, data in fills:
            buf.clear()
            if len(data):
                buf.append_many(data)
    return apply


# ---------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------
def _format_of(path: Path, fmt: str | None) -> str:
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
    """
    path = Path(path)
    fmt = _format_of(path, format)
    arrays: dict[str, np.ndarray] = {}
    meta = dict(state.get(META, {}))
    values: dict[str, Any] = {}
    for key, value in state.items():
        if key == META:
            continue
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in _ARRAY_KINDS:
                raise ConfigurationError(f"{key!r}: arrays of dtype {value.dtype} cannot be stored without pickle")
            arrays[key] = value
        else:
            values[key] = value
    meta["values"] = _jsonable(values)
    text = json.dumps(meta, allow_nan=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "npz":
            with open(tmp, "wb") as fh:
                (np.savez_compressed if compress else np.savez)(fh, **arrays, **{META: np.array(text)})
        else:
            _write_hdf5(tmp, arrays, text, compress)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _write_hdf5(path: Path, arrays: Mapping[str, np.ndarray], text: str, compress: bool) -> None:
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError("HDF5 files need h5py: pip install 'pymonn[io]'") from exc
    with h5py.File(path, "w") as f:
        f.attrs["format"] = FORMAT
        f.create_dataset(META, data=text, dtype=h5py.string_dtype("utf-8"))
        for key, value in arrays.items():
            opts = {"compression": "gzip"} if compress and value.ndim and value.size > 64 else {}
            if value.dtype.kind == "U":
                ds = f.create_dataset(key, data=np.char.encode(value, "utf-8"), **opts)
                ds.attrs["unicode"] = True
            else:
                ds = f.create_dataset(key, data=value, **opts)


def read_state(path: str | os.PathLike) -> dict[str, Any]:
    """Read a state file written by :func:`save_state` / :func:`write_state` into a dict.

    Never unpickles and never runs code. Raises :class:`StateFileError` for a missing, truncated,
    corrupted or foreign file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise StateFileError(f"cannot open state file {str(path)!r}: {exc}") from exc
    try:
        if magic.startswith(b"PK"):
            arrays, text = _read_npz(path)
        elif magic.startswith(b"\x89HDF"):
            arrays, text = _read_hdf5(path)
        else:
            raise StateFileError(f"{str(path)!r} is neither an .npz nor an HDF5 file (first bytes {magic!r})")
        meta = json.loads(text)
    except StateFileError:
        raise
    except Exception as exc:  # zipfile, zlib, h5py, json and numpy errors all mean the same here
        raise StateFileError(f"state file {str(path)!r} is corrupted or truncated: "
                             f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StateFileError(f"{str(path)!r} is not a pymonn state file")
    values = _unjson(meta.pop("values", {}))
    state: dict[str, Any] = dict(arrays)
    state.update(values)
    state[META] = meta
    return state


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], str]:
    with np.load(path, allow_pickle=False) as z:
        if META not in z.files:
            raise StateFileError(f"{str(path)!r} has no '__meta__' entry: not a pymonn state file")
        arrays = {k: z[k] for k in z.files if k != META}
        text = str(z[META][()])
    return arrays, text


def _read_hdf5(path: Path) -> tuple[dict[str, np.ndarray], str]:
    try:
        import h5py
    except ImportError as exc:  # pragma: no cover
        raise StateFileError("reading an HDF5 state needs h5py: pip install 'pymonn[io]'") from exc
    arrays: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as f:
        if META not in f:
            raise StateFileError(f"{str(path)!r} has no '__meta__' dataset: not a pymonn state file")
        text = f[META][()]
        text = text.decode("utf-8") if isinstance(text, bytes) else str(text)

        def visit(name, node):
            if isinstance(node, h5py.Dataset) and name != META:
                data = np.asarray(node[()])
                if node.attrs.get("unicode", False):
                    data = np.char.decode(data, "utf-8")
                arrays[name] = data
        f.visititems(visit)
    return arrays, text


def save_state(net: Any, path: str | os.PathLike, *, format: str | None = None, compress: bool = False,
               recordings: bool = True) -> Path:
    """Save the network's state (:func:`state_dict`) to ``.npz`` or HDF5; returns the path."""
    return write_state(state_dict(net, recordings=recordings), path, format=format, compress=compress)


def load_state(net: Any, path: str | os.PathLike, *, strict: bool = True) -> None:
    """Load a file written by :func:`save_state` into ``net`` (see :func:`load_state_dict`)."""
    load_state_dict(net, read_state(path), strict=strict)


class StateMixin:
    """``state_dict`` / ``load_state_dict`` / ``save`` / ``load`` methods for :class:`~pymonn.Network`."""

    def state_dict(self, *, recordings: bool = True) -> dict[str, Any]:
        """Everything needed to continue this run exactly: see :func:`pymonn.storage.state_dict`."""
        return state_dict(self, recordings=recordings)

    def load_state_dict(self, state: Mapping[str, Any], *, strict: bool = True) -> None:
        """Restore a :meth:`state_dict` (raises StateMismatchError when it does not fit)."""
        load_state_dict(self, state, strict=strict)

    def save(self, path: str | os.PathLike, *, format: str | None = None, compress: bool = False,
             recordings: bool = True) -> Path:
        """Save the state to ``path``: ``.npz`` (default) or ``.h5``/``.hdf5``; never pickled."""
        return save_state(self, path, format=format, compress=compress, recordings=recordings)

    def load(self, path: str | os.PathLike, *, strict: bool = True) -> None:
        """Load a state saved by :meth:`save` into this network, built by the same script.

        Raises StateFileError for an unreadable file and StateMismatchError for a file from a
        network of another shape.
        """
        load_state(self, path, strict=strict)


# ---------------------------------------------------------------------------------------------
# checkpoints
# ---------------------------------------------------------------------------------------------
class Checkpointer:
    """A run callback that saves the network's state every ``every`` steps.

    Parameters
    ----------
    path : str or Path
        Checkpoint file (``.npz`` or ``.h5``); each save replaces it atomically, so a crash
        during a save keeps the previous checkpoint.
    every : int
        Steps between checkpoints (on iterations divisible by ``every``).
    recordings : bool
        Include in-memory recordings (default True).

    Examples
    --------
    >>> ck = Checkpointer('run.npz', every=1000)
    >>> net.simulate_iterations(100_000, callback=ck)
    >>> # after a crash, in a new process, with the network built by the same script:
    >>> Checkpointer('run.npz', every=1000).resume(net)        # True if a checkpoint was found
    >>> net.simulate_iterations(100_000 - net.iteration, callback=ck)
    """

    def __init__(self, path: str | os.PathLike, every: int, *, recordings: bool = True,
                 format: str | None = None):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ConfigurationError(f"Checkpointer: every must be a positive int, got {every!r}")
        self.path = Path(path)
        self.every = int(every)
        self.recordings = recordings
        self.format = format
        self.saved_iterations: list[int] = []

    def __call__(self, net: Any) -> None:
        if net.iteration % self.every == 0:
            self.save(net)

    def save(self, net: Any) -> Path:
        """Write a checkpoint now."""
        out = save_state(net, self.path, format=self.format, recordings=self.recordings)
        self.saved_iterations.append(int(net.iteration))
        return out

    def resume(self, net: Any, *, strict: bool = True) -> bool:
        """Load the checkpoint into ``net`` if the file exists; returns whether it did."""
        if not self.path.exists():
            return False
        load_state(net, self.path, strict=strict)
        return True


# ---------------------------------------------------------------------------------------------
# recordings only
# ---------------------------------------------------------------------------------------------
def _recorders(obj: Any) -> list[tuple[str, Any]]:
    if getattr(obj, "is_recorder", False) and not hasattr(obj, "NeuronGroups"):
        return [(_escape(obj.parent.tags[0] if obj.parent is not None else "recorder"), obj)]
    found = []
    objs = _object_paths(obj) if hasattr(obj, "NeuronGroups") else [(_escape(obj.tags[0]), obj)]
    for path, o in objs:
        for key in sorted(o.behaviours):
            b = o.behaviours[key]
            if getattr(b, "is_recorder", False):
                found.append((f"{path}/{_key_name(key)}", b))
    return found


def save_recordings(obj: Any, path: str | os.PathLike, *, format: str | None = None,
                    compress: bool = False) -> Path:
    """Save what the recorders of a network, a group or a single recorder hold.

    Each recorder contributes ``<where>/<variable>`` arrays and ``<where>/t`` (ms); event
    recorders ``<where>/<variable>.t`` and ``<where>/<variable>.i``. Read them back with
    :func:`load_recordings`.
    """
    out: dict[str, Any] = {}
    for where, rec in _recorders(obj):
        if hasattr(rec, "_events"):
            for var in rec.variables:
                out[f"{where}/{_escape(var)}.t"] = np.asarray(rec[f"{var}.t"], dtype=np.float64)
                out[f"{where}/{_escape(var)}.i"] = np.asarray(rec[f"{var}.i"])
        else:
            out[f"{where}/t"] = np.asarray(rec.t, dtype=np.float64)
            for var in rec.variables:
                out[f"{where}/{_escape(var)}"] = np.asarray(rec[var])
    out[META] = {"format": FORMAT, "version": VERSION, "kind": "recordings"}
    return write_state(out, path, format=format, compress=compress)


def load_recordings(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a file written by :func:`save_recordings`: ``{name: array}`` (never unpickles)."""
    state = read_state(path)
    state.pop(META)
    return state
