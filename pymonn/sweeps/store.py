"""The results store of a sweep: every finished row on disk as it arrives, so that a rerun skips it.

``store='results.csv'``
    One line per row, appended and flushed (``fsync``) as each batch of results arrives; line
    breaks and backslashes inside text are written as ``\\n``, ``\\r`` and ``\\\\``, so one row is
    one line and a line cut short by a killed driver is dropped (and cut off) when the store is
    opened again. The header is rewritten (atomically) only when a run returns a new column.
``store='results.parquet'``
    One parquet file, written anew (to a temporary file, then renamed over the old one) after
    each batch: always complete and readable; the cost grows with the table (use CSV for sweeps of
    many thousands of short runs).

A row is *done* when it has no error; rows with an error run again when the sweep is rerun with
the same arguments (their new row is appended, and the latest row of a run wins). The store holds
one sweep (one function or script); each row names it in ``task``, with the run's ``key`` (a hash
of its parameters, repetition and seed). A store is a file from outside: it is read as data (never
unpickled or evaluated) and checked for those columns.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from typing import Any

from ..errors import ConfigurationError, StateFileError

#: The bookkeeping columns a store needs.
REQUIRED = ("key", "task")
_KEY = re.compile(r"^[0-9a-f]{16}$")
_UNESCAPE = re.compile(r"\\(\\|n|r)")
_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r"}


def check_store(path: Any, who: str) -> str | None:
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigurationError(f"{who}: store must be a path ending in .csv or .parquet, got {path!r}")
    path = os.fspath(path)
    if not path.endswith((".csv", ".parquet")):
        raise ConfigurationError(f"{who}: store {path!r} must end in .csv or .parquet")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ConfigurationError(f"{who}: the folder of store {path!r} does not exist ({folder})")
    if os.path.isdir(path):
        raise ConfigurationError(f"{who}: store {path!r} is a folder; give a file name")
    return path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(value: Any) -> Any:
    return _UNESCAPE.sub(lambda m: _ESCAPES[m.group(1)], value) if isinstance(value, str) else value


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return _escape(value) if isinstance(value, str) else str(value)


def _clean(value: Any) -> Any:
    """A value read back: pandas' missing values become None, numpy scalars Python ones."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _atomic(path: str, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".store-", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Store:
    """Rows of one sweep in ``path`` (CSV or parquet), or in memory only when ``path`` is None."""

    def __init__(self, path: str | None, task: str, order: Any = None) -> None:
        self.path = path
        self.task = task
        self.order = order or (lambda columns: list(columns))
        self.rows: list[dict[str, Any]] = []
        self.columns: list[str] = []
        if path is not None and os.path.exists(path):
            self.rows = read_rows(path)
            others = {r.get("task") for r in self.rows} - {task}
            if others:
                raise ConfigurationError(
                    f"store {path!r} holds the results of another sweep ({sorted(map(str, others))[0]!r}, not "
                    f"{task!r}); give another store file")
            for row in self.rows:
                for name in row:
                    if name not in self.columns:
                        self.columns.append(name)

    def done(self) -> dict[str, dict[str, Any]]:
        """key -> latest row, for the runs that finished without error."""
        latest: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            latest[row["key"]] = row
        return {k: r for k, r in latest.items() if r.get("error") in (None, "")}

    def latest(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            out[row["key"]] = row
        return out

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Add rows (each with ``key``) and put them on disk before returning."""
        if not rows:
            return
        self.rows.extend(rows)
        new = [c for r in rows for c in r if c not in self.columns]
        grown = bool(new)
        for name in new:
            if name not in self.columns:
                self.columns.append(name)
        if self.path is None:
            return
        if self.path.endswith(".parquet"):
            self._write_parquet()
        elif grown or not os.path.exists(self.path):
            self._write_csv()
        else:
            self._append_csv(rows)

    def _file_columns(self) -> list[str]:
        ordered = [c for c in self.order(self.columns) if c != "key"]
        return [*ordered, "key"]  # the key last: a line cut short never carries a whole key

    def _lines(self, rows: list[dict[str, Any]], columns: list[str]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return buffer.getvalue()

    def _write_csv(self) -> None:
        columns = self._file_columns()
        self.file_columns = columns
        text = self._lines([dict(zip(columns, columns, strict=True))], columns) + self._lines(self.rows, columns)

        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())

        _atomic(self.path, write)

    def _append_csv(self, rows: list[dict[str, Any]]) -> None:
        columns = getattr(self, "file_columns", None) or _csv_header(self.path)
        self.file_columns = columns
        with open(self.path, "a", encoding="utf-8", newline="") as fh:
            fh.write(self._lines(rows, columns))
            fh.flush()
            os.fsync(fh.fileno())

    def _write_parquet(self) -> None:
        frame = _arrow_safe(to_frame(self.rows, self.order(self.columns)))
        _atomic(self.path, lambda tmp: frame.to_parquet(tmp, index=False))


def to_frame(rows: list[dict[str, Any]], columns: list[str]):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _arrow_safe(frame):
    """Object columns that mix kinds (a number in one row, text in another) are written as text."""
    for name in frame.columns:
        if frame[name].dtype == object:
            kinds = {type(v) for v in frame[name] if v is not None and not (isinstance(v, float) and math.isnan(v))}
            if len(kinds) > 1:
                frame[name] = [None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                               for v in frame[name]]
    return frame


def _csv_header(path: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


def _repair_csv(path: str) -> None:
    """Cut off a last line that a killed writer left without its line break."""
    with open(path, "rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        chunk = 1 << 16
        pos = size
        while pos > 0:
            start = max(0, pos - chunk)
            fh.seek(start)
            data = fh.read(pos - start)
            cut = data.rfind(b"\n")
            if cut >= 0:
                fh.truncate(start + cut + 1)
                return
            pos = start
        fh.truncate(0)


def read_rows(path: str) -> list[dict[str, Any]]:
    """Every complete row of a store file, oldest first (see the module docstring)."""
    import pandas as pd

    try:
        if path.endswith(".csv"):
            _repair_csv(path)
            if os.path.getsize(path) == 0:
                return []
            exact = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"key": str, "task": str},
                                on_bad_lines="skip", **exact)  # floats read back bit for bit
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise StateFileError(f"store {path!r} could not be read as a sweep table: {exc}") from None
    except Exception as exc:  # pyarrow's errors for a damaged parquet file
        raise StateFileError(f"store {path!r} could not be read as a sweep table: {type(exc).__name__}: {exc}") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise StateFileError(f"store {path!r} is not a pymonn sweep store: it has no column {', '.join(missing)}")
    rows = []
    for record in frame.to_dict("records"):
        row = {k: _clean(_unescape(v)) for k, v in record.items()}
        if isinstance(row.get("key"), str) and _KEY.match(row["key"]):
            rows.append(row)
    return rows
