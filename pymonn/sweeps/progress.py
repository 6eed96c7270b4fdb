"""A tqdm bar over finished runs, with the failures counted beside it (nothing when tqdm is missing or off)."""

from __future__ import annotations

from typing import Any


class Progress:
    """``Progress(total, done, on, desc, unit)``; ``update(ok, failed)`` after each batch; ``close()`` at the end."""

    def __init__(self, total: int, done: int = 0, on: bool = True, desc: str = "runs", unit: str = "run") -> None:
        self.failed = 0
        self.bar: Any = None
        if on:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # the [progress] extra is missing: no bar
                return
            self.bar = tqdm(total=total, initial=done, desc=desc, unit=unit, dynamic_ncols=True)
            self.bar.set_postfix(failed=0)

    def update(self, finished: int, failed: int, **postfix: Any) -> None:
        self.failed += failed
        if self.bar is not None:
            self.bar.update(finished)
            self.bar.set_postfix(failed=self.failed, **postfix)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
