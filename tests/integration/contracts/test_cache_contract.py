"""The Cache port's contract, run over every adapter: in process and Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from marketplace.adapters.memory.cache import InProcessCache
from marketplace.adapters.redis.cache import RedisCache
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.cache import Cache


@pytest.fixture(
    params=[pytest.param("in-process", id="in-process"), pytest.param("redis", id="redis", marks=pytest.mark.redis)]
)
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "in-process":
        yield InProcessCache()
        return
    client = Redis.from_url(request.getfixturevalue("redis_url"))
    prefix = f"test:{uuid.uuid4().hex}:"
    try:
        yield RedisCache(client, prefix=prefix)
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_a_missing_key_reads_as_nothing(cache: Cache) -> None:
    assert await cache.get("missing") is None


async def test_a_value_set_is_read_back_as_the_same_bytes(cache: Cache) -> None:
    value = bytes(range(256))
    await cache.set("blob", value, 60)
    assert await cache.get("blob") == value


async def test_get_many_reads_several_keys_in_order_with_nothing_for_missing_ones(cache: Cache) -> None:
    await cache.set("one", b"1", 60)
    await cache.set("two", b"2", 60)
    await cache.incr("count")
    assert await cache.get_many(["two", "missing", "one", "count", "two"]) == [b"2", None, b"1", b"1", b"2"]
    assert await cache.get_many([]) == []


async def test_setting_a_key_again_replaces_its_value(cache: Cache) -> None:
    await cache.set("k", b"first", 60)
    await cache.set("k", b"second", 60)
    assert await cache.get("k") == b"second"


async def test_deleted_keys_read_as_nothing_and_others_stay(cache: Cache) -> None:
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode(), 60)
    await cache.delete("a", "b", "never-set")
    await cache.delete()
    assert [await cache.get(k) for k in ("a", "b", "c")] == [None, None, b"c"]


async def test_incr_counts_from_zero_and_reads_back_as_decimal_bytes(cache: Cache) -> None:
    assert [await cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert await cache.get("counter") == b"3"
    assert await cache.incr("another") == 1


async def test_incr_continues_from_a_number_that_was_set(cache: Cache) -> None:
    await cache.set("n", b"41", 60)
    assert await cache.incr("n") == 42
    assert await cache.get("n") == b"42"


async def test_setting_a_counter_replaces_it(cache: Cache) -> None:
    await cache.incr("c")
    await cache.set("c", b"text", 60)
    assert await cache.get("c") == b"text"
    await cache.delete("c")
    assert await cache.incr("c") == 1


async def test_entries_expire_after_their_ttl_counters_included(cache: Cache) -> None:
    await cache.set("short", b"v", 1)
    await cache.set("short-number", b"5", 1)
    await cache.set("long", b"v", 60)
    await cache.set("counted", b"7", 1)
    assert await cache.incr("counted") == 8  # incrementing keeps the entry's expiry
    await asyncio.sleep(1.2)
    assert await cache.get_many(["short", "long", "counted"]) == [None, b"v", None]
    assert await cache.get("short") is None
    assert await cache.get("counted") is None
    assert await cache.get("long") == b"v"
    assert await cache.incr("short-number") == 1  # an expired number is gone: counting starts again


async def test_ping_answers_when_the_backend_is_up(cache: Cache) -> None:
    await cache.ping()  # returns nothing; BackendUnavailable would fail the test


async def test_redis_ping_raises_cache_unavailable_when_redis_is_unreachable() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        with pytest.raises(BackendUnavailable):
            await RedisCache(client).ping()
    finally:
        await client.aclose()
