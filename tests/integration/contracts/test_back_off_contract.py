"""The BackOff port's contract, run over every adapter: in process and Redis, on one controlled clock."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from marketplace.adapters.memory.back_off import InProcessBackOff
from marketplace.adapters.redis.back_off import RedisBackOff
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.rate_limit import BackOff, BackOffPolicy

POLICY = BackOffPolicy(free=3, base_seconds=10, cap_seconds=60, forget_seconds=3_600)
LOOSE = BackOffPolicy(free=5, base_seconds=10, cap_seconds=30, forget_seconds=3_600)


class Clock:
    """Wall-clock seconds that move only when a test moves them."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(
    params=[pytest.param("in-process", id="in-process"), pytest.param("redis", id="redis", marks=pytest.mark.redis)]
)
async def back_off(request: pytest.FixtureRequest, clock: Clock) -> AsyncIterator[BackOff]:
    if request.param == "in-process":
        yield InProcessBackOff(clock=clock)
        return
    client = Redis.from_url(request.getfixturevalue("redis_url"))
    prefix = f"test:{uuid.uuid4().hex}:bo:"
    try:
        yield RedisBackOff(client, prefix=prefix, clock=clock)
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def _tries(back_off: BackOff, count: int, key: str = "k") -> list[int]:
    return [await back_off.attempt({key: POLICY}) for _ in range(count)]


async def test_the_free_failures_and_one_more_go_through_then_the_key_waits_the_base_delay(back_off: BackOff) -> None:
    assert await _tries(back_off, 4) == [0, 0, 0, 0]
    assert await _tries(back_off, 2) == [10, 10]


async def test_a_try_while_backing_off_counts_nothing_so_the_wait_does_not_grow(
    back_off: BackOff, clock: Clock
) -> None:
    await _tries(back_off, 4)
    for _ in range(5):
        assert await back_off.attempt({"k": POLICY}) == 10
    clock.advance(10)
    assert await back_off.attempt({"k": POLICY}) == 0  # the fifth failure: twice the wait
    assert await back_off.attempt({"k": POLICY}) == 20


async def test_the_wait_doubles_with_each_failure_up_to_the_cap(back_off: BackOff, clock: Clock) -> None:
    await _tries(back_off, 3)
    waits = []
    for _ in range(5):
        assert await back_off.attempt({"k": POLICY}) == 0
        waits.append(await back_off.attempt({"k": POLICY}))
        clock.advance(waits[-1])
    assert waits == [10, 20, 40, 60, 60]


async def test_forgiving_a_key_clears_its_wait_and_its_count(back_off: BackOff) -> None:
    await _tries(back_off, 4)
    await back_off.forgive(["k"])
    assert await _tries(back_off, 5) == [0, 0, 0, 0, 10]


async def test_a_streak_is_forgotten_after_a_quiet_spell(back_off: BackOff, clock: Clock) -> None:
    await _tries(back_off, 4)
    clock.advance(POLICY.forget_seconds)
    assert await _tries(back_off, 5) == [0, 0, 0, 0, 10]


async def test_keys_are_counted_apart(back_off: BackOff) -> None:
    await _tries(back_off, 4, "a")
    assert await _tries(back_off, 4, "b") == [0, 0, 0, 0]
    assert await back_off.attempt({"a": POLICY}) == 10


async def test_a_try_under_several_keys_waits_for_the_longest_and_counts_under_none_while_one_waits(
    back_off: BackOff, clock: Clock
) -> None:
    await _tries(back_off, 4, "strict")  # backing off for 10 s
    assert await back_off.attempt({"strict": POLICY, "loose": LOOSE}) == 10
    # That refused try was not counted under "loose": its five free failures and one more remain.
    assert [await back_off.attempt({"loose": LOOSE}) for _ in range(7)] == [0] * 6 + [10]
    clock.advance(10)
    assert await back_off.attempt({"strict": POLICY, "loose": LOOSE}) == 0
    assert await back_off.attempt({"loose": LOOSE}) == 20
    assert await back_off.attempt({"strict": POLICY}) == 20


async def test_an_unreachable_redis_is_backend_unavailable() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        with pytest.raises(BackendUnavailable):
            await RedisBackOff(client).attempt({"k": POLICY})
        with pytest.raises(BackendUnavailable):
            await RedisBackOff(client).forgive(["k"])
    finally:
        await client.aclose()
