"""IdempotencyStore contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from marketplace.application.ports.idempotency import InProgress, Replay, Reused, Started
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import T0, Backend

LEASE, KEEP = 60, 3600


def _scope() -> str:
    return f"{new_id()}:POST /checkouts"


async def test_a_new_key_starts_and_its_answer_is_replayed(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    assert await store.begin(scope, "k1", "fp-a", T0, LEASE) == Started()
    assert await store.begin(scope, "k1", "fp-a", T0 + timedelta(seconds=1), LEASE) == InProgress(LEASE - 1)
    await store.finish(scope, "k1", 201, b'{"id":"c-1"}', T0 + timedelta(seconds=2), KEEP)
    assert await store.begin(scope, "k1", "fp-a", T0 + timedelta(minutes=30), LEASE) == Replay(201, b'{"id":"c-1"}')
    assert await store.begin(scope, "k1", "fp-b", T0 + timedelta(minutes=30), LEASE) == Reused()
    assert await store.begin(scope, "k2", "fp-b", T0, LEASE) == Started()
    assert await store.begin(_scope(), "k1", "fp-b", T0, LEASE) == Started()  # keys are per scope


async def test_an_error_answer_and_an_empty_body_are_replayed_as_they_were(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    assert await store.begin(scope, "k", "fp", T0, LEASE) == Started()
    await store.finish(scope, "k", 409, b"", T0, KEEP)
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=5), LEASE) == Replay(409, b"")


async def test_a_claim_left_running_past_its_lease_is_taken_over(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    assert await store.begin(scope, "k", "fp", T0, LEASE) == Started()
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=LEASE - 1), LEASE) == InProgress(1)
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=LEASE), LEASE) == Started()
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=LEASE + 1), LEASE) == InProgress(LEASE - 1)


async def test_a_live_request_renews_its_claim_and_a_retry_is_told_the_real_wait(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    assert await store.begin(scope, "k", "fp", T0, 10) == Started()
    assert await store.renew(scope, "k", T0 + timedelta(seconds=8), 10) is True
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=12), 10) == InProgress(6)
    assert await store.begin(scope, "k", "fp", T0 + timedelta(milliseconds=17_500), 10) == InProgress(1)
    assert await store.begin(scope, "k", "fp", T0 + timedelta(seconds=18), 10) == Started()  # it died: taken over
    await store.finish(scope, "k", 201, b"{}", T0 + timedelta(seconds=19), KEEP)
    assert await store.renew(scope, "k", T0 + timedelta(seconds=20), 10) is False  # answered: nothing to renew
    assert await store.renew(scope, "unknown", T0, 10) is False


async def test_a_dead_claim_is_not_taken_over_by_another_body(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    assert await store.begin(scope, "k", "fp-a", T0, 10) == Started()
    assert await store.begin(scope, "k", "fp-b", T0 + timedelta(seconds=30), 10) == Reused()
    assert await store.begin(scope, "k", "fp-a", T0 + timedelta(seconds=31), 10) == Started()


async def test_an_answer_kept_past_its_time_frees_the_key(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    await store.begin(scope, "k", "fp-a", T0, LEASE)
    await store.finish(scope, "k", 201, b"{}", T0, KEEP)
    assert await store.begin(scope, "k", "fp-b", T0 + timedelta(seconds=KEEP - 1), LEASE) == Reused()
    assert await store.begin(scope, "k", "fp-b", T0 + timedelta(seconds=KEEP), LEASE) == Started()
    assert await store.begin(scope, "k", "fp-b", T0 + timedelta(seconds=KEEP + 1), LEASE) == InProgress(LEASE - 1)


async def test_a_forgotten_claim_may_be_tried_again_but_an_answer_is_not_forgotten(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    await store.begin(scope, "k", "fp", T0, LEASE)
    await store.forget(scope, "k")
    assert await store.begin(scope, "k", "fp-other", T0 + timedelta(seconds=1), LEASE) == Started()
    await store.finish(scope, "k", 201, b"{}", T0 + timedelta(seconds=2), KEEP)
    await store.forget(scope, "k")
    assert await store.begin(scope, "k", "fp-other", T0 + timedelta(seconds=3), LEASE) == Replay(201, b"{}")
    await store.forget(scope, "missing")


async def test_purge_deletes_only_what_was_kept_past_its_time(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    await store.begin(scope, "old", "fp", T0, LEASE)
    await store.finish(scope, "old", 201, b"{}", T0, 10)
    await store.begin(scope, "new", "fp", T0, LEASE)
    await store.finish(scope, "new", 201, b"{}", T0, KEEP)
    await store.begin(scope, "running", "fp", T0 + timedelta(seconds=5), LEASE)
    assert await store.purge(T0 + timedelta(seconds=30)) == 1
    assert await store.begin(scope, "old", "fp-x", T0 + timedelta(seconds=31), LEASE) == Started()
    assert await store.begin(scope, "new", "fp", T0 + timedelta(seconds=31), LEASE) == Replay(201, b"{}")
    assert await store.begin(scope, "running", "fp", T0 + timedelta(seconds=31), LEASE) == InProgress(34)
    assert await store.purge(T0 + timedelta(days=2)) == 3
    assert await store.purge(T0 + timedelta(days=2)) == 0


async def test_of_concurrent_requests_with_one_key_exactly_one_starts(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(store.begin(scope, "k", "fp", T0, LEASE) for _ in range(12))), timeout=60
    )
    assert outcomes.count(Started()) == 1
    assert outcomes.count(InProgress(LEASE)) == 11


async def test_of_concurrent_takers_of_a_lapsed_claim_exactly_one_starts(backend: Backend) -> None:
    store, scope = backend.idempotency, _scope()
    await store.begin(scope, "k", "fp", T0, LEASE)
    later = T0 + timedelta(seconds=LEASE + 5)
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(store.begin(scope, "k", "fp", later, LEASE) for _ in range(8))), timeout=60
    )
    assert outcomes.count(Started()) == 1
    assert outcomes.count(InProgress(LEASE)) == 7
