"""Live parameters of behaviours: discovery, units, parsing and validated assignment.

A behaviour's parameters are its constructor keywords. After ``initialize`` their live values sit
on the behaviour (``self.tau = ...``) or on its object (``set_init_attrs_as_variables`` copies them
onto the group); :func:`parameters_of` finds them there, plus the other public numbers the
behaviour keeps. An edit is parsed against the current value's type, checked (finite numbers;
time constants ``tau*`` positive; the class's ``parameter_limits``; the behaviour's own
``validate_parameter(name, value)`` if it defines one) and written in place, so arrays the kernels
hold stay the same objects. Afterwards ``parameters_changed(obj, names)`` is called when the
behaviour defines it, else ``refresh()`` or ``state_loaded()`` (the library's models use them to
recompute constants they derive from their parameters, such as LIF's decay factor or PoissonGroup's
spike probability).

Units come from the class attribute ``units`` (or ``parameter_units``), a dict name -> unit, or
else from the numpy-style docstring (``tau_m : float, ms``).
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from pymonn.errors import ConfigurationError

_UNIT_WORDS = {
    "ms", "s", "mv", "v", "pa", "na", "ua", "pf", "nf", "ns", "us", "ps", "hz", "khz", "mohm", "gohm", "ohm",
    "ua/cm2", "uf/cm2", "ms/cm2", "mS/cm2".lower(), "1/ms", "mv/ms", "pa/mv", "steps", "step", "%",
}
_NOT_UNITS = {"optional", "float", "int", "bool", "str", "array", "ndarray", "init value", "number", "default"}
_SCALARS = (int, float, np.integer, np.floating, np.bool_, bool)
_HIDDEN = {"initialized", "behaviour_enabled", "key", "parent", "chunk", "every", "max_length", "active"}


@dataclass
class Parameter:
    """One live parameter of a behaviour.

    Attributes
    ----------
    behaviour : Behaviour
    owner : object
        Where the live value is: the behaviour itself or the object it is attached to; None when
        the value exists only as the constructor keyword (not editable).
    name : str
    unit : str
    constructor : bool
        Whether it is a constructor keyword (True) or another public number of the behaviour.
    """

    behaviour: Any
    owner: Any
    name: str
    unit: str = ""
    constructor: bool = True

    @property
    def value(self) -> Any:
        """The current value (read from where it lives)."""
        if self.owner is None:
            return self.behaviour.init_kwargs.get(self.name) if self.name in self.behaviour.init_kwargs else None
        return vars(self.owner).get(self.name)

    @property
    def editable(self) -> bool:
        """Whether it is a live number or 1-D numeric array (strings and objects are shown only)."""
        v = self.value
        return self.owner is not None and (
            isinstance(v, _SCALARS) or (isinstance(v, np.ndarray) and v.dtype.kind in "fiub" and v.ndim <= 1)
        )

    @property
    def where(self) -> str:
        """Where the value lives, for the inspector's tooltip."""
        if self.owner is None:
            return "constructor only"
        return "behaviour" if self.owner is self.behaviour else self.owner.describe()


def describe_value(value: Any) -> str:
    """Short text for a value: numbers as typed, arrays as one number when uniform, else mean/range."""
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return "[]"
        if value.dtype.kind == "b":
            return f"{int(value.sum())}/{value.size} True"
        if value.dtype.kind not in "fiu":
            return f"array {value.shape} {value.dtype}"
        flat = value.ravel()
        if value.size == 1 or np.all(flat == flat[0]):
            return f"{flat[0]:.6g}" + (f"  (x{value.size})" if value.size > 1 else "")
        return f"mean {flat.mean():.4g}, [{flat.min():.4g}, {flat.max():.4g}]  ({value.size} values)"
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def units_of(behaviour: Any) -> dict[str, str]:
    """name -> unit from the class's ``units`` dict or its numpy-style docstring."""
    cls = type(behaviour)
    for attr in ("units", "parameter_units"):
        table = getattr(cls, attr, None)
        if isinstance(table, dict):
            return {str(k): str(v) for k, v in table.items()}
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        doc = inspect.getdoc(klass) or ""
        for line in doc.splitlines():
            m = re.match(r"^\s*([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)\s*:\s*(.+?)\s*$", line)
            if not m:
                continue
            unit = _unit_from(m.group(2))
            if unit:
                for name in m.group(1).split(","):
                    out[name.strip()] = unit
    return out


def _unit_from(type_text: str) -> str:
    bracket = re.search(r"[\[(]\s*([^\])]+?)\s*[\])]", type_text)
    if bracket and bracket.group(1).lower() in _UNIT_WORDS:
        return bracket.group(1)
    for part in (p.strip() for p in type_text.split(",")[1:]):
        low = part.lower()
        if part and low not in _NOT_UNITS and (low in _UNIT_WORDS or re.fullmatch(r"[a-zA-Z]{1,3}(/\w+)?", part)):
            return part
    return ""


def parameters_of(behaviour: Any) -> list[Parameter]:
    """The behaviour's parameters: constructor keywords first, then its other public numbers."""
    obj = behaviour.parent
    units = units_of(behaviour)
    out: list[Parameter] = []
    seen = set()
    for name in behaviour.init_kwargs:
        if name in ("tag", "behaviour_enabled"):
            continue
        if name in vars(behaviour):
            owner = behaviour
        elif obj is not None and name in vars(obj):
            owner = obj
        else:
            owner = None
        out.append(Parameter(behaviour, owner, name, units.get(name, ""), True))
        seen.add(name)
    for name, value in vars(behaviour).items():
        if name in seen or name.startswith("_") or name in _HIDDEN:
            continue
        if isinstance(value, _SCALARS) and not isinstance(value, (bool, np.bool_)) or (
            isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind == "f"
            and (obj is None or value.size in (1, getattr(obj, "size", -1)))
        ):
            out.append(Parameter(behaviour, behaviour, name, units.get(name, ""), False))
    return out


def find_parameter(behaviour: Any, name: str) -> Parameter:
    """The live parameter ``name`` of ``behaviour``; ConfigurationError if it has none."""
    for p in parameters_of(behaviour):
        if p.name == name:
            return p
    raise ConfigurationError(
        f"{type(behaviour).__name__} on {_where(behaviour)} has no live parameter {name!r}; "
        f"parameters: {[p.name for p in parameters_of(behaviour)]}"
    )


def _where(behaviour: Any) -> str:
    parent = behaviour.parent
    return parent.describe() if parent is not None else "(not attached)"


def _fail(p: Parameter, expected: str, got: Any) -> ConfigurationError:
    return ConfigurationError(
        f"{type(p.behaviour).__name__} on {_where(p.behaviour)}: parameter {p.name!r} must be {expected}, got {got!r}"
    )


def parse_value(p: Parameter, text: Any) -> Any:
    """Turn ``text`` (or a number) into a value of the parameter's current type, or raise."""
    current = p.value
    if isinstance(text, str):
        raw = text.strip()
        try:
            literal = ast.literal_eval(raw) if raw else None
        except (ValueError, SyntaxError):
            if raw.lower() in ("true", "false", "yes", "no", "on", "off"):
                literal = raw.lower() in ("true", "yes", "on")
            else:
                raise _fail(p, "a number" if not isinstance(current, np.ndarray) else
                            "a number or a list of numbers", text) from None
    else:
        literal = text
    if isinstance(current, (bool, np.bool_)):
        if not isinstance(literal, (bool, int, np.integer)) or literal not in (0, 1, True, False):
            raise _fail(p, "True or False", text)
        return bool(literal)
    if isinstance(current, np.ndarray):
        arr = np.asarray(literal, dtype=np.float64) if not isinstance(literal, (str, type(None))) else None
        if arr is None or arr.ndim > 1 or (arr.ndim == 1 and arr.size not in (1, current.size)):
            raise _fail(p, f"a number or {current.size} numbers", text)
        if not np.all(np.isfinite(arr)):
            raise _fail(p, "finite", text)
        if current.dtype.kind in "iu" and np.any(arr != np.round(arr)):
            raise _fail(p, "whole numbers", text)
        return arr
    if isinstance(current, (int, np.integer)):
        if isinstance(literal, bool) or not isinstance(literal, (int, float, np.integer, np.floating)) or \
                float(literal) != round(float(literal)):
            raise _fail(p, "a whole number", text)
        return int(literal)
    if isinstance(current, (float, np.floating)) or current is None:
        if isinstance(literal, bool) or not isinstance(literal, (int, float, np.integer, np.floating)):
            raise _fail(p, "a number", text)
        value = float(literal)
        if not np.isfinite(value):
            raise _fail(p, "a finite number", text)
        return value
    raise _fail(p, f"editable ({type(current).__name__} values are shown, not edited)", text)


def validate(p: Parameter, value: Any) -> None:
    """Range checks: ``tau*`` positive, ``parameter_limits``, the behaviour's ``validate_parameter``."""
    arr = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if p.name.lower().startswith("tau") and np.any(arr <= 0):
        raise _fail(p, "positive (a time constant)", value)
    limits = getattr(type(p.behaviour), "parameter_limits", None)
    if isinstance(limits, dict) and p.name in limits:
        lo, hi = limits[p.name]
        if (lo is not None and np.any(arr < lo)) or (hi is not None and np.any(arr > hi)):
            raise _fail(p, f"within [{lo}, {hi}]", value)
    hook = getattr(p.behaviour, "validate_parameter", None)
    if callable(hook):
        hook(p.name, value)


def assign(p: Parameter, value: Any) -> tuple[str, str]:
    """Write a parsed, validated value into the live parameter; returns (old, new) as text."""
    if not p.editable:
        raise _fail(p, "a live number or array (this one cannot be edited)", value)
    validate(p, value)
    old = describe_value(p.value)
    current = p.value
    if isinstance(current, np.ndarray):
        if current.flags.writeable:
            current[...] = value
        else:
            setattr(p.owner, p.name, np.broadcast_to(value, current.shape).astype(current.dtype))
    else:
        setattr(p.owner, p.name, type(current)(value) if current is not None else value)
    hook = getattr(p.behaviour, "parameters_changed", None)
    if callable(hook):
        hook(p.behaviour.parent, [p.name])
    else:
        refresh = getattr(p.behaviour, "refresh", None)  # the library's models recompute derived constants
        reloaded = getattr(p.behaviour, "state_loaded", None)  # ... or do so after a state was loaded
        if callable(refresh):
            refresh()
        elif callable(reloaded):  # PoissonGroup: its spike probabilities are derived from the rate
            reloaded()
    return old, describe_value(p.value)
