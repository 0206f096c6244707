"""The CMS read cache: public pages and the published banners, stamped with a generation that writes bump.

The same scheme as the catalog cache (see application/catalog/cache.py), with a generation of its
own so CMS and catalog writes do not empty each other's entries: every CMS write calls
`invalidate()` after its commit; an entry is used only when its stamp is the current generation,
so an edit shows at once in every process sharing the cache. Entries expire by their TTL too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Generic, TypeVar

import msgspec

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.cache import Cache

log = logging.getLogger("marketplace.cms.cache")

T = TypeVar("T")
GENERATION_KEY = "cms:generation"
_SEPARATOR = b"|"


@dataclass(frozen=True, slots=True)
class CmsLookup(Generic[T]):
    key: str
    generation: bytes  # b"" when the cache could not be read: then nothing is stored
    value: T | None


@dataclass(frozen=True, slots=True)
class CmsCache:
    cache: Cache | None
    ttl_seconds: int = 60

    async def read(self, key: str, type_: type[T]) -> CmsLookup[T]:
        if self.cache is None:
            return CmsLookup(key, b"", None)
        key = f"cms:{key}"
        try:
            generation, raw = await self.cache.get_many([GENERATION_KEY, key])
        except BackendUnavailable:
            return CmsLookup(key, b"", None)  # readable without the cache: read the database
        generation = generation or b"0"
        if raw is not None:
            stamp, _, payload = raw.partition(_SEPARATOR)
            if stamp == generation:
                return CmsLookup(key, generation, msgspec.msgpack.decode(payload, type=type_))
        return CmsLookup(key, generation, None)

    async def write(self, lookup: CmsLookup[T], value: T) -> None:
        if self.cache is None or not lookup.generation:
            return
        try:
            await self.cache.set(
                lookup.key, lookup.generation + _SEPARATOR + msgspec.msgpack.encode(value), self.ttl_seconds
            )
        except BackendUnavailable:
            log.warning("cms cache unavailable: an entry was not stored")

    async def invalidate(self) -> None:
        if self.cache is None:
            return
        try:
            await self.cache.incr(GENERATION_KEY)
        except BackendUnavailable:
            log.error("cms cache unavailable: could not invalidate; stale reads possible for %s s", self.ttl_seconds)
