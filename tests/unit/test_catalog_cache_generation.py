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


async def _read_detail(cache: CatalogCache, ref: str) -> str | None:
    return (await cache.read("product", ref, str, watch=cache.stock_key(ref))).value


async def test_moved_stock_makes_only_that_products_details_stale() -> None:
    cache = CatalogCache(InProcessCache())
    for ref in ("p-1", "batik-1", "p-2"):
        await cache.write(await cache.read("product", ref, str, watch=cache.stock_key(ref)), f"detail of {ref}")
    await cache.write(await cache.read("list", {"q": "batik"}, str), "a page")
    await cache.stock_moved(["p-1", "batik-1"])  # a checkout took stock of p-1 (slug batik-1)
    assert await _read_detail(cache, "p-1") is None
    assert await _read_detail(cache, "batik-1") is None
    assert await _read_detail(cache, "p-2") == "detail of p-2"
    assert (await cache.read("list", {"q": "batik"}, str)).value == "a page", "pages show no stock"


async def test_a_detail_read_before_stock_moved_is_never_served_after() -> None:
    cache = CatalogCache(InProcessCache())
    slow_read = await cache.read("product", "p-1", str, watch=cache.stock_key("p-1"))
    await cache.stock_moved(["p-1"])  # a checkout commits while the read is in the database
    await cache.write(slow_read, "stock 5")
    assert await _read_detail(cache, "p-1") is None
    fresh = await cache.read("product", "p-1", str, watch=cache.stock_key("p-1"))
    await cache.write(fresh, "stock 3")
    assert await _read_detail(cache, "p-1") == "stock 3"
