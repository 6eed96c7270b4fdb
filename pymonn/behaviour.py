"""The ``Behaviour`` base class: every piece of per-step logic in pymonn is one.

A behaviour is attached to a network, a neuron group or a synapse group under a numeric key.
``initialize(obj)`` runs once, ``iteration(obj)`` every step; keys order them across the whole
network. Both PymoNNto spellings work: ``set_variables`` / ``new_iteration`` (pre-3.0) and
``initialize`` / ``iteration`` (3.x).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .errors import ConfigurationError, InitStringError
from .init_strings import parse as parse_init_string
from .tags import parse_tags


class _TrackedKwargs(dict):
    """The constructor's keyword arguments, remembering which ones were read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def unread(self) -> list[str]:
        return [k for k in self if k not in self.read]


class Behaviour:
    """Base class of all behaviours.

    Parameters
    ----------
    *args
        Positional parameters, kept as ``arg_0``, ``arg_1``, ... (PymoNNto's convention).
    tag : str, optional
        Comma-separated tags (``'input,noise'``); the class name is always a tag too.
    behaviour_enabled : bool
        Whether the behaviour runs (default True). Toggle with ``activate_behaviors``.
        ``behavior_enabled`` is the same flag in PymoNNto's spelling.
    **kwargs
        Model parameters, read with :meth:`parameter` or copied onto the object with
        :meth:`set_init_attrs_as_variables`. A keyword nobody reads during ``initialize`` is
        reported with an :class:`~pymonn.errors.UnusedParameterWarning`. A string value may hold
        gene strings (``'[20.0#tau]'``, see :mod:`pymonn.compat.genes`).

    Subclasses override ``initialize(self, obj)`` and ``iteration(self, obj)`` (or the older
    ``set_variables`` / ``new_iteration``). ``self.parent`` is the object the behaviour is attached
    to and ``self.key`` its key once it is added.
    """

    #: Recorders set this so that they initialize after every other behaviour.
    initialize_last: bool = False
    #: PymoNNto's flag for behaviours that initialize as soon as they are attached (geometry).
    initialize_on_init: bool = False

    def __init__(self, *args: Any, tag: str | None = None, behaviour_enabled: bool = True,
                 behavior_enabled: bool | None = None, **kwargs: Any):
        for i, arg in enumerate(args):
            kwargs.setdefault(f"arg_{i}", arg)
        if behavior_enabled is not None:
            behaviour_enabled = behavior_enabled
        self.init_kwargs = _TrackedKwargs(kwargs)
        self.tags = parse_tags(tag) + [type(self).__name__]
        self.parent: Any = None
        self.behaviour_enabled = bool(behaviour_enabled)
        self.key: float | None = None
        self.initialized = False

    @property
    def behaviour_enabled(self) -> bool:
        """Whether the behaviour runs each step; setting it takes effect from the next step."""
        return self.__dict__["behaviour_enabled"]

    @behaviour_enabled.setter
    def behaviour_enabled(self, value: bool) -> None:
        # kept in the instance dict under its own name, so vars(b) (state files) still shows it
        self.__dict__["behaviour_enabled"] = bool(value)
        network = getattr(self.__dict__.get("parent"), "network", None)
        if network is not None:
            network._schedule_changed()  # the step schedule (and any fused kernels) is rebuilt

    behavior_enabled = behaviour_enabled  # PymoNNto's spelling of the same flag

    def add_tag(self, tag: str) -> Behaviour:
        """Add comma-separated tags (PymoNNto's ``add_tag``); the object's shortcuts follow."""
        for t in parse_tags(tag):
            if t not in self.tags:
                self.tags.append(t)
                parent = self.__dict__.get("parent")
                if parent is not None:
                    parent._register_shortcuts(self)
        return self

    # -- the two hooks -------------------------------------------------------------------------
    def initialize(self, obj: Any) -> None:
        """Set up variables on ``obj`` once, before the first step."""
        self.set_variables(obj)

    def iteration(self, obj: Any) -> None:
        """Advance ``obj`` by one step."""
        self.new_iteration(obj)

    def set_variables(self, obj: Any) -> None:  # pre-3.0 name of initialize
        """Pre-3.0 name of :meth:`initialize`; override either one."""

    def new_iteration(self, obj: Any) -> None:  # pre-3.0 name of iteration
        """Pre-3.0 name of :meth:`iteration`; override either one."""

    def schedule_changed(self, obj: Any, schedule: list[tuple[Any, Behaviour]]) -> None:
        """Called whenever the network (re)builds its step schedule; does nothing by default.

        ``schedule`` lists the (object, behaviour) pairs that will run each step, in execution
        order (enabled behaviours only; this one is among them). The network calls this on every
        scheduled behaviour in that order, before it collects the step functions, after
        initialization and after any behaviour is added, removed, enabled or disabled. Kernels use
        it to cooperate across behaviours: the library's ``LIF`` takes over the per-neuron pass of
        an ``ExponentialSynapse`` that runs before it (one pass over the neurons instead of two).
        """

    def step_function(self):
        """The bound method to call every step, or None when the class defines no step work."""
        cls = type(self)
        if cls.iteration is not Behaviour.iteration:
            return self.iteration
        if cls.new_iteration is not Behaviour.new_iteration:
            return self.new_iteration
        return None

    # -- parameters ----------------------------------------------------------------------------
    def parameter(self, key: str, default: Any = None, obj: Any = None, *, required: bool = False) -> Any:
        """Read the keyword parameter ``key`` (``default`` when it was not given).

        A string value is read the way PymoNNto reads it, with the default's type deciding:

        * gene strings are replaced by the gene's value first (``'[2.0#a]'`` is gene ``a``, default 2.0);
        * a number or bool default converts a number string to its type (``'2'`` -> 2,
          ``'0.5'`` -> 0.5, ``'10%'`` -> 0.1, ``'True'`` -> True);
        * with ``obj`` (a neuron or synapse group) an init string such as ``'normal(1, 0.1)'`` or
          ``'0;-65'`` becomes one value per neuron (``obj.vector``) or synapse (``obj.matrix``);
          with a number default, a string that is neither a number nor an init string is an
          :class:`~pymonn.errors.InitStringError` naming the parameter;
        * any other string (``syn_type='GLUTAMATE'``, or any string when the default is a string)
          is returned unchanged.
        """
        if key in self.init_kwargs:
            value = self.init_kwargs[key]
        elif required:
            where = f" on {self.parent.describe()}" if self.parent is not None else ""
            raise ConfigurationError(
                f"{type(self).__name__}{where} needs the parameter {key!r}, which was not given"
            )
        else:
            value = default
        if isinstance(value, str):
            value = self._read_string(key, value, default, obj)
        return value

    def _read_string(self, key: str, text: str, default: Any, obj: Any) -> Any:
        """The value of string parameter ``key`` (see :meth:`parameter`)."""
        from .compat.genes import cast_to_default, has_genes, substitute_genes  # late: compat imports the core

        where = f" on {obj.describe()}" if hasattr(obj, "describe") else ""
        what = f"{type(self).__name__} parameter {key!r}{where}"
        value: Any = substitute_genes(text) if has_genes(text) else text
        flag = isinstance(default, (bool, np.bool_))
        typed = flag or isinstance(default, numbers.Real)
        if not isinstance(value, str):  # a whole gene string gave its value
            return cast_to_default(value, default, what) if typed else value
        if isinstance(default, str):
            return value
        if typed:
            try:
                return cast_to_default(value, default, what)
            except ConfigurationError:
                if flag:
                    raise
                if not hasattr(obj, "init_value"):
                    return value  # not a number: the caller parses it (e.g. '250ms', an init string)
        if hasattr(obj, "init_value"):
            if not typed:
                try:
                    parse_init_string(value)
                except InitStringError:
                    return value  # a plain string such as 'GLUTAMATE'
            try:
                return obj.init_value(value)
            except InitStringError as err:
                raise InitStringError(f"{what}: {err}") from None
        return value

    def set_gene_variables(self) -> None:
        """Replace gene strings in the keyword parameters by the genes' values (done at initialize)."""
        from .compat.genes import has_genes, substitute_genes

        for key, value in list(dict.items(self.init_kwargs)):
            if has_genes(value):
                dict.__setitem__(self.init_kwargs, key, substitute_genes(value))

    def get_init_attr(self, key: str, default: Any = None, obj: Any = None, **_: Any) -> Any:
        """Pre-3.0 name of :meth:`parameter`."""
        return self.parameter(key, default, obj)

    def set_init_attrs_as_variables(self, obj: Any) -> None:
        """Copy every keyword parameter onto ``obj``; init strings become per-element arrays.

        ``obj`` may be the behaviour itself (``self.set_parameters_as_variables(self)``, as
        PymoNNto scripts do): values are then copied as given.
        """
        for key in list(self.init_kwargs):
            setattr(obj, key, self.parameter(key, None, obj))

    set_parameters_as_variables = set_init_attrs_as_variables

    def unused_parameters(self) -> list[str]:
        """Keyword parameters that were never read."""
        return self.init_kwargs.unread()

    # -- misc ----------------------------------------------------------------------------------
    def get_UI_Tabs(self) -> list:  # noqa: N802 (PymoNNto's name)
        """Explorer tabs this behaviour offers (PymoNNto's hook; none by default)."""
        return []

    @property
    def network(self):
        """The network this behaviour's object belongs to."""
        parent = self.parent
        return getattr(parent, "network", None) if parent is not None else None

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.init_kwargs.items())
        return f"{type(self).__name__}({params})"


Behavior = Behaviour
