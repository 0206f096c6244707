"""The catalog read cache: public pages and details, stamped with a generation that writes bump.

Every write that can change what the public catalog shows calls `invalidate()` after its commit.
Each entry is stored with the generation current when its read began; a read fetches the
generation and the entry in one round trip and uses the entry only when both agree. So a bump
makes every older entry stale at once, in every process sharing the cache, and an entry computed
while a write committed can never be served after it. Stale entries expire by their TTL.

Stock moves far more often than the rest (every checkout, and every cancel, reject or expiry after
one), so it does not bump the generation: a product detail is also stamped with a counter of its
own reference (id or slug) that `stock_moved()` bumps after a commit that moved its variants' stock
(the units of work call it). Its next read, by id or slug, misses and shows the stock as it is.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import msgspec

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.cache import Cache

log = logging.getLogger("marketplace.catalog.cache")

T = TypeVar("T")
GENERATION_KEY = "catalog:generation"
_SEPARATOR = b"|"
_JOIN = b"."


@dataclass(slots=True)
class CacheStats:
    """Reads answered from the cache and reads that went to the database, in this process."""

    hits: int = 0
    misses: int = 0


@dataclass(frozen=True, slots=True)
class Lookup(Generic[T]):
    """The outcome of a read: the value on a hit, and what a miss must stamp its entry with."""

    key: str
    generation: bytes
    value: T | None


@dataclass(frozen=True, slots=True)
class CatalogCache:
    cache: Cache | None
    ttl_seconds: int = 300
    stats: CacheStats = field(default_factory=CacheStats)

    @property
    def enabled(self) -> bool:
        return self.cache is not None

    @staticmethod
    def key(kind: str, part: object) -> str:
        digest = hashlib.blake2b(msgspec.msgpack.encode(part), digest_size=16).hexdigest()
        return f"catalog:{kind}:{digest}"

    @classmethod
    def stock_key(cls, ref: str) -> str:
        """The counter `stock_moved()` bumps for a product reference (its id, or its slug)."""
        return cls.key("stock", ref)

    async def read(self, kind: str, part: object, type_: type[T], watch: str | None = None) -> Lookup[T]:
        """`watch`: a counter the entry also depends on (see `stock_key`), read in the same round trip."""
        assert self.cache is not None
        key = self.key(kind, part)
        try:
            found = await self.cache.get_many([GENERATION_KEY, key] if watch is None else [GENERATION_KEY, key, watch])
        except BackendUnavailable:
            # The catalog stays readable without its cache: read the database, store nothing.
            self.stats.misses += 1
            return Lookup(key, b"", None)
        generation, raw = found[0] or b"0", found[1]
        if watch is not None:
            generation += _JOIN + (found[2] or b"0")
        if raw is not None:
            stamp, _, payload = raw.partition(_SEPARATOR)
            if stamp == generation:
                self.stats.hits += 1
                return Lookup(key, generation, msgspec.msgpack.decode(payload, type=type_))
        self.stats.misses += 1
        return Lookup(key, generation, None)

    async def write(self, lookup: Lookup[T], value: T) -> None:
        assert self.cache is not None
        if not lookup.generation:
            return  # the cache was unreachable when the read began
        try:
            await self.cache.set(
                lookup.key, lookup.generation + _SEPARATOR + msgspec.msgpack.encode(value), self.ttl_seconds
            )
        except BackendUnavailable:
            log.warning("catalog cache unavailable: an entry was not stored")

    async def invalidate(self) -> None:
        if self.cache is None:
            return
        try:
            await self.cache.incr(GENERATION_KEY)
        except BackendUnavailable:
            # Entries written before the outage may be served until their TTL runs out.
            log.error(
                "catalog cache unavailable: could not invalidate; stale reads possible for %s s", self.ttl_seconds
            )

    async def stock_moved(self, refs: list[str]) -> None:
        """After a commit that moved these products' stock (`refs`: their ids and slugs): their cached
        details are stale at once. The counters never expire, so a stamp is never valid again."""
        if self.cache is None:
            return
        try:
            for ref in refs:
                await self.cache.incr(self.stock_key(ref))
        except BackendUnavailable:
            log.error("catalog cache unavailable: stock shown by details may lag for %s s", self.ttl_seconds)
