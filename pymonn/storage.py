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
never run code.

A state file is untrusted input. ``net.load(path)`` loads only what the network's own
``state_dict()`` declares: the live network is the schema, every name, shape and dtype of the
file must match it, array headers are checked before any data is read (so no allocation is
larger than the live array it fills), index arrays that compiled kernels use are checked for
their ranges, and only when everything fits is anything applied (all or nothing). The rules
are in :mod:`pymonn.state_load`, the file formats (limits, HDF5 checksums, refused HDF5
features) in :mod:`pymonn.state_files`. A file that does not fit the network raises
:class:`StateMismatchError` naming the first differences; an unreadable, truncated, corrupted,
foreign or malformed file raises :class:`StateFileError`; the network is then unchanged.

Behaviours with state that is not a plain attribute can define ``state_dict(self) -> dict`` and
``load_state_dict(self, state: dict)`` (and ``check_state_dict(self, state) -> list of
problems`` to validate it first); those are used instead of the attribute scan.

:class:`Checkpointer` is a run callback that writes the state every N steps (atomically), and
:func:`save_recordings` / :func:`load_recordings` store only what recorders hold.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError, StateError, StateFileError, StateMismatchError  # noqa: F401 (re-exported)
from .state_collect import FORMAT, META, VERSION, escape, key_name, object_paths, state_dict
from .state_files import StateReader, read_state, write_state
from .state_load import load_file, load_state_dict

__all__ = [
    "StateFileError", "StateMismatchError", "StateMixin", "state_dict", "load_state_dict", "save_state",
    "load_state", "read_state", "write_state", "Checkpointer", "save_recordings", "load_recordings",
]


def save_state(net: Any, path: str | os.PathLike, *, format: str | None = None, compress: bool = False,
               recordings: bool = True) -> Path:
    """Save the network's state (:func:`state_dict`) to ``.npz`` or HDF5; returns the path."""
    return write_state(state_dict(net, recordings=recordings), path, format=format, compress=compress)


def load_state(net: Any, path: str | os.PathLike, *, strict: bool = True) -> None:
    """Load a file written by :func:`save_state` into ``net``: validated first, then applied (all or nothing).

    Only the arrays the network declares are read, each after its header (shape, dtype) was
    checked; see :func:`load_state_dict` for ``strict`` and :mod:`pymonn.state_load` for the rules.
    """
    with StateReader(path) as reader:
        load_file(net, reader, strict=strict)


class StateMixin:
    """``state_dict`` / ``load_state_dict`` / ``save`` / ``load`` methods for :class:`~pymonn.Network`."""

    def state_dict(self, *, recordings: bool = True) -> dict[str, Any]:
        """Everything needed to continue this run exactly: see :func:`pymonn.storage.state_dict`."""
        return state_dict(self, recordings=recordings)

    def load_state_dict(self, state: Mapping[str, Any], *, strict: bool = True) -> None:
        """Restore a :meth:`state_dict` (validated first; StateMismatchError / StateFileError when it does not fit)."""
        load_state_dict(self, state, strict=strict)

    def save(self, path: str | os.PathLike, *, format: str | None = None, compress: bool = False,
             recordings: bool = True) -> Path:
        """Save the state to ``path``: ``.npz`` (default) or ``.h5``/``.hdf5``; never pickled.

        The folder must exist (ConfigurationError otherwise); the file is replaced atomically.
        """
        return save_state(self, path, format=format, compress=compress, recordings=recordings)

    def load(self, path: str | os.PathLike, *, strict: bool = True) -> None:
        """Load a state saved by :meth:`save` into this network, built by the same script.

        The file is checked against the network first and applied only when everything fits, so
        a failing load leaves the network as it was. Raises StateFileError for an unreadable,
        corrupted or malformed file and StateMismatchError for a file from a network of another
        shape. A successful load also clears :attr:`failed`.
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
        return [(escape(obj.parent.tags[0] if obj.parent is not None else "recorder"), obj)]
    found = []
    objs = object_paths(obj) if hasattr(obj, "NeuronGroups") else [(escape(obj.tags[0]), obj)]
    for path, o in objs:
        for key in sorted(o.behaviours):
            b = o.behaviours[key]
            if getattr(b, "is_recorder", False):
                found.append((f"{path}/{key_name(key)}", b))
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
                out[f"{where}/{escape(var)}.t"] = np.asarray(rec[f"{var}.t"], dtype=np.float64)
                out[f"{where}/{escape(var)}.i"] = np.asarray(rec[f"{var}.i"])
        else:
            out[f"{where}/t"] = np.asarray(rec.t, dtype=np.float64)
            for var in rec.variables:
                out[f"{where}/{escape(var)}"] = np.asarray(rec[var])
    out[META] = {"format": FORMAT, "version": VERSION, "kind": "recordings"}
    return write_state(out, path, format=format, compress=compress)


def load_recordings(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a file written by :func:`save_recordings`: ``{name: array}`` (never unpickles)."""
    state = read_state(path)
    state.pop(META)
    return state
