"""Preallocated numpy buffers for recordings: geometric growth, or a fixed-size ring."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import RecordingError

#: Element kinds a recording may hold: bool, integers, floats, complex, datetimes and timedeltas.
_KINDS = "biufcmM"


class RowBuffer:
    """Rows of a fixed shape and dtype appended one at a time.

    Storage is a preallocated array that grows by half its size (at least ``chunk`` rows) when
    full, so appending is amortised O(1) and no Python list of arrays is ever kept. With
    ``max_length`` it is a ring buffer that keeps the newest ``max_length`` rows.
    """

    def __init__(self, chunk: int = 1024, max_length: int | None = None, name: str = "value", dtype: Any = None):
        if max_length is not None and (not isinstance(max_length, (int, np.integer)) or max_length < 1):
            raise RecordingError(f"max_length of {name!r} must be a positive int or None, got {max_length!r}")
        self.chunk = max(1, int(chunk))
        self.max_length = None if max_length is None else int(max_length)
        self.name = name
        self.dtype = None if dtype is None else np.dtype(dtype)  # None: the first row's dtype
        self._data: np.ndarray | None = None
        self._count = 0  # rows ever appended since the last clear

    def __len__(self) -> int:
        if self.max_length is None:
            return self._count
        return min(self._count, self.max_length)

    @property
    def nbytes(self) -> int:
        """Bytes allocated (not only used)."""
        return 0 if self._data is None else self._data.nbytes

    def _allocate(self, value: np.ndarray) -> None:
        dtype = self.dtype or value.dtype
        if dtype.kind not in _KINDS:
            raise RecordingError(
                f"recorded {self.name!r} is a {dtype} value ({type(value.flat[0]).__name__ if value.size else dtype}); "
                "recordings hold numbers and bools"
            )
        rows = self.max_length if self.max_length is not None else self.chunk
        self._data = np.empty((rows,) + value.shape, dtype=dtype)

    def append(self, value: Any) -> None:
        """Copy ``value`` in as the next row."""
        value = np.asarray(value)
        data = self._data
        if data is None:
            self._allocate(value)
            data = self._data
        elif value.shape != data.shape[1:]:
            raise RecordingError(
                f"recorded {self.name!r} changed shape from {data.shape[1:]} to {value.shape}"
            )
        if self.max_length is not None:
            data[self._count % self.max_length] = value
        else:
            if self._count == data.shape[0]:
                grown = np.empty((data.shape[0] + max(self.chunk, data.shape[0] // 2),) + data.shape[1:],
                                 dtype=data.dtype)
                grown[: self._count] = data
                self._data = data = grown
            data[self._count] = value
        self._count += 1

    def append_many(self, values: Any) -> None:
        """Append several rows at once (event recorders)."""
        values = np.asarray(values)
        n = values.shape[0]
        data, end = self._data, self._count + n
        if data is not None and self.max_length is None and end <= data.shape[0]:
            data[self._count: end] = values  # the common case: room left, no ring
            self._count = end
            return
        self._put(values, n, repeated=False)

    def append_repeated(self, value: Any, n: int) -> None:
        """Append ``n`` copies of one row (the step stamp of ``n`` events) without building them."""
        data, end = self._data, self._count + n
        if data is not None and self.max_length is None and end <= data.shape[0]:
            data[self._count: end] = value  # the common case: room left, no ring
            self._count = end
            return
        self._put(np.asarray(value), int(n), repeated=True)

    def _put(self, values: np.ndarray, n: int, repeated: bool) -> None:
        if n == 0:
            return
        if self._data is None:
            self._allocate(values if repeated else values[0])
        data = self._data
        if self.max_length is not None:
            cap = self.max_length
            if n > cap:  # only the newest rows survive
                self._count += n - cap
                values, n = (values if repeated else values[-cap:]), cap
            start = self._count % cap
            first = min(n, cap - start)  # contiguous slices, never a scattered index
            data[start:start + first] = values if repeated else values[:first]
            if first < n:
                data[: n - first] = values if repeated else values[first:]
            self._count += n
            return
        need = self._count + n
        if need > data.shape[0]:
            size = max(need, data.shape[0] + max(self.chunk, data.shape[0] // 2))
            grown = np.empty((size,) + data.shape[1:], dtype=data.dtype)
            grown[: self._count] = data[: self._count]
            self._data = data = grown
        data[self._count: need] = values
        self._count = need

    def segments(self) -> list[np.ndarray]:
        """The stored rows, oldest first, as one or two read-only views (no copy)."""
        if self._data is None or self._count == 0:
            return []
        cap = self.max_length
        if cap is None or self._count <= cap:
            parts = [self._data[: self._count]]
        else:
            start = self._count % cap
            parts = [self._data[start:], self._data[:start]] if start else [self._data]
        views = [p.view() for p in parts]
        for v in views:
            v.flags.writeable = False
        return views

    def tail(self, n: int) -> np.ndarray:
        """The newest ``n`` rows (fewer if fewer are stored), oldest first, as a copy."""
        parts, out, need = self.segments(), [], int(n)
        for part in reversed(parts):
            if need <= 0:
                break
            take = part[max(0, len(part) - need):]
            need -= len(take)
            out.append(take)
        if not out:
            return np.empty((0,) if self._data is None else (0,) + self._data.shape[1:],
                            dtype=None if self._data is None else self._data.dtype)
        return np.concatenate(out[::-1])

    def array(self) -> np.ndarray:
        """The rows in the order they were appended (a read-only view when possible)."""
        if self._data is None:
            return np.empty((0,))
        if self.max_length is None or self._count <= self.max_length:
            out = self._data[: len(self)]
            out = out.view()
            out.flags.writeable = False
            return out
        start = self._count % self.max_length
        return np.concatenate([self._data[start:], self._data[:start]])

    def drop_last(self, n: int) -> None:
        """Forget the newest ``n`` rows (all when ``n`` exceeds what is stored)."""
        n = min(int(n), len(self))
        if n <= 0:
            return
        if self.max_length is None or self._count <= self.max_length:
            self._count -= n
            return
        keep = self.array()[: len(self) - n].copy()  # a ring that has wrapped: rebuild it in order
        self._count = 0
        if len(keep):
            self.append_many(keep)

    def clear(self) -> None:
        """Forget every row (the allocation is kept for reuse)."""
        self._count = 0
