"""Fixed-window rate limiting shared by every process (in process, or Redis)."""

from __future__ import annotations

from typing import Protocol


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> int:
        """Count one hit; return 0 when allowed, else the seconds until the window reopens."""
        ...
