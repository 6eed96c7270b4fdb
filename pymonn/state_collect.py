"""Collecting a network's state: the flat ``{name: value}`` dict that ``net.state_dict()`` returns.

The same walk serves saving (values copied) and loading (values left in place): the live
network's own collection is the schema a state file is checked against (see
:mod:`pymonn.state_load`). Names look like ``group/exc/v``, ``synapse/ee/csr.indices``,
``group/exc/behaviour/30/tau`` and ``group/exc/behaviour/90/recording/values/v``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT = "pymonn-state"
#: 2: HDF5 datasets carry CRC-32 checksums (version-1 files still load)
VERSION = 2
META = "__meta__"

#: Attributes that describe structure, not state; never saved.
OBJECT_SKIP = frozenset({
    "size", "initialized", "network", "tags", "behaviours", "geometry", "src", "dst", "afferent_synapses",
    "efferent_synapses", "seed", "synapse_mode", "timing", "NeuronGroups", "SynapseGroups",
})
BEHAVIOUR_SKIP = frozenset({"parent", "key", "initialized", "tags", "init_kwargs", "variables"})
#: Array kinds a state file holds: bool, integers, floats, complex, strings, datetimes.
ARRAY_KINDS = "biufcUSmM"


def escape(name: str) -> str:
    return str(name).replace("%", "%25").replace("/", "%2F")


def key_name(key: float) -> str:
    return repr(key) if isinstance(key, float) else str(key)


def object_paths(net: Any) -> list[tuple[str, Any]]:
    """(path, object) for the network, its neuron groups and its synapse groups, in order."""
    out: list[tuple[str, Any]] = [("network", net)]
    for kind, objects in (("group", net.NeuronGroups), ("synapse", net.SynapseGroups)):
        seen: dict[str, int] = {}
        for obj in objects:
            name = escape(obj.tags[0])
            seen[name] = seen.get(name, 0) + 1
            out.append((f"{kind}/{name}" + (f"#{seen[name]}" if seen[name] > 1 else ""), obj))
    return out


def is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS


def record_fields(value: Any) -> dict[str, Any] | None:
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
        if is_array(v) or v is None or isinstance(v, (bool, int, float, str)):
            fields[name] = v
        else:
            return None
    return fields if any(isinstance(v, np.ndarray) for v in fields.values()) else None


def attributes(obj: Any, skip: frozenset) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in vars(obj).items() if not k.startswith("_") and k not in skip]


def has_custom_state(b: Any) -> bool:
    return callable(getattr(b, "state_dict", None)) and callable(getattr(b, "load_state_dict", None))


def is_memory_recorder(b: Any) -> bool:
    return getattr(b, "is_recorder", False) and hasattr(b, "_iterations") and not has_custom_state(b)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return f"<{type(value).__name__}>"  # never an object's repr (it may hold a memory address)


@dataclass
class Target:
    """An object or behaviour whose attributes the state holds, under ``path``."""

    path: str
    target: Any
    owner: Any  # the network object (the target itself for objects)
    skip: frozenset
    behaviour: bool
    custom: bool = False


@dataclass
class Collected:
    """What :func:`collect` found: values by name, their containers, and where they live."""

    values: dict[str, Any] = field(default_factory=dict)
    containers: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    #: name -> (target, attribute) for every top-level attribute (containers by their base name)
    slots: dict[str, tuple[Target, str]] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    objects: list[dict] = field(default_factory=list)


def _collect_value(c: Collected, t: Target, name: str, value: Any, copy: bool) -> None:
    path = f"{t.path}/{name}"
    take = (lambda a: np.array(a, copy=True)) if copy else (lambda a: a)
    if is_array(value):
        c.values[path] = take(value)
    elif isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
        c.values[path] = np.asarray(value).copy()
        c.containers[path] = "numpy-scalar"
    elif value is None or isinstance(value, (bool, int, float, str)):
        c.values[path] = value
    elif isinstance(value, (list, tuple)) and value and all(is_array(v) for v in value):
        c.containers[path] = [type(value).__name__, len(value)]
        for k, v in enumerate(value):
            c.values[f"{path}[{k}]"] = take(v)
    elif (fields := record_fields(value)) is not None:
        c.containers[path] = ["record", type(value).__qualname__, sorted(fields)]
        for fname, v in fields.items():
            c.values[f"{path}.{fname}"] = take(v) if isinstance(v, np.ndarray) else v
    else:
        c.skipped.append(f"{path} ({type(value).__name__})")
        return
    c.slots[path] = (t, name)


def recorder_state(path: str, rec: Any, out: dict, copy: bool = True) -> None:
    """Contents of an in-memory Recorder / EventRecorder."""
    events = getattr(rec, "_events", None)
    if events is not None:
        for var, (steps, index) in events.items():
            out[f"{path}/recording/events/{escape(var)}/iteration"] = np.array(steps.array(), dtype=np.int64)
            out[f"{path}/recording/events/{escape(var)}/i"] = np.array(index.array(), dtype=np.int32)
        return
    for expr, buf in rec._buffers.items():
        if len(buf):
            out[f"{path}/recording/values/{escape(expr)}"] = np.array(buf.array(), copy=copy)
    out[f"{path}/recording/iterations"] = np.array(rec._iterations.array(), dtype=np.int64)


def collect(net: Any, *, recordings: bool = True, copy: bool = True) -> Collected:
    """Walk the network's objects and behaviours (see the module docstring).

    ``copy=False`` leaves arrays in place (the loader's schema); ``True`` copies them (saving).
    Behaviours with their own ``state_dict()`` contribute what it returns.
    """
    c = Collected()
    for path, obj in object_paths(net):
        entry: dict[str, Any] = {"path": path, "kind": type(obj).__name__, "tags": list(obj.tags)}
        if path != "network":
            entry["size"] = int(obj.size)
        if "src" in vars(obj):
            entry["shape"] = list(obj.shape)
            entry["src"], entry["dst"] = obj.src.tags[0], obj.dst.tags[0]
        t = c.targets[path] = Target(path, obj, obj, OBJECT_SKIP, False)
        for name, value in attributes(obj, OBJECT_SKIP):
            _collect_value(c, t, name, value, copy)
        behaviours = {}
        for key in sorted(obj.behaviours):
            b = obj.behaviours[key]
            bpath = f"{path}/behaviour/{key_name(key)}"
            behaviours[key_name(key)] = {"class": type(b).__qualname__, "module": type(b).__module__,
                                         "params": jsonable(dict(b.init_kwargs))}
            bt = c.targets[bpath] = Target(bpath, b, obj, BEHAVIOUR_SKIP, True, has_custom_state(b))
            if bt.custom:
                for name, value in b.state_dict().items():
                    _collect_value(c, bt, name, value, copy)
                continue
            for name, value in attributes(b, BEHAVIOUR_SKIP):
                _collect_value(c, bt, name, value, copy)
            if recordings and is_memory_recorder(b):
                recorder_state(bpath, b, c.values, copy)
        entry["behaviours"] = behaviours
        c.objects.append(entry)
    return c


def state_dict(net: Any, *, recordings: bool = True) -> dict[str, Any]:
    """The network's complete state as a flat ``{name: value}`` dict (see :mod:`pymonn.storage`).

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
    from . import __version__

    c = collect(net, recordings=recordings, copy=True)
    out = dict(c.values)
    out[META] = {
        "format": FORMAT, "version": VERSION, "pymonn": __version__, "dtype": net.dtype.name, "dt": net.dt,
        "iteration": int(net.iteration), "seed": jsonable(net.seed),
        "rng": jsonable(net.rng.bit_generator.state), "recordings": bool(recordings),
        "objects": c.objects, "containers": c.containers, "skipped": c.skipped,
    }
    return out
