"""Snapshot and restore of a network's state, for the explorer's reset button.

The snapshot copies, for the network, every neuron and synapse group and every behaviour: each
numpy array and each plain scalar (int, float, bool, str, None, numpy scalar) in its ``__dict__``,
the random generator's state, the iteration counter, and how many rows each recorder holds.
Restoring writes arrays back in place when shape and dtype still match (so references that
behaviours keep to them stay valid), rewinds recorders to the rows they had, and re-seeds the
generator's state: a reset followed by N steps gives the same result as the first N steps.
Objects that are not arrays or scalars (lists, dicts, compiled kernels) are left alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_SCALARS = (int, float, bool, str, complex, type(None), np.generic)


def _buffers_of(recorder) -> list:
    bufs = list(getattr(recorder, "_buffers", {}).values())
    bufs.extend(b for pair in getattr(recorder, "_events", {}).values() for b in pair)
    it = getattr(recorder, "_iterations", None)
    if it is not None:
        bufs.append(it)
    return [b for b in bufs if hasattr(b, "_count")]


class StateSnapshot:
    """Everything a reset needs, taken from ``net`` now.

    Parameters
    ----------
    net : Network
    skip : iterable of Behaviour
        Behaviours not to snapshot (the explorer's own recorders).
    """

    def __init__(self, net, skip: Any = ()) -> None:
        self.net = net
        skipped = {id(b) for b in skip}
        self.iteration = net.iteration
        self.rng_state = net.rng.bit_generator.state
        self.items: list[tuple[Any, dict]] = []
        self.rows: list[tuple[Any, int]] = []
        for obj in net.all_objects():
            self.items.append((obj, self._capture(obj)))
            for b in obj.behaviours.values():
                if id(b) in skipped:
                    continue
                self.items.append((b, self._capture(b)))
                for buf in _buffers_of(b):
                    self.rows.append((buf, buf._count))

    @staticmethod
    def _capture(obj) -> dict:
        saved = {}
        for name, value in vars(obj).items():
            if isinstance(value, np.ndarray):
                saved[name] = value.copy()
            elif isinstance(value, _SCALARS):
                saved[name] = value
        return saved

    def restore(self) -> None:
        """Put the network back into the snapshot's state."""
        net = self.net
        for obj, saved in self.items:
            current = vars(obj)
            for name, value in saved.items():
                if isinstance(value, np.ndarray):
                    now = current.get(name)
                    if (isinstance(now, np.ndarray) and now.shape == value.shape and now.dtype == value.dtype
                            and now.flags.writeable):
                        now[...] = value
                    else:
                        current[name] = value.copy()
                elif current.get(name, _MISSING) is not value:
                    current[name] = value
        for buf, count in self.rows:
            cap = getattr(buf, "max_length", None)
            if cap is not None and buf._count > cap:
                buf._count = 0  # the ring has overwritten older rows: nothing exact to go back to
            else:
                buf._count = min(buf._count, count)
        net.rng.bit_generator.state = self.rng_state
        net.iteration = self.iteration
        net._schedule_changed()


_MISSING = object()
