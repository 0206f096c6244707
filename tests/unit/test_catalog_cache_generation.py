"""The catalog cache never serves an entry older than the last write."""

from __future__ import annotations

from marketplace.adapters.memory.cache import InProcessCache
from marketplace.application.catalog.cache import CatalogCache


async def test_an_entry_is_served_until_a_write_bumps_the_generation() -> None:
    cache = CatalogCache(InProcessCache())
    miss = await cache.read("list", {"q": "batik"}, list[int])
    assert miss.value is None
    await cache.write(miss, [1, 2])
    assert (await cache.read("list", {"q": "batik"}, list[int])).value == [1, 2]
    await cache.invalidate()
    assert (await cache.read("list", {"q": "batik"}, list[int])).value is None
    assert (cache.stats.hits, cache.stats.misses) == (1, 2)


async def test_an_entry_computed_while_a_write_committed_is_never_served() -> None:
    cache = CatalogCache(InProcessCache())
    slow_read = await cache.read("product", "p-1", str)  # a read starts before the write...
    await cache.invalidate()  # ...the write commits and bumps...
    await cache.write(slow_read, "old price")  # ...and the slow read stores what it saw.
    assert (await cache.read("product", "p-1", str)).value is None


async def test_different_queries_do_not_share_entries() -> None:
    cache = CatalogCache(InProcessCache())
    first = await cache.read("list", {"q": "a"}, str)
    await cache.write(first, "A")
    assert (await cache.read("list", {"q": "b"}, str)).value is None
    assert (await cache.read("product", {"q": "a"}, str)).value is None
