"""Logging in backs off after wrong passwords: per account and address, per account alone; never a lock-out."""

from __future__ import annotations

import time

import pytest
from dependency_injector import providers
from redis.asyncio import Redis

from marketplace.adapters.memory.back_off import InProcessBackOff
from marketplace.adapters.redis.back_off import RedisBackOff
from marketplace.application.errors import RateLimited, Unauthenticated
from marketplace.application.identity.log_in import Credentials
from marketplace.application.identity.login_throttle import BY_ACCOUNT, BY_CLIENT
from tests.credentials import PASSWORD
from tests.unit.application.conftest import Marketplace


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(marketplace: Marketplace) -> Clock:
    clock = Clock()
    marketplace.container.back_off.override(providers.Object(InProcessBackOff(clock=clock)))
    return clock


async def _try(marketplace: Marketplace, email: str, password: str, client: str = "198.51.100.1") -> str:
    """What the try answered: "ok", "wrong" or "wait <seconds>"."""
    try:
        await (await marketplace.use("log_in"))(Credentials(email, password, client))
    except Unauthenticated:
        return "wrong"
    except RateLimited as limited:
        return f"wait {limited.retry_after}"
    return "ok"


async def _wrong(marketplace: Marketplace, email: str, count: int, client: str = "198.51.100.1") -> list[str]:
    return [await _try(marketplace, email, f"guess {n}", client) for n in range(count)]


async def test_after_a_few_wrong_passwords_even_the_right_one_waits(
    marketplace: Marketplace, clock: Clock, buyer: str
) -> None:
    assert await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free + 1) == ["wrong"] * (BY_CLIENT.free + 1)
    assert await _try(marketplace, "buyer@example.com", PASSWORD) == f"wait {BY_CLIENT.base_seconds}"
    clock.now += BY_CLIENT.base_seconds
    assert await _try(marketplace, "buyer@example.com", PASSWORD) == "ok"


async def test_an_unknown_email_backs_off_exactly_like_an_account(
    marketplace: Marketplace, clock: Clock, buyer: str
) -> None:
    known = await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free + 3)
    assert await _wrong(marketplace, "nobody@example.com", BY_CLIENT.free + 3) == known
    assert await _wrong(marketplace, "not an email", BY_CLIENT.free + 3) == known


async def test_a_successful_log_in_forgets_the_failures(marketplace: Marketplace, clock: Clock, buyer: str) -> None:
    await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free)
    assert await _try(marketplace, "buyer@example.com", PASSWORD) == "ok"
    assert await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free + 1) == ["wrong"] * (BY_CLIENT.free + 1)


async def test_the_wait_doubles_but_is_capped_in_minutes_so_the_owner_is_never_locked_out(
    marketplace: Marketplace, clock: Clock, buyer: str
) -> None:
    await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free)
    waits = []
    for _ in range(12):
        assert await _try(marketplace, "buyer@example.com", "guess") == "wrong"
        waits.append(int((await _try(marketplace, "buyer@example.com", "guess")).split()[1]))
        clock.now += waits[-1]
    assert waits[:3] == [BY_CLIENT.base_seconds, 2 * BY_CLIENT.base_seconds, 4 * BY_CLIENT.base_seconds]
    assert max(waits) == BY_CLIENT.cap_seconds <= 15 * 60
    assert await _try(marketplace, "buyer@example.com", PASSWORD) == "ok"


async def test_other_addresses_meet_only_the_looser_back_off_of_the_account(
    marketplace: Marketplace, clock: Clock, buyer: str
) -> None:
    await _wrong(marketplace, "buyer@example.com", BY_CLIENT.free + 1, client="203.0.113.66")  # the attacker waits
    assert await _try(marketplace, "buyer@example.com", PASSWORD, client="198.51.100.1") == "ok"  # the owner does not
    answers = [
        await _try(marketplace, "buyer@example.com", "guess", client=f"203.0.113.{n}")
        for n in range(BY_ACCOUNT.free + 2)
    ]
    assert answers == ["wrong"] * (BY_ACCOUNT.free + 1) + [f"wait {BY_ACCOUNT.base_seconds}"]
    assert BY_ACCOUNT.cap_seconds <= 2 * 60


async def test_logging_in_still_works_when_the_back_off_store_is_unreachable(
    marketplace: Marketplace, buyer: str
) -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    marketplace.container.back_off.override(providers.Object(RedisBackOff(unreachable)))
    try:
        assert await _try(marketplace, "buyer@example.com", PASSWORD) == "ok"
    finally:
        await unreachable.aclose()
