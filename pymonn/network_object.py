"""``NetworkObject``: what networks, neuron groups and synapse groups share.

Tags and tag lookup (``obj['tag']``, ``obj['tag', i]``, a trailing ``'np'``), tag attribute
shortcuts, the behaviour dict and run-time changes to it, init-string helpers, and the
``dt`` / ``iteration`` / ``t`` clock read from the network.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .behaviour import Behaviour
from .errors import ConfigurationError, ConfigurationTypeError, DuplicateKeyError
from .expressions import normalize
from .tags import parse_tags


def normalize_behaviours(behaviour: Any, owner: str) -> dict:
    """Accept a dict ``{key: Behaviour}``, a list (keys 0..n-1), a single Behaviour, or None."""
    if behaviour is None:
        return {}
    if isinstance(behaviour, Behaviour):
        return {0: behaviour}
    if isinstance(behaviour, (list, tuple)):
        behaviour = dict(enumerate(behaviour))
    if not isinstance(behaviour, dict):
        raise ConfigurationTypeError(
            f"behaviour of {owner} must be a dict {{key: Behaviour}}, a list or a Behaviour, "
            f"got {type(behaviour).__name__}"
        )
    for key, b in behaviour.items():
        check_key(key, owner)
        if not isinstance(b, Behaviour):
            raise ConfigurationTypeError(
                f"behaviour at key {key} of {owner} must be a Behaviour instance, got "
                f"{type(b).__name__} {b!r}" + (" (did you forget the parentheses?)" if isinstance(b, type) else "")
            )
    return behaviour


def check_key(key: Any, owner: str) -> None:
    """Keys are real numbers (int or float); bools and NaN are refused."""
    if isinstance(key, bool) or not isinstance(key, numbers.Real) or key != key:
        raise ConfigurationTypeError(f"behaviour key {key!r} of {owner} must be a number (int or float)")


class NetworkObject:
    """Base of :class:`Network`, :class:`NeuronGroup` and :class:`SynapseGroup`."""

    _is_network = False

    def __init__(self, tag: str | None, network: Any, behaviour: Any):
        self.tags: list[str] = parse_tags(tag) + [type(self).__name__]
        self.network = network if network is not None else self
        self.__dict__.setdefault("_dt", None)  # the Network sets its own dt before this runs
        self.behaviours: dict[float, Behaviour] = {}
        self._shortcuts: dict[str, Any] = {}
        self._pending_behaviours = normalize_behaviours(behaviour, self.describe())

    # -- naming --------------------------------------------------------------------------------
    @property
    def tag(self) -> str:
        """The first tag (the class name when none was given)."""
        return self.tags[0]

    def describe(self) -> str:
        """Short human description used in error messages: ``NeuronGroup 'exc'``."""
        return f"{type(self).__name__} {self.tags[0]!r}"

    def __repr__(self) -> str:
        return f"<{self.describe()}>"

    # -- clock ---------------------------------------------------------------------------------
    @property
    def dt(self) -> float:
        """Time step in ms: the network's unless set on this object (as PymoNNto scripts do)."""
        return self._dt if self._dt is not None else self.network._dt

    @dt.setter
    def dt(self, value: float) -> None:
        self._dt = value

    @property
    def iteration(self) -> int:
        """Steps simulated so far by the network (1 during the first step)."""
        return self.network._iteration

    @property
    def t(self) -> float:
        """Simulated time in ms: ``iteration * dt`` (unless a script set its own ``t`` on this object).

        PymoNNto has no clock of its own; its clock behaviours keep ``obj.t`` themselves
        (``n.t = 0.0`` then ``n.t += step``). Assigning ``t`` does the same here: from then on
        ``obj.t`` is that value, kept by the script; ``del obj.t`` returns to the network's clock.
        """
        own = self.__dict__.get("_own_t")
        return own if own is not None else self.network._iteration * self.network._dt

    @t.setter
    def t(self, value: float) -> None:
        self.__dict__["_own_t"] = value

    @t.deleter
    def t(self) -> None:
        self.__dict__.pop("_own_t", None)

    @property
    def rng(self) -> np.random.Generator:
        """The network's random generator: use it for every random draw."""
        return self.network._rng

    @property
    def dtype(self) -> np.dtype:
        """Floating dtype of the network's state."""
        return self.network._dtype

    @property
    def def_dtype(self) -> type:
        """The network's float type (``np.float32`` ...), PymoNNto's name: ``x.astype(n.def_dtype)``."""
        return self.network._dtype.type

    @property
    def behavior(self) -> dict:
        """The behaviours by key (PymoNNto's name for :attr:`behaviours`)."""
        return self.behaviours

    # -- tag lookup ----------------------------------------------------------------------------
    def _children(self) -> Iterable[NetworkObject]:
        return ()

    def _scope(self) -> list:
        """Objects a lookup on self searches: self, its children, all their behaviours."""
        objects = [self, *self._children()]
        found = list(objects)
        for obj in objects:
            found.extend(obj.behaviours[k] for k in sorted(obj.behaviours))
        return found

    def find(self, tag: str) -> list:
        """Everything in scope carrying ``tag``, then recordings of a variable named ``tag``."""
        scope = self._scope()
        found = [o for o in scope if tag in o.tags]
        wanted = normalize(tag)
        for o in scope:
            rec = getattr(o, "recorded", None)
            if rec is not None and not isinstance(o, NetworkObject):
                found.extend(o[name] for name in rec(wanted))
        return found

    def __getitem__(self, key: Any):
        """``obj['tag']`` -> list; ``obj['tag', i]`` -> i-th or None; a trailing ``'np'`` -> ndarray."""
        as_np = False
        if isinstance(key, tuple):
            parts = list(key)
            if parts and isinstance(parts[-1], str) and parts[-1] == "np" and len(parts) > 1:
                as_np = True
                parts.pop()
            if len(parts) == 1:
                result = self.find(parts[0])
            elif len(parts) == 2:
                items = self.find(parts[0])
                index = parts[1]
                result = items[index] if -len(items) <= index < len(items) else None
            else:
                raise ConfigurationTypeError(f"lookup key {key!r}: expected 'tag', ('tag', i) or ('tag', i, 'np')")
        else:
            result = self.find(key)
        return np.asarray(result) if as_np and result is not None else result

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: tag shortcuts, then a helpful error.
        if name.startswith("__") or name in ("_shortcuts", "network", "tags", "behaviours"):
            raise AttributeError(name)
        shortcuts = self.__dict__.get("_shortcuts")
        if shortcuts and name in shortcuts:
            return shortcuts[name]
        variables = sorted(k for k in self.__dict__ if not k.startswith("_"))
        raise AttributeError(
            f"{self.describe()} has no variable or tag {name!r}; variables: {', '.join(variables) or 'none'}"
        )

    def find_objects(self, tag: str) -> list:
        """PymoNNto's name for :meth:`find`."""
        return self.find(tag)

    def has_module(self, tag: str) -> bool:
        """True when something in scope carries ``tag``."""
        return bool(self.find(tag))

    @property
    def tag_shortcuts(self) -> TagLookups:
        """Tag lookups as a mapping: ``obj.tag_shortcuts['exc'] == obj['exc']`` (PymoNNto's tag cache).

        pymonn keeps no cache (a lookup always reflects the network as it is), so this view
        computes each entry when read; :meth:`clear_cache` has nothing to clear.
        """
        return TagLookups(self)

    def clear_cache(self) -> None:
        """PymoNNto cleared its tag cache here; pymonn's lookups are never stale (nothing to do)."""

    clear_tag_cache = clear_cache

    def set_tag_attrs(self, tag: str, attr: str, value: Any) -> None:
        """Set ``attr`` to ``value`` on everything in scope carrying ``tag``."""
        for obj in self.find(tag):
            setattr(obj, attr, value)

    def _register_shortcuts(self, obj: Any) -> None:
        """Make ``self.<tag>`` return ``obj`` for each of its tags whose name is free."""
        for tag in obj.tags:
            if tag.isidentifier() and tag not in self._shortcuts and not hasattr(type(self), tag) \
                    and tag not in self.__dict__:
                self._shortcuts[tag] = obj

    # -- behaviours ----------------------------------------------------------------------------
    def _attach(self, key: float, behaviour: Behaviour) -> None:
        if key in self.behaviours:
            raise DuplicateKeyError(
                f"{self.describe()} already has {type(self.behaviours[key]).__name__} at key {key}; "
                f"cannot add {type(behaviour).__name__} there"
            )
        if behaviour.parent is not None:
            raise ConfigurationError(
                f"{type(behaviour).__name__} is already attached to {behaviour.parent.describe()}; "
                "create a new instance for each object"
            )
        behaviour.parent, behaviour.key = self, key
        self.behaviours[key] = behaviour
        self.network._register_behaviour(self, key, behaviour)
        self._register_shortcuts(behaviour)

    def add_behavior(self, key: float, behaviour: Behaviour, initialize: bool = True) -> Behaviour:
        """Add ``behaviour`` under ``key``; on a running network it is initialized at once."""
        check_key(key, self.describe())
        if not isinstance(behaviour, Behaviour):
            raise ConfigurationTypeError(
                f"add_behavior on {self.describe()} needs a Behaviour instance, got {type(behaviour).__name__}"
            )
        self._attach(key, behaviour)
        if initialize and self.network.initialized:
            self.network._initialize_behaviours([(self, key, behaviour)])
        return behaviour

    add_behaviour = add_behavior

    def add_behaviors(self, behaviours: dict) -> dict:
        """Add several behaviours ``{key: Behaviour}`` (PymoNNto's ``add_behaviors``)."""
        for key, b in normalize_behaviours(behaviours, self.describe()).items():
            self.add_behavior(key, b)
        return behaviours

    add_behaviours = add_behaviors

    def _matching(self, which: Any) -> list[tuple[NetworkObject, float, Behaviour]]:
        """Behaviours in scope matching a key (number), tag (str) or instance."""
        objects = [self, *self._children()]
        out = []
        for obj in objects:
            for key, b in obj.behaviours.items():
                if b is which or (isinstance(which, str) and which in b.tags) or type(b) is which or (
                    obj is self and isinstance(which, numbers.Real) and not isinstance(which, bool)
                    and key == which
                ):
                    out.append((obj, key, b))
        return out

    def remove_behavior(self, which: Any) -> list[Behaviour]:
        """Remove behaviours by key, tag, class name, class or instance; returns what was removed."""
        matches = self._matching(which)
        if not matches:
            raise ConfigurationError(f"{self.describe()} has no behaviour matching {which!r}")
        for obj, key, b in matches:
            del obj.behaviours[key]
            obj._shortcuts = {k: v for k, v in obj._shortcuts.items() if v is not b}
            b.parent = None
        self.network._schedule_changed()
        return [b for _, _, b in matches]

    remove_behaviour = remove_behavior

    def _set_enabled(self, which: Any, enabled: bool) -> list[Behaviour]:
        matches = self._matching(which) if which is not None else [
            (o, k, b) for o in [self, *self._children()] for k, b in o.behaviours.items()
        ]
        if not matches:
            raise ConfigurationError(f"{self.describe()} has no behaviour matching {which!r}")
        for _, _, b in matches:
            b.behaviour_enabled = enabled
        self.network._schedule_changed()
        return [b for _, _, b in matches]

    def activate_behaviors(self, which: Any = None) -> list[Behaviour]:
        """Enable behaviours by key, tag, class name or instance (all when None)."""
        return self._set_enabled(which, True)

    def deactivate_behaviors(self, which: Any = None) -> list[Behaviour]:
        """Disable behaviours by key, tag, class name or instance (all when None)."""
        return self._set_enabled(which, False)

    activate_behaviours, deactivate_behaviours = activate_behaviors, deactivate_behaviors

    def set_behaviors(self, tag: Any, enabled: bool) -> list[Behaviour]:
        """Enable (True) or disable behaviours by tag (PymoNNto's ``set_behaviors``)."""
        return self._set_enabled(tag, bool(enabled))

    set_behaviours = set_behaviors
    # PymoNNto's deprecated names, still in its docs (Introduction/input_switch.md)
    activate_mechanisms, deactivate_mechanisms = activate_behaviors, deactivate_behaviors

    # -- recorders -----------------------------------------------------------------------------
    def _recorders(self) -> list:
        return [b for b in self._scope() if getattr(b, "is_recorder", False)]

    def recording_off(self) -> None:
        """Pause every recorder in scope (they keep what they have)."""
        for r in self._recorders():
            r.active = False

    def recording_on(self) -> None:
        """Resume every recorder in scope."""
        for r in self._recorders():
            r.active = True

    def clear_recorder(self, tag: str | None = None) -> None:
        """Empty recorders in scope (only those carrying ``tag`` when given)."""
        for r in self._recorders():
            if tag is None or tag in r.tags:
                r.clear()

    clear_recorders = clear_recorder

    @property
    def recording(self) -> bool:
        """Whether this object's own recorders record (PymoNNto's per-object switch)."""
        own = [b for b in self.behaviours.values() if getattr(b, "is_recorder", False)]
        return all(r.active for r in own)

    @recording.setter
    def recording(self, on: bool) -> None:
        for b in self.behaviours.values():
            if getattr(b, "is_recorder", False):
                b.active = bool(on)

    # -- PymoNNto's buffer helpers ---------------------------------------------------------------
    def get_nparray(self, dim: Any) -> np.ndarray:
        """Zeros of shape ``dim`` in the network's dtype."""
        return np.zeros(dim, dtype=self.dtype)

    def get_buffer_mat(self, dim: Any, size: int) -> np.ndarray:
        """Zeros of shape ``(size, *dim)``: ``size`` past values of a ``dim``-shaped variable."""
        dim = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        return np.zeros((int(size), *dim), dtype=self.dtype)

    @staticmethod
    def buffer_roll(mat: np.ndarray, new: Any = None, counter: bool = False) -> np.ndarray:
        """Shift a buffer by one row in place (row 0 newest; ``counter=True``: the last row newest)."""
        c = int(bool(counter))
        mat[1 - c:len(mat) - c] = mat[c:len(mat) - 1 + c]
        if new is not None:
            mat[-c] = new
        return mat


class TagLookups(Mapping):
    """A read-only mapping ``tag -> obj[tag]`` (see :attr:`NetworkObject.tag_shortcuts`)."""

    def __init__(self, owner: NetworkObject):
        self._owner = owner

    def __getitem__(self, tag: str) -> list:
        return self._owner.find(tag)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and bool(self._owner.find(tag))

    def __iter__(self):
        seen: dict[str, None] = {}
        for obj in self._owner._scope():
            seen.update(dict.fromkeys(obj.tags))
        return iter(seen)

    def __len__(self) -> int:
        return sum(1 for _ in self)
