"""The RateLimiter port's contract, run over every adapter: in process and Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from marketplace.adapters.memory.cache import InProcessRateLimiter
from marketplace.adapters.redis.cache import RedisRateLimiter
from marketplace.application.ports.rate_limit import RateLimiter

# Long windows, so that no test straddles the end of one (in-process windows follow the wall clock).
WINDOW = 3_600


@pytest.fixture(
    params=[pytest.param("in-process", id="in-process"), pytest.param("redis", id="redis", marks=pytest.mark.redis)]
)
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    if request.param == "in-process":
        yield InProcessRateLimiter()
        return
    client = Redis.from_url(request.getfixturevalue("redis_url"))
    prefix = f"test:{uuid.uuid4().hex}:rl:"
    try:
        yield RedisRateLimiter(client, prefix=prefix)
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.mark.parametrize("limit", [1, 3, 10])
async def test_the_limit_is_allowed_then_the_caller_is_told_how_long_to_wait(limiter: RateLimiter, limit: int) -> None:
    assert [await limiter.hit("login:1.2.3.4", limit, WINDOW) for _ in range(limit)] == [0] * limit
    for _ in range(2):
        assert 0 < await limiter.hit("login:1.2.3.4", limit, WINDOW) <= WINDOW


async def test_separate_keys_are_counted_independently(limiter: RateLimiter) -> None:
    assert await limiter.hit("a", 1, WINDOW) == 0
    assert await limiter.hit("a", 1, WINDOW) > 0
    assert await limiter.hit("b", 1, WINDOW) == 0
    assert await limiter.hit("a:b", 1, WINDOW) == 0
    assert await limiter.hit("b", 1, WINDOW) > 0
