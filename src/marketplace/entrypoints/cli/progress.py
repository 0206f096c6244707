"""A tiny progress bar for standard error: done/total, a bar, and the rate per second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Redraws in place on a terminal (at most ten times a second); elsewhere prints every quarter."""

    def __init__(self, total: int, unit: str, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(total, 0)
        self.unit = unit
        self.width = width
        self.done = 0
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._started = time.perf_counter()
        self._last_draw = 0.0
        self._last_quarter = 0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    def advance(self, count: int) -> None:
        self.done = min(self.done + count, self.total)
        if self._tty:
            now = time.perf_counter()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self._draw("\r")
            return
        quarter = 4 * self.done // self.total if self.total else 4
        if quarter > self._last_quarter and self.done < self.total:
            self._last_quarter = quarter
            self._draw("", end="\n")

    def finish(self) -> None:
        self._draw("\r" if self._tty else "", end="\n")

    def line(self) -> str:
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        return f"[{bar}] {self.done:,}/{self.total:,} {self.unit} {self.rate:,.0f}/s {self.elapsed:.1f}s"

    def _draw(self, prefix: str, end: str = "") -> None:
        self._stream.write(f"{prefix}{self.line()}{end}")
        self._stream.flush()
