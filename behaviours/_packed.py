"""Passing many arrays to a compiled kernel for the price of one: a table of their addresses.

Calling a numba kernel costs about 0.1 us per array argument (numba builds a native array
structure from each ndarray on every call). A fused LIF + exponential-synapse step takes a dozen
arrays, so at 4,000 neurons the calls cost as much as a third of the arithmetic. The hottest
kernels therefore take one int64 array of addresses (an :class:`AddressTable`) and rebuild their
arrays inside with :func:`view` (no copy, no allocation).

Safety rests on two rules, both kept by :class:`AddressTable`: it holds a reference to every array
whose address it stores (so none can be freed while the table lives), and its owner checks with
:meth:`AddressTable.holds` every step that the arrays it is about to pass are still the very
objects in the table (a script that replaced ``group.v`` by a new array gets a new table).
Only contiguous arrays are accepted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import carray, njit, types
from numba.extending import intrinsic

__all__ = ["AddressTable", "entry_point", "pointer", "view", "view2"]


@intrinsic
def pointer(typingctx, address, like):
    """An int64 address as a pointer to values of the type of the scalar ``like``."""
    target = types.unliteral(like)
    sig = types.CPointer(target)(types.int64, like)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(types.CPointer(target)))

    return sig, codegen


@njit(cache=True, inline="always")
def view(table, k, like):
    """The 1-D array at slot ``k`` of an address table (its length is stored at slot ``k + 1``)."""
    return carray(pointer(table[k], like), (table[k + 1],))


@njit(cache=True, inline="always")
def view2(table, k, like):
    """The 2-D C-ordered array at slot ``k`` (its shape at slots ``k + 1`` and ``k + 2``)."""
    return carray(pointer(table[k], like), (table[k + 1], table[k + 2]))


class AddressTable:
    """Addresses and shapes of arrays for a compiled kernel, keeping the arrays alive.

    ``AddressTable(a, b, ...)``: slot layout per array: address, then its shape (one entry per
    dimension, 1-D or 2-D); the kernel reads them back with :func:`view` / :func:`view2` at the
    offsets given by :attr:`offsets`.
    """

    def __init__(self, *arrays: np.ndarray):
        entries: list[int] = []
        self.offsets: list[int] = []
        for a in arrays:
            if not isinstance(a, np.ndarray) or a.ndim not in (1, 2) or not a.flags.c_contiguous:
                raise ValueError(f"AddressTable needs C-contiguous 1-D or 2-D arrays, got {type(a).__name__} "
                                 f"{getattr(a, 'shape', '')}")
            self.offsets.append(len(entries))
            entries.append(a.ctypes.data)
            entries.extend(a.shape)
        self.arrays = arrays  # keeps every addressed array alive as long as the table
        self.table = np.array(entries, dtype=np.int64)

    def holds(self, *arrays: Any) -> bool:
        """Whether the first arrays of the table are exactly these objects (identity, not equality)."""
        mine = self.arrays
        for k, a in enumerate(arrays):
            if a is not mine[k]:
                return False
        return True


def entry_point(kernel: Any, args: tuple):
    """The compiled entry point of ``kernel`` for the types of ``args``, compiling (or loading) it.

    Calling it skips numba's type dispatch; the caller must always pass the same types.
    """
    from numba import typeof

    sig = tuple(typeof(a) for a in args)
    cres = kernel.overloads.get(sig)
    if cres is None:
        kernel.compile(sig)
        cres = kernel.overloads[sig]
    return cres.entry_point
