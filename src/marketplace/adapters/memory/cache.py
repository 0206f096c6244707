"""The in-process cache (the embedded default): bounded LRU with expiry, and a rate limiter."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class InProcessCache:
    """Shared by every request of one process; bounded so it never grows without end."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._counters: dict[str, int] = {}
        self._max = max_entries
        self._clock = clock

    async def get(self, key: str) -> bytes | None:
        if key in self._counters:
            return str(self._counters[key]).encode()
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._counters.pop(key, None)
        self._entries[key] = (self._clock() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(key, None)
            self._counters.pop(key, None)

    async def incr(self, key: str) -> int:
        if key in self._counters:
            self._counters[key] += 1
            return self._counters[key]
        entry = self._entries.get(key)
        if entry is not None and entry[0] > self._clock():
            # As Redis INCR: a number set with a TTL keeps counting, and keeps its expiry.
            value = int(entry[1]) + 1
            self._entries[key] = (entry[0], str(value).encode())
            return value
        self._entries.pop(key, None)  # missing or expired: a counter starts from zero
        self._counters[key] = 1
        return 1

    async def ping(self) -> None:
        return None


class InProcessRateLimiter:
    """Fixed windows counted in this process only (the embedded default is one process)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._windows: dict[str, tuple[int, int]] = {}
        self._clock = clock

    async def hit(self, key: str, limit: int, window_seconds: int) -> int:
        now = self._clock()
        window = int(now // window_seconds)
        if len(self._windows) > 50_000:  # forget closed windows
            self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        started, count = self._windows.get(key, (window, 0))
        if started != window:
            started, count = window, 0
        count += 1
        self._windows[key] = (started, count)
        if count <= limit:
            return 0
        return max(1, math.ceil((window + 1) * window_seconds - now))
