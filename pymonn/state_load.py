"""Loading a state into a live network: validate everything first, then apply, all or nothing.

The schema is the live network itself: :func:`~pymonn.state_collect.collect` lists every value
the network holds (names, kinds, shapes, dtypes), and a file may set exactly those:

* an array must have the live array's shape and dtype, a record (a ``CSR``) the live record's
  type and fields, a list of arrays the live list's length; a Python scalar must have the live
  value's type (an int may fill a float; a variable that is None takes any number, bool or
  string, and a number may become None);
* recorders take recordings whose lengths fit the run (at most one sample per step up to the
  file's iteration, ``max_length`` for a ring), whose steps increase and lie in
  ``[1, iteration]``, whose rows have the shape and dtype the expression gives, and whose event
  indices lie within the recorded variable;
* arrays a compiled kernel indexes with are checked for their ranges: a CSR's ``indptr`` must
  start at 0, never decrease and end at the number of synapses, its ``indices`` must lie in
  ``[0, n_dst)``; delays must fit the ring buffer; a behaviour can add checks of its own with
  ``check_loaded_state(obj, value_of) -> list of problems`` (``value_of(target, name)`` is what
  ``target.name`` will hold after the load), a record class with
  ``check_state(fields) -> list of problems``; after the load, behaviours (and records) with a
  ``state_loaded()`` method are told, to recompute what they derive from their state;
* the generator's state must be one the network's bit generator accepts (tried on a scratch
  generator), the iteration a non-negative int, the seed a non-negative int or list of them.

Documented exception to "exactly the live names" (variables a run creates later): a public
attribute the live object or behaviour does not have, whose name is an identifier that is no
method, property or structural name of the class, holding a Python scalar or an array of
numbers shaped per neuron (``(size,)``) of its group, or per synapse / per neuron of a synapse
group (``(n_dst,)``, ``(n_src,)``, ``(n_dst, n_src)``, ``(nnz,)``). Together such arrays may not
hold more bytes than the live network's state. Everything else the live network lacks is a
mismatch (``strict=True``) or ignored (``strict=False``); nothing else is ever created.

Problems with the file's content raise :class:`~pymonn.errors.StateFileError`, a file that does
not fit the network :class:`~pymonn.errors.StateMismatchError`; either way nothing has changed.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .errors import StateFileError, StateMismatchError
from .state_collect import (
    FORMAT,
    META,
    Collected,
    Target,
    collect,
    escape,
    is_memory_recorder,
    key_name,
    object_paths,
    record_fields,
)

#: File versions this pymonn reads.
READABLE_VERSIONS = (1, 2)
#: Most steps a state may claim.
MAX_ITERATION = 2**62
#: Python ints in a state must be smaller than this in magnitude.
MAX_INT = 2**128
#: Longest Python string a state may set.
MAX_STR = 100_000


# ---------------------------------------------------------------------------------------------
# sources: a file reader or an in-memory dict, seen the same way
# ---------------------------------------------------------------------------------------------
class Source:
    """Entries of a state: array headers (shape, dtype), Python values, and array data on request."""

    def __init__(self, meta: Mapping, headers: dict, values: dict, read: Callable[[str], np.ndarray]):
        self.meta, self.headers, self.values, self._read = meta, headers, values, read

    @classmethod
    def from_dict(cls, state: Mapping[str, Any]) -> Source:
        meta = state.get(META)
        headers, values = {}, {}
        for name, value in state.items():
            if name == META:
                continue
            if not isinstance(name, str):
                raise StateFileError(f"state entry names must be str, got {type(name).__name__}")
            if isinstance(value, np.ndarray):
                headers[name] = (value.shape, value.dtype)
            elif isinstance(value, np.generic):
                headers[name] = ((), value.dtype)
            else:
                values[name] = value
        arrays = {k: np.asarray(state[k]) for k in headers}
        return cls(meta, headers, values, arrays.__getitem__)

    def read(self, name: str) -> np.ndarray:
        return self._read(name)

    def names(self) -> list[str]:
        return list(self.headers) + [k for k in self.values if k not in self.headers]


# ---------------------------------------------------------------------------------------------
# the metadata's own shape
# ---------------------------------------------------------------------------------------------
def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check_meta(meta: Any) -> None:
    """Raise StateFileError unless ``meta`` has the structure :func:`state_dict` writes."""
    def bad(what: str) -> StateFileError:
        return StateFileError(f"the state's '__meta__' is malformed: {what}")

    if not isinstance(meta, Mapping) or meta.get("format") != FORMAT:
        raise StateFileError("not a pymonn state: '__meta__' is missing or has the wrong format")
    if meta.get("version") not in READABLE_VERSIONS:
        raise StateFileError(f"pymonn state version {meta.get('version')!r} is not supported "
                             f"(this pymonn reads {list(READABLE_VERSIONS)})")
    if not isinstance(meta.get("dtype"), str):
        raise bad(f"dtype must be a name such as 'float64', got {meta.get('dtype')!r}")
    dt = meta.get("dt")
    if isinstance(dt, bool) or not isinstance(dt, (int, float)) or not np.isfinite(dt) or dt <= 0:
        raise bad(f"dt must be a positive number of ms, got {dt!r}")
    it = meta.get("iteration")
    if not _is_int(it) or not 0 <= it <= MAX_ITERATION:
        raise bad(f"iteration must be an int in [0, 2**62], got {it!r}")
    seed = meta.get("seed")
    if not (seed is None or (_is_int(seed) and 0 <= seed < MAX_INT) or (
            isinstance(seed, list) and 0 < len(seed) <= 64 and all(_is_int(s) and 0 <= s < MAX_INT for s in seed))):
        raise bad(f"seed must be None, a non-negative int or a list of them, got {str(seed)[:80]}")
    if not isinstance(meta.get("rng"), Mapping):
        raise bad("rng must be the generator's state (a mapping)")
    if not isinstance(meta.get("recordings", True), bool):
        raise bad("recordings must be true or false")
    objects = meta.get("objects")
    if not isinstance(objects, list):
        raise bad("objects must be a list")
    for o in objects:
        if not isinstance(o, Mapping) or not isinstance(o.get("path"), str) or not isinstance(o.get("kind"), str):
            raise bad("every object needs a path and a kind")
        if "size" in o and not _is_int(o["size"]):
            raise bad(f"{o['path']}: size must be an int")
        if "shape" in o and not (isinstance(o["shape"], list) and len(o["shape"]) == 2
                                 and all(_is_int(x) for x in o["shape"])):
            raise bad(f"{o['path']}: shape must be two ints")
        for key in ("src", "dst"):
            if key in o and not isinstance(o[key], str):
                raise bad(f"{o['path']}: {key} must be a tag")
        behaviours = o.get("behaviours", {})
        if not isinstance(behaviours, Mapping) or not all(
                isinstance(k, str) and isinstance(v, Mapping) and isinstance(v.get("class"), str)
                for k, v in behaviours.items()):
            raise bad(f"{o['path']}: behaviours must map keys to classes")
    containers = meta.get("containers", {})
    if not isinstance(containers, Mapping):
        raise bad("containers must be a mapping")
    for name, kind in containers.items():
        ok = kind == "numpy-scalar" or (
            isinstance(kind, list) and len(kind) == 2 and kind[0] in ("list", "tuple") and _is_int(kind[1])
            and 0 < kind[1] <= 1_000_000) or (
            isinstance(kind, list) and len(kind) == 3 and kind[0] == "record" and isinstance(kind[1], str)
            and isinstance(kind[2], list) and all(isinstance(f, str) for f in kind[2]))
        if not ok:
            raise bad(f"container of {str(name)[:80]!r} is {str(kind)[:80]}")


def _check_value(name: str, value: Any) -> str | None:
    """A Python value from a state: a bounded JSON scalar (else what is wrong with it)."""
    if value is None or isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return None if abs(value) < MAX_INT else f"{name}: the integer is too large"
    if isinstance(value, str):
        return None if len(value) <= MAX_STR else f"{name}: the string is longer than {MAX_STR} characters"
    return f"{name}: a {type(value).__name__} is not a value a state holds (numbers, bools, strings, None)"


# ---------------------------------------------------------------------------------------------
# describing values (never an object's repr: no memory addresses in messages)
# ---------------------------------------------------------------------------------------------
def describe(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    if isinstance(value, np.ndarray):
        return f"array {value.shape} {value.dtype}"
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], np.dtype):
        return f"array {tuple(value[0])} {value[1]}"
    if value is None or isinstance(value, (bool, int, float)):
        return f"{type(value).__name__} {value!r}"[:60]
    if isinstance(value, str):
        return f"str {value[:40]!r}"
    return f"a {type(value).__name__}"


_MISSING = object()


# ---------------------------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------------------------
class _Plan:
    """Problems found so far and the steps that apply the state once none was found."""

    def __init__(self, net: Any, source: Source, strict: bool):
        self.net, self.source, self.strict = net, source, strict
        self.meta = source.meta
        self.mismatch: list[str] = []
        self.invalid: list[str] = []
        self.steps: list[Callable[[], None]] = []
        self.new: dict[tuple[int, str], Any] = {}  # (id(target), name) -> value the file gives
        self.checks: list[Callable[[], None]] = []
        self.used: set[str] = set()

    # -- helpers ----------------------------------------------------------------------------------
    def header(self, name: str):
        return self.source.headers.get(name)

    def read(self, name: str) -> np.ndarray:
        data = self.source.read(name)
        if data.dtype == np.bool_:  # bytes other than 0 and 1 are not bools
            data = data.view(np.uint8) != 0
        return data

    def value_of(self, target: Any, name: str) -> Any:
        """What ``target.name`` will hold after the load (the file's value, else the current one)."""
        key = (id(target), name)
        if key in self.new:
            return self.new[key]
        current = vars(target).get(name, _MISSING)
        if current is not _MISSING and (fields := record_fields(current)) is not None:
            return dict(fields)
        return None if current is _MISSING else current

    def raise_problems(self) -> None:
        if self.invalid:
            raise _error(StateFileError, "the saved state is not valid", self.invalid)
        if self.mismatch:
            raise _error(StateMismatchError, "the saved state does not fit this network", self.mismatch)


def _error(cls: type, head: str, problems: list[str]):
    shown = problems[:12]
    more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return cls(f"{head}:\n  " + "\n  ".join(shown) + more)


def _who(t: Target) -> str:
    who = t.owner.describe()
    return who + (f" behaviour {key_name(t.target.key)} ({type(t.target).__name__})" if t.behaviour else "")


def _check_structure(net: Any, meta: Mapping, problems: list[str]) -> None:
    if meta.get("dtype") != net.dtype.name:
        problems.append(f"dtype: file has {meta.get('dtype')}, network has {net.dtype.name}")
    if meta.get("dt") != net.dt:
        problems.append(f"dt: file has {meta.get('dt')} ms, network has {net.dt} ms")
    saved = {o["path"]: o for o in meta.get("objects", [])}
    here = dict(object_paths(net))
    for kind, label in (("group", "neuron groups"), ("synapse", "synapse groups")):
        a = [p.split("/", 1)[1] for p in saved if p.startswith(kind + "/")]
        b = [p.split("/", 1)[1] for p in here if p.startswith(kind + "/")]
        if a != b:
            problems.append(f"{label}: file has {a[:20]}, network has {b[:20]}")
    for path, obj in here.items():
        entry = saved.get(path)
        if entry is None:
            continue
        who = obj.describe()
        if "size" in entry and entry["size"] != obj.size:
            problems.append(f"{who}: file has size {entry['size']}, network has size {obj.size}")
        if "shape" in entry and tuple(entry["shape"]) != tuple(obj.shape):
            problems.append(f"{who}: file has shape {tuple(entry['shape'])}, network has {tuple(obj.shape)}")
        if "src" in entry and (entry["src"], entry.get("dst")) != (obj.src.tags[0], obj.dst.tags[0]):
            problems.append(f"{who}: file connects {entry['src']} -> {entry.get('dst')}")
        file_b = entry.get("behaviours", {})
        net_b = {key_name(k): type(b).__qualname__ for k, b in obj.behaviours.items()}
        for key in sorted(set(file_b) | set(net_b)):
            a = file_b.get(key, {}).get("class")
            b = net_b.get(key)
            if a != b:
                problems.append(f"{who} behaviour key {key}: file has {a or 'nothing'}, network has {b or 'nothing'}")


def _size_bound(obj: Any) -> int:
    """Largest number of elements one recorded row of ``obj`` may plausibly have."""
    if hasattr(obj, "NeuronGroups"):
        return max(1, sum(g.size for g in obj.NeuronGroups) + sum(s.size for s in obj.SynapseGroups))
    return max(1, int(getattr(obj, "size", 1)))


def _per_object_shapes(obj: Any) -> set[tuple[int, ...]]:
    """Shapes a variable created during a run may have on ``obj`` (see the module docstring)."""
    if "src" in vars(obj):
        shapes = {(obj.dst.size,), (obj.src.size,), tuple(obj.shape)}
        csr = vars(obj).get("csr")
        if csr is not None and hasattr(csr, "nnz"):
            shapes.add((csr.nnz,))
        return shapes
    if hasattr(obj, "NeuronGroups"):
        return set()
    return {(int(obj.size),)}


def _live_bytes(live: Collected) -> int:
    return sum(v.nbytes for v in live.values.values() if isinstance(v, np.ndarray))


# ---------------------------------------------------------------------------------------------
# planning each kind of entry
# ---------------------------------------------------------------------------------------------
def _plan_array(plan: _Plan, where: str, name: str, current: np.ndarray, set_copy: Callable[[np.ndarray], None]):
    """Check the header of array ``name`` against ``current``; return a loader, or None after a problem."""
    header = plan.header(name)
    if header is None:
        value = plan.source.values.get(name, _MISSING)
        plan.mismatch.append(f"{where}: file has {describe(value)}, network has {describe(current)}")
        return None
    shape, dtype = header
    if tuple(shape) != current.shape or np.dtype(dtype) != current.dtype:
        plan.mismatch.append(f"{where}: file has {describe((shape, np.dtype(dtype)))}, network has {describe(current)}")
        return None

    def load():
        data = plan.read(name)
        if current.flags.writeable:
            return data, (lambda: np.copyto(current, data))
        return data, (lambda: set_copy(data.copy()))
    return load


def _scalar_value(plan: _Plan, where: str, name: str, current: Any) -> tuple[bool, Any]:
    """The file's Python value for ``name`` if it may replace ``current`` (else a problem is noted)."""
    if name in plan.source.headers:
        plan.mismatch.append(f"{where}: file has {describe(plan.source.headers[name])}, network has "
                             f"{describe(current)}")
        return False, None
    value = plan.source.values[name]
    problem = _check_value(where, value)
    if problem:
        plan.invalid.append(problem)
        return False, None
    ok = (type(value) is type(current) or current is None or value is None
          or (isinstance(current, float) and _is_int(value)))
    if not ok:
        plan.mismatch.append(f"{where}: file has {describe(value)}, network has {describe(current)}")
        return False, None
    return True, (float(value) if isinstance(current, float) and _is_int(value) else value)


def _plan_known(plan: _Plan, live: Collected, base: str, t: Target, attr: str, file_kind: Any) -> None:
    """One live attribute (an array, a scalar, a numpy scalar, a list of arrays or a record)."""
    who, target = _who(t), t.target
    where = f"{who}.{attr}"
    live_kind = live.containers.get(base)
    current = vars(target).get(attr, _MISSING) if not t.custom else live.values.get(base, _MISSING)
    if (file_kind if file_kind is not None else None) != live_kind:
        plan.mismatch.append(f"{where}: file has {_kind_text(file_kind)}, network has {_kind_text(live_kind)}")
        return
    if isinstance(live_kind, list) and live_kind[0] == "record":
        fields = record_fields(current) or {}
        loaders, scalars = [], {}
        for f in live_kind[2]:
            name = f"{base}.{f}"
            plan.used.add(name)
            if name not in plan.source.headers and name not in plan.source.values:
                plan.mismatch.append(f"{where}: the file lacks the field {f!r}")
                continue
            cur = fields.get(f)
            if isinstance(cur, np.ndarray):
                loader = _plan_array(plan, f"{where}.{f}", name, cur,
                                     lambda data, f=f: setattr(current, f, data))
                if loader is not None:
                    loaders.append((f, loader))
            else:  # scalar fields describe the record's structure (a CSR's n_src, n_dst): they must agree
                ok, value = _scalar_value(plan, f"{where}.{f}", name, cur)
                if ok and value != cur:
                    plan.mismatch.append(f"{where}.{f}: file has {describe(value)}, network has {describe(cur)}")
                scalars[f] = cur

        def check(loaders=loaders, scalars=scalars, current=current, where=where):
            new = dict(scalars)
            applies = []
            for f, loader in loaders:
                data, apply = loader()
                new[f] = data
                applies.append(apply)
            plan.new[(id(target), attr)] = new
            checker = getattr(type(current), "check_state", None)
            if callable(checker):
                plan.invalid.extend(f"{where}: {p}" for p in checker(new))
            plan.steps.extend(applies)
            loaded = getattr(current, "state_loaded", None)
            if callable(loaded):
                plan.steps.append(loaded)
        plan.checks.append(check)
        return
    if isinstance(live_kind, list):  # a list or tuple of arrays
        items = current if isinstance(current, (list, tuple)) else []
        loaders = []
        for k in range(live_kind[1]):
            name = f"{base}[{k}]"
            plan.used.add(name)
            cur = items[k] if k < len(items) else None
            if not isinstance(cur, np.ndarray):
                plan.mismatch.append(f"{where}[{k}]: the network holds {describe(cur)} there")
                continue
            if not cur.flags.writeable and not isinstance(items, list):
                plan.mismatch.append(f"{where}[{k}]: the network's array is read-only")
                continue
            loader = _plan_array(plan, f"{where}[{k}]", name, cur, lambda data, k=k: items.__setitem__(k, data))
            if loader is not None:
                loaders.append(loader)

        def check_list(loaders=loaders):
            for loader in loaders:
                plan.steps.append(loader()[1])
        plan.checks.append(check_list)
        return
    plan.used.add(base)
    if live_kind == "numpy-scalar":
        header = plan.header(base)
        if header is None or tuple(header[0]) != () or np.dtype(header[1]) != current.dtype:
            plan.mismatch.append(f"{where}: file has {describe(header) if header else 'nothing'}, network has a "
                                 f"{current.dtype} scalar")
            return

        def check_scalar():
            value = plan.read(base)[()]
            plan.new[(id(target), attr)] = value
            plan.steps.append(lambda: setattr(target, attr, value))
        plan.checks.append(check_scalar)
        return
    if isinstance(current, np.ndarray):
        loader = _plan_array(plan, where, base, current, lambda data: setattr(target, attr, data))
        if loader is not None:
            def check_array(loader=loader):
                data, apply = loader()
                plan.new[(id(target), attr)] = data
                plan.steps.append(apply)
            plan.checks.append(check_array)
        return
    ok, value = _scalar_value(plan, where, base, current)
    if ok:
        plan.new[(id(target), attr)] = value
        plan.steps.append(lambda: setattr(target, attr, value))


def _kind_text(kind: Any) -> str:
    if kind is None:
        return "a plain value"
    if kind == "numpy-scalar":
        return "a numpy scalar"
    if kind[0] == "record":
        return f"a {kind[1]} with fields {kind[2]}"
    return f"a {kind[0]} of {kind[1]} arrays"


def _plan_new(plan: _Plan, t: Target, name: str, entry: str, budget: list[int]) -> bool:
    """A variable the live target lacks (see the module docstring); True when it will be created."""
    target = t.target
    if not (name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")
            and name not in t.skip and not hasattr(type(target), name) and name not in vars(target)):
        return False
    if entry in plan.source.values:
        value = plan.source.values[entry]
        problem = _check_value(f"{_who(t)}.{name}", value)
        if problem:
            plan.invalid.append(problem)
            return True
        plan.used.add(entry)
        plan.new[(id(target), name)] = value
        plan.steps.append(lambda: setattr(target, name, value))
        return True
    shape, dtype = plan.source.headers[entry]
    dtype = np.dtype(dtype)
    if dtype.kind not in "biuf" or dtype.itemsize > 8 or tuple(shape) not in _per_object_shapes(t.owner):
        return False
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes > budget[0]:
        plan.invalid.append(f"{_who(t)}.{name}: the file's new variables hold more bytes than the network's state")
        return True
    budget[0] -= nbytes
    plan.used.add(entry)

    def check():
        data = plan.read(entry).copy()
        plan.new[(id(target), name)] = data
        plan.steps.append(lambda: setattr(target, name, data))
    plan.checks.append(check)
    return True


def _plan_recorder(plan: _Plan, t: Target) -> None:
    """Recordings of an in-memory Recorder / EventRecorder (see the module docstring)."""
    from .expressions import compile_expression

    rec, obj, who, tpath = t.target, t.owner, _who(t), t.path
    last = plan.meta["iteration"]
    ring = rec.max_length
    bound = _size_bound(obj)

    def row_of(expression: str, buf: Any):
        data = getattr(buf, "_data", None)
        if data is not None and len(buf):
            return data.shape[1:], data.dtype
        try:
            value = np.asarray(compile_expression(expression, obj)())
        except Exception:  # noqa: BLE001 - a variable made later: only bounds can be checked
            return None
        return value.shape, value.dtype

    def steps_ok(name: str, data: np.ndarray, strictly: bool) -> None:
        if data.size == 0:
            return
        d = np.diff(data)
        if data[0] < 1 or data[-1] > last or (np.any(d <= 0) if strictly else np.any(d < 0)):
            plan.invalid.append(f"{who}: the recorded steps {name!r} must {'increase' if strictly else 'never decrease'} "
                                f"and lie in [1, {last}]")

    events = getattr(rec, "_events", None)
    fills = []
    if events is not None:
        for var, (steps, index) in events.items():
            base = f"{tpath}/recording/events/{escape(var)}"
            hs, hi = plan.header(f"{base}/iteration"), plan.header(f"{base}/i")
            plan.used.update({f"{base}/iteration", f"{base}/i"})
            if hs is None or hi is None:
                plan.mismatch.append(f"{who}: the file holds no events of {var!r}")
                continue
            row = row_of(var, None)
            n_index = int(np.prod(row[0], dtype=np.int64)) if row is not None else bound
            limit = last * n_index if ring is None else ring
            if (len(hs[0]) != 1 or hs[0] != hi[0] or np.dtype(hs[1]).kind not in "iu"
                    or np.dtype(hi[1]).kind not in "iu" or hs[0][0] > limit):
                plan.invalid.append(f"{who}: the events of {var!r} must be two int arrays of one length, at most "
                                    f"{limit}; file has {describe(hs)} and {describe(hi)}")
                continue

            def check_events(base=base, steps=steps, index=index, n_index=n_index, var=var):
                it, i = plan.read(f"{base}/iteration"), plan.read(f"{base}/i")
                steps_ok(f"{var}.iteration", it, strictly=False)
                if i.size and (i.min() < 0 or i.max() >= n_index):
                    plan.invalid.append(f"{who}: the event indices of {var!r} must lie in [0, {n_index})")
                fills.append((steps, it.astype(np.int64)))
                fills.append((index, i.astype(np.int32)))
            plan.checks.append(check_events)
    else:
        it_key = f"{tpath}/recording/iterations"
        header = plan.header(it_key)
        plan.used.add(it_key)
        if header is None:
            plan.mismatch.append(f"{who}: the file holds no recording for this recorder")
            return
        shape, dtype = header
        limit = min(last, ring) if ring is not None else last
        if len(shape) != 1 or np.dtype(dtype).kind not in "iu" or shape[0] > limit:
            plan.invalid.append(f"{who}: the recorded iterations must be at most {limit} ints, file has "
                                f"{describe(header)}")
            return
        n = shape[0]
        buffers = []
        for expr, buf in rec._buffers.items():
            key = f"{tpath}/recording/values/{escape(expr)}"
            h = plan.header(key)
            if h is None:
                if n:
                    plan.mismatch.append(f"{who}: the file holds no samples of {expr!r}")
                continue
            plan.used.add(key)
            row = row_of(expr, buf)
            hshape, hdtype = tuple(h[0]), np.dtype(h[1])
            if not hshape or hshape[0] != n:
                plan.mismatch.append(f"{who}: {expr!r} has {hshape[0] if hshape else 0} samples but {n} iterations")
                continue
            if row is not None and (hshape[1:] != tuple(row[0]) or hdtype != row[1]):
                plan.mismatch.append(f"{who}: samples of {expr!r} are {describe((hshape[1:], hdtype))}, the recorder "
                                     f"takes {describe((tuple(row[0]), row[1]))}")
                continue
            if row is None and (hdtype.kind not in "biufc" or int(np.prod(hshape[1:], dtype=np.int64)) > bound):
                plan.invalid.append(f"{who}: samples of {expr!r} are {describe((hshape[1:], hdtype))}")
                continue
            buffers.append((buf, key))
        prefix = f"{tpath}/recording/values/"
        known = {f"{prefix}{escape(e)}" for e in rec._buffers}
        for key in plan.source.names():
            if key.startswith(prefix) and key not in known:
                plan.used.add(key)
                plan.mismatch.append(f"{who}: the file records {key[len(prefix):]!r}, this recorder does not")

        def check_values(buffers=buffers):
            iterations = plan.read(it_key)
            steps_ok("iterations", iterations, strictly=True)
            fills.append((rec._iterations, iterations.astype(np.int64)))
            for buf, key in buffers:
                fills.append((buf, plan.read(key)))
        plan.checks.append(check_values)

    def apply():
        for buf, data in fills:
            buf.clear()
            if len(data):
                buf.append_many(data)
    plan.steps.append(apply)


def _plan_custom(plan: _Plan, live: Collected, t: Target) -> None:
    """A behaviour with its own ``state_dict`` / ``load_state_dict`` (e.g. a streaming recorder)."""
    prefix = t.path + "/"
    names = [k for k in plan.source.names() if k.startswith(prefix)]
    live_names = {k for k in live.values if k.startswith(prefix)}
    sub: dict[str, Any] = {}
    who = _who(t)
    for name in sorted(set(names) | live_names):
        short = name[len(prefix):]
        plan.used.add(name)
        if name not in live_names:
            if plan.strict:
                plan.mismatch.append(f"{who}: the file has {short!r}, which this behaviour does not save")
            continue
        if name not in names:
            if plan.strict:
                plan.mismatch.append(f"{who}: variable {short!r} is in the network but not in the file")
            continue
        current = live.values[name]
        if isinstance(current, np.ndarray):
            header = plan.header(name)
            if header is None or tuple(header[0]) != current.shape or np.dtype(header[1]) != current.dtype:
                plan.mismatch.append(f"{who}.{short}: file has {describe(header) if header else 'nothing'}, network "
                                     f"has {describe(current)}")
                continue
            sub[short] = name
        else:
            ok, value = _scalar_value(plan, f"{who}.{short}", name, current)
            if ok:
                sub[short] = ("value", value)
    behaviour = t.target

    def check():
        state = {k: (v[1] if isinstance(v, tuple) else plan.read(v)) for k, v in sub.items()}
        checker = getattr(behaviour, "check_state_dict", None)
        if callable(checker):
            plan.invalid.extend(f"{who}: {p}" for p in checker(state))
        plan.steps.append(lambda: behaviour.load_state_dict(state))
    plan.checks.append(check)


# ---------------------------------------------------------------------------------------------
# the whole load
# ---------------------------------------------------------------------------------------------
def plan_load(net: Any, source: Source, strict: bool = True) -> Callable[[], None]:
    """Validate ``source`` against ``net``; return the function that applies it (see the module docstring)."""
    check_meta(source.meta)
    for name in source.names():
        if name in source.values and name in source.headers:
            raise StateFileError(f"the state holds {name!r} twice")
    if not net.initialized:
        net.initialize()
    plan = _Plan(net, source, strict)
    meta = plan.meta
    _check_structure(net, meta, plan.mismatch)
    plan.raise_problems()
    with_recordings = bool(meta.get("recordings", True))
    live = collect(net, recordings=False, copy=False)
    file_containers = meta.get("containers", {})
    budget = [max(_live_bytes(live), 1 << 20)]

    # entries of the file by the target they belong to
    names = source.names()
    claimed: set[str] = set()
    for path, t in live.targets.items():
        if t.custom:
            _plan_custom(plan, live, t)
            claimed.add(path + "/")
        elif t.behaviour and with_recordings and is_memory_recorder(t.target):
            _plan_recorder(plan, t)
            claimed.add(path + "/recording/")
    nameset = set(names)
    for base, (t, attr) in live.slots.items():
        if t.custom:
            continue
        kind = live.containers.get(base)
        if isinstance(kind, list) and kind[0] == "record":
            present = any(f"{base}.{f}" in nameset for f in kind[2])
        elif isinstance(kind, list):
            present = f"{base}[0]" in nameset
        else:
            present = base in nameset
        if not present:
            if strict:
                plan.mismatch.append(f"{_who(t)}: variable {attr!r} is in the network but not in the file")
            continue
        _plan_known(plan, live, base, t, attr, file_containers.get(base))
    for name in names:
        if name in plan.used or name in live.values or any(name.startswith(p) for p in claimed):
            continue
        parent, _, attr = name.rpartition("/")
        t = live.targets.get(parent)
        if t is not None and not t.custom and _plan_new(plan, t, attr, name, budget):
            continue
        if strict:
            plan.mismatch.append(f"the file has {name[:120]!r}, which this network does not have")
    plan.raise_problems()

    rng_state = _check_rng(net, meta.get("rng"), plan)
    plan.raise_problems()
    for check in plan.checks:  # reads the data now: everything above was decided from the headers
        check()
    for obj in net.all_objects():
        for b in obj.behaviours.values():
            checker = getattr(b, "check_loaded_state", None)
            if callable(checker):
                plan.invalid.extend(f"{obj.describe()} ({type(b).__name__}): {p}" for p in checker(obj, plan.value_of))
    plan.raise_problems()
    iteration, seed = int(meta["iteration"]), meta.get("seed")
    steps = plan.steps

    hooks = [b.state_loaded for obj in net.all_objects() for b in obj.behaviours.values()
             if callable(getattr(b, "state_loaded", None))]

    def apply() -> None:
        for step in steps:
            step()
        for hook in hooks:  # behaviours recompute what they derive from their state
            hook()
        net.rng.bit_generator.state = rng_state
        net.iteration = iteration
        net.seed = seed
        net._failed = None
        for group in net.NeuronGroups:  # per-step input arrays: the next step starts them afresh
            stamps = getattr(group, "_accumulated", None)
            if isinstance(stamps, dict):
                stamps.clear()
        net._schedule_changed()
    return apply


def _check_rng(net: Any, state: Any, plan: _Plan) -> dict:
    kind = type(net.rng.bit_generator)
    name = state.get("bit_generator") if isinstance(state, Mapping) else None
    if name != kind.__name__:
        plan.mismatch.append(f"random generator: file has {str(name)[:40]}, network has {kind.__name__}")
        return {}
    scratch = kind()
    try:
        scratch.state = _plain(state)
    except Exception as exc:  # noqa: BLE001 - any refusal means a malformed state
        plan.invalid.append(f"random generator: the saved state is not one {kind.__name__} accepts "
                            f"({type(exc).__name__}: {str(exc)[:120]})")
        return {}
    return scratch.state


def _plain(value: Any) -> Any:
    """JSON as written by ``jsonable`` back to Python (arrays restored only as int/uint/float/bool)."""
    if isinstance(value, Mapping):
        if "__ndarray__" in value and "dtype" in value:
            dtype = np.dtype(str(value["dtype"]))
            if dtype.kind not in "biuf":
                raise ValueError(f"arrays of {dtype} are not part of a generator's state")
            return np.array(value["__ndarray__"], dtype=dtype)
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_state_dict(net: Any, state: Mapping[str, Any], *, strict: bool = True) -> None:
    """Restore a state made by :func:`~pymonn.storage.state_dict` into ``net`` (built by the same script).

    The network is initialized first if it was not. Everything is checked before anything is
    changed (see :mod:`pymonn.state_load`), so a bad or mismatched state leaves the network
    exactly as it was.

    Parameters
    ----------
    net : Network
    state : mapping
        As returned by :func:`~pymonn.storage.state_dict` or :func:`~pymonn.storage.read_state`.
    strict : bool
        With True (default) a variable of the network that the state lacks, or an entry of the
        state that has no place in the network, is a mismatch; with False both are left alone.
        Group sizes, shapes, dtypes and behaviour classes must always match.

    Raises
    ------
    StateMismatchError
        Naming the differences (groups, sizes, behaviour classes, variables, shapes, dtypes).
    StateFileError
        When the state is malformed: no valid ``'__meta__'``, out-of-range indices, a generator
        state that does not fit, ...
    """
    if not isinstance(state, Mapping):
        raise StateFileError(f"a state is a mapping of names to values, got {type(state).__name__}")
    plan_load(net, Source.from_dict(state), strict)()


def load_file(net: Any, reader: Any, *, strict: bool = True) -> None:
    """Load an open :class:`~pymonn.state_files.StateReader` into ``net`` (only what the network declares)."""
    source = Source(reader.meta, reader.headers, reader.values, reader.read)
    plan_load(net, source, strict)()
