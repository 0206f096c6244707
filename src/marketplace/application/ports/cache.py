"""A byte cache with expiry and atomic counters (in process, or Redis)."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        """The values of several keys in one round trip, in order (None for a missing one)."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    async def delete(self, *keys: str) -> None: ...

    async def incr(self, key: str) -> int:
        """Add one to an integer counter (missing counts as 0) and return the new value."""
        ...

    async def ping(self) -> None:
        """Raise when the backend cannot be reached."""
        ...
