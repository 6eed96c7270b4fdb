"""Which variable names the behaviours of a network may create: found in their source code.

A recorder checks at ``initialize`` that the variables its expressions read exist. Some are made
only in the first step (a PymoNNto behaviour's ``neurons.spike = ...`` in ``iteration``), so a
name the object does not have yet is accepted when some behaviour of the network assigns an
attribute of that name: ``x.name = ...``, ``x.name += ...``, ``setattr(x, 'name', ...)``, or
names it as an input array (``x.accumulator('name')``). The source is parsed with :mod:`ast`,
never run. When a behaviour's source cannot be read (defined interactively), the answer is
"unknown" and the check is left to the first step.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Any

__all__ = ["assigned_names"]

_NAMING_CALLS = ("accumulator", "accumulator_fresh", "setattr")


def _names_in_source(code: Any) -> frozenset[str] | None:
    """Attribute names assigned in the source of a class or function (None when it cannot be read)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code)))
    except (OSError, TypeError, SyntaxError, ValueError, IndentationError):
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        while targets:
            t = targets.pop()
            if isinstance(t, (ast.Tuple, ast.List)):
                targets.extend(t.elts)
            elif isinstance(t, ast.Attribute):
                names.add(t.attr)
            elif isinstance(t, ast.Starred):
                targets.append(t.value)
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in _NAMING_CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        names.add(arg.value)
    return frozenset(names)


@functools.lru_cache(maxsize=256)
def _names_of_class(cls: type) -> frozenset[str] | None:
    """Attribute names assigned anywhere in the methods of ``cls`` and its bases (None: unknown)."""
    from .behaviour import Behaviour

    names: set[str] = set()
    for klass in cls.__mro__:
        if klass in (Behaviour, object):
            continue
        found = _names_in_source(klass)
        if found is None:
            return None
        names |= found
    return frozenset(names)


def _names_of(behaviour: Any) -> frozenset[str] | None:
    """Names a behaviour may assign: its class's, and those of functions set on the instance."""
    names = _names_of_class(type(behaviour))
    if names is None:
        return None
    extra = [v for v in vars(behaviour).values() if inspect.isfunction(v) or inspect.ismethod(v)]
    for fn in extra:
        found = _names_in_source(fn)
        if found is None:
            return None
        names = names | found
    return names


def assigned_names(network: Any) -> set[str] | None:
    """Every attribute name some behaviour of ``network`` assigns (None when a source is unreadable)."""
    found: set[str] = set()
    for obj in network.all_objects():
        for b in obj.behaviours.values():
            names = _names_of(b)
            if names is None:
                return None
            found |= names
    return found
