"""Low-precision support shared by the behaviour library: float16 working copies and NaN/Inf cleaning.

numba cannot compile kernels for float16 arrays, and float16 arithmetic loses too much to integrate
a membrane equation. So a float16 network keeps its *state* in float16 (the memory saving), while a
kernel works on float32 copies: :class:`WorkingCopies` loads the state into float32 buffers before
the kernel and stores it back after. Storing can overflow to ``inf`` (float16 ends at 65504), and
low precision can produce NaN, so after every update :func:`clean_nonfinite` resets non-finite
values to the model's reset value, counts them on the group (``group.cleaned_count``) and issues one
:class:`~pymonn.errors.NumericalWarning` per behaviour, as SpikingNeuralNetworks.jl does.

Other behaviours (synapses, plasticity) use the same helpers::

    from pymonn.behaviours._precision import compute_dtype, clean_nonfinite

    work_dtype = compute_dtype(sg.dtype)           # float32 for float16 networks
    ...
    clean_nonfinite(sg, self, [(sg.W, 0.0)])       # after the update
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from pymonn.errors import NumericalWarning

__all__ = ["compute_dtype", "needs_cleaning", "clean_nonfinite", "WorkingCopies", "stochastic_round", "compiled_entry"]


def compute_dtype(dtype: Any) -> np.dtype:
    """The dtype kernels compute in for a network of ``dtype``: float32 for float16, else itself."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def needs_cleaning(dtype: Any, requested: bool | None = None) -> bool:
    """Whether a behaviour should check its state for NaN/Inf after each update.

    ``requested`` (a behaviour's ``check_finite`` parameter) wins when given; otherwise only
    float16 networks are checked, because float32/float64 state does not overflow in practice and
    the check costs a pass over the state.
    """
    if requested is not None:
        return bool(requested)
    return np.dtype(dtype) == np.float16


def clean_nonfinite(obj: Any, behaviour: Any, arrays: Iterable[tuple[np.ndarray, Any]]) -> int:
    """Reset NaN/Inf entries of state arrays in place; count them on ``obj``; warn once.

    Parameters
    ----------
    obj : NeuronGroup or SynapseGroup
        Receives ``obj.cleaned_count`` (int, cumulative over all its behaviours).
    behaviour : Behaviour
        Receives ``behaviour.cleaned_count`` (its own cumulative count); the first time it
        cleans anything a :class:`~pymonn.errors.NumericalWarning` names it and the group.
    arrays : iterable of (array, reset)
        Each state array with the value that replaces its non-finite entries: a scalar or an
        array broadcastable to it (e.g. a per-neuron reset potential).

    Returns
    -------
    int
        Number of values cleaned by this call.
    """
    total = 0
    for array, reset in arrays:
        finite = np.isfinite(array)
        if finite.all():
            continue
        bad = ~finite
        count = int(np.count_nonzero(bad))
        reset = np.asarray(reset)
        array[bad] = reset[bad] if reset.ndim and reset.shape == array.shape else reset.reshape(-1)[0]
        total += count
    if total:
        obj.cleaned_count = int(getattr(obj, "cleaned_count", 0)) + total
        behaviour.cleaned_count = int(getattr(behaviour, "cleaned_count", 0)) + total
        if not getattr(behaviour, "_nonfinite_warned", False):
            behaviour._nonfinite_warned = True
            where = obj.describe() if hasattr(obj, "describe") else repr(obj)
            iteration = getattr(obj, "iteration", "?")
            warnings.warn(NumericalWarning(
                f"{type(behaviour).__name__} on {where}: {total} non-finite state value(s) at iteration "
                f"{iteration} were reset to the model's reset value (network dtype {np.dtype(obj.dtype).name}); "
                "further cleaning is counted in cleaned_count without warning"
            ), stacklevel=3)
    return total


class WorkingCopies:
    """Compute-dtype views of state arrays for a kernel, loaded before and stored after it runs.

    For float32/float64 networks the state arrays are used directly (no copy); for float16 the
    values are copied into persistent float32 buffers and written back (rounding to float16;
    overflow becomes ``inf``, to be cleaned).

    Parameters
    ----------
    dtype : numpy dtype
        The network's dtype.
    """

    def __init__(self, dtype: Any):
        self.dtype = np.dtype(dtype)
        self.work_dtype = compute_dtype(self.dtype)
        self.converting = self.work_dtype != self.dtype
        self._buffers: dict[int, np.ndarray] = {}

    def load(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Arrays the kernel may read and write: the originals, or float32 copies of them."""
        if not self.converting:
            return list(arrays)
        out = []
        for slot, a in enumerate(arrays):
            if a.dtype.kind != "f":
                out.append(a)
                continue
            buf = self._buffers.get(slot)
            if buf is None or buf.shape != a.shape:
                buf = self._buffers[slot] = np.empty(a.shape, dtype=self.work_dtype)
            np.copyto(buf, a, casting="same_kind")
            out.append(buf)
        return out

    def store(self, arrays: Sequence[np.ndarray], work: Sequence[np.ndarray],
              rng: np.random.Generator | None = None) -> None:
        """Write kernel results back into the original arrays (a no-op when no copy was made).

        With ``rng`` the float16 values are rounded stochastically (see :func:`stochastic_round`),
        which keeps increments smaller than float16's spacing on average instead of losing them.
        """
        if not self.converting:
            return
        with np.errstate(over="ignore", invalid="ignore"):
            for a, w in zip(arrays, work, strict=True):
                if w is a:
                    continue
                if rng is not None:
                    stochastic_round(w, a, rng)
                else:
                    np.copyto(a, w, casting="same_kind")


def stochastic_round(values: np.ndarray, out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round ``values`` to ``out``'s (lower) precision up or down at random, without bias.

    A value lying a fraction ``f`` of the way from its lower to its upper representable neighbour
    is rounded up with probability ``f``, so the expected stored value equals the exact one. A slow
    variable whose per-step change is below float16's spacing (0.25 at 256, 0.002 near 3) then
    still drifts at the right speed on average, where round-to-nearest would freeze it.
    The uniforms come from ``rng`` (the network's generator).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        near = values.astype(out.dtype)
        back = near.astype(values.dtype)
        toward = np.where(back > values, -np.inf, np.inf).astype(out.dtype)
        other = np.nextafter(near, toward)
        gap = other.astype(values.dtype) - back
        frac = np.where(gap != 0, (values - back) / np.where(gap != 0, gap, 1), 0)
        take = rng.random(values.shape, dtype=np.float32) < frac
        out[...] = np.where(take & np.isfinite(other), other, near)
    return out


def compiled_entry(kernel: Any, args: Sequence[Any]):
    """The compiled entry point of a numba kernel for the types of ``args``, or None.

    Calling it skips the dispatcher's per-argument type resolution (about 40 ns per argument),
    which matters for kernels with a dozen arguments run every step. It does NOT check the
    argument types: the caller must pass arguments of exactly the types of ``args`` (same
    dtypes, dimensions and layouts), e.g. by calling it only with the very same array objects.
    None for a plain Python function (a numpy twin) or when the overload cannot be found.
    """
    overloads = getattr(kernel, "overloads", None)
    if overloads is None:
        return None
    try:
        sig = tuple(kernel.typeof_pyval(a) for a in args)
    except Exception:  # noqa: BLE001  (an argument numba cannot type: stay on the dispatcher)
        return None
    cres = overloads.get(sig)
    return None if cres is None else cres.entry_point
