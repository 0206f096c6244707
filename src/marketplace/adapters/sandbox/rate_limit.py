"""A sliding-window request limit with the headers Xendit sends (docs/providers.md, "Xendit rate limits")."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    remaining: int
    reset: float  # seconds until the oldest counted request leaves the window
    exceeded: bool

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("Rate-Limit-Limit", str(self.limit)),
            ("Rate-Limit-Remaining", str(self.remaining)),
            ("Rate-Limit-Reset", f"{self.reset:.3f}".rstrip("0").rstrip(".")),
        )


class SlidingWindow:
    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit, self._window, self._clock = limit, window_seconds, clock
        self._hits: dict[Hashable, deque[float]] = {}

    def take(self, key: Hashable, *, enforce: bool) -> Quota:
        """Count one request for `key`; when enforcing, a request over the limit is refused and not counted."""
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= self._limit:
            if enforce:
                return Quota(self._limit, 0, hits[0] + self._window - now, True)
            hits.popleft()  # not enforced: keep the window bounded, the headers still say 0 remain
        hits.append(now)
        return Quota(self._limit, max(0, self._limit - len(hits)), hits[0] + self._window - now, False)
