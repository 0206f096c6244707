"""The catalog read cache: public pages and details keyed by a generation that writes bump.

Every write that can change what the public catalog shows calls `invalidate()` after its commit.
Keys carry the generation current when they were read, so a bump makes every older entry
unreachable at once, in every process sharing the cache; old entries expire by their TTL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec

from marketplace.application.ports.cache import Cache

T = TypeVar("T")
GENERATION_KEY = "catalog:generation"


@dataclass(slots=True)
class CacheStats:
    """Reads answered from the cache and reads that went to the database, in this process."""

    hits: int = 0
    misses: int = 0


@dataclass(frozen=True, slots=True)
class CatalogCache:
    cache: Cache | None
    ttl_seconds: int = 300
    stats: CacheStats = field(default_factory=CacheStats)

    @property
    def enabled(self) -> bool:
        return self.cache is not None

    async def generation(self) -> bytes:
        assert self.cache is not None
        return await self.cache.get(GENERATION_KEY) or b"0"

    @staticmethod
    def key(generation: bytes, kind: str, part: object) -> str:
        digest = hashlib.blake2b(msgspec.msgpack.encode(part), digest_size=16).hexdigest()
        return f"catalog:{generation.decode()}:{kind}:{digest}"

    async def read(self, key: str, kind: type[T]) -> T | None:
        assert self.cache is not None
        raw = await self.cache.get(key)
        if raw is None:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return msgspec.msgpack.decode(raw, type=kind)

    async def write(self, key: str, value: object) -> None:
        assert self.cache is not None
        await self.cache.set(key, msgspec.msgpack.encode(value), self.ttl_seconds)

    async def invalidate(self) -> None:
        if self.cache is not None:
            await self.cache.incr(GENERATION_KEY)
