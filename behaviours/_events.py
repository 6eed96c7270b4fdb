"""The compiled helper of the core's EventRecorder (installed when the library is imported).

``pymonn`` itself stays numpy-only; :func:`pymonn.recording.set_event_kernel` lets it use this
kernel, which finds the spikes of a step and appends them to the recorder's buffers in one call.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pymonn import recording

from .synapses._propagation import fired_indices

__all__ = ["append_events", "install"]


@njit(cache=True, fastmath=False)
def append_events(values, index_out, step_out, count, iteration):
    """Append the indices of True ``values`` to ``index_out[count:]`` and ``iteration`` to
    ``step_out[count:]``; return the new count (the caller guarantees room for every entry)."""
    n = fired_indices(values, index_out[count:])
    for k in range(count, count + n):
        step_out[k] = iteration
    return count + n


def install() -> None:
    """Make the core's event recorders use :func:`append_events` through its compiled entry point
    (skipping numba's type dispatch: the recorder checks the argument types before each call)."""
    probe = (np.zeros(8, bool), np.zeros(8, np.int32), np.zeros(8, np.int64), 0, 0)
    append_events(*probe)  # compile, or load from the cache
    signature = tuple(append_events.typeof_pyval(a) for a in probe)
    recording.set_event_kernel(append_events.overloads[signature].entry_point)
