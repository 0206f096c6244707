"""OutboxStore contract over memory, SQLite and PostgreSQL: leases, retries, parking, concurrent workers,
and what each handler made of a message (a failing handler is retried alone)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.outbox import SqlOutboxStore
from marketplace.application.ports.outbox import OutboxEntry, OutboxStore
from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.application.worker.subscriptions import Received
from marketplace.domain.identity.user import UserRegistered
from tests.integration.contracts.conftest import Backend, a_user, is_utc

LEASE = 30


async def _messages(backend: Backend, count: int) -> datetime:
    """Commits `count` messages (one UserRegistered each); answers a time when all of them are due."""
    async with backend.uow() as uow:
        for _ in range(count):
            await uow.users.add(a_user())
        await uow.commit()
    return datetime.now(UTC) + timedelta(seconds=1)


async def test_a_claim_leases_due_messages_oldest_first(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 3)
    first = await store.claim(now, 2, LEASE)
    assert [m.attempts for m in first] == [1, 1] and all(
        m.available_at == now + timedelta(seconds=LEASE) for m in first
    )
    assert first[0].topic == "UserRegistered" and "user_id" in first[0].payload and is_utc(first[0].created_at)
    rest = await store.claim(now, 10, LEASE)
    assert len(rest) == 1 and rest[0].id not in {m.id for m in first}
    assert first[0].id < first[1].id < rest[0].id
    assert await store.claim(now + timedelta(seconds=LEASE - 1), 10, LEASE) == []
    again = await store.claim(now + timedelta(seconds=LEASE), 10, LEASE)  # their claimer died
    assert sorted(m.id for m in again) == sorted(m.id for m in [*first, *rest])
    assert {m.attempts for m in again} == {2}
    assert await store.pending() == 3


async def test_a_delivered_message_never_comes_back(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 2)
    claimed = await store.claim(now, 10, LEASE)
    await store.delivered(claimed[0].id, now)
    assert await store.pending() == 1
    later = await store.claim(now + timedelta(hours=1), 10, LEASE)
    assert [m.id for m in later] == [claimed[1].id]


async def test_a_failed_message_comes_back_at_its_retry_time(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 1)
    (message,) = await store.claim(now, 10, LEASE)
    retry_at = now + timedelta(seconds=5)
    await store.failed(message.id, "ConnectError: the push service is down", retry_at, now)
    assert await store.claim(retry_at - timedelta(microseconds=1), 10, LEASE) == []
    (again,) = await store.claim(retry_at, 10, LEASE)
    assert (again.id, again.attempts, again.last_error) == (message.id, 2, "ConnectError: the push service is down")
    assert await store.pending() == 1 and await store.parked(10) == []


async def test_a_message_failed_for_good_is_parked_until_replayed(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 2)
    first, second = await store.claim(now, 10, LEASE)
    await store.failed(first.id, "ValueError: bad payload", None, now)
    assert await store.pending() == 1
    (parked,) = await store.parked(10)
    assert (parked.id, parked.last_error, parked.parked_at, parked.attempts) == (
        first.id,
        "ValueError: bad payload",
        now,
        1,
    )
    assert [m.id for m in await store.claim(now + timedelta(days=1), 10, LEASE)] == [second.id]
    assert await store.replay(second.id, now) is False  # not parked
    assert await store.replay(first.id + "0", now) is False
    replay_at = now + timedelta(days=2)
    assert await store.replay(first.id, replay_at) is True
    assert await store.replay(first.id, replay_at) is False
    assert await store.parked(10) == [] and await store.pending() == 2
    claimed = await store.claim(replay_at, 10, LEASE)
    assert [(m.id, m.attempts, m.parked_at) for m in claimed if m.id == first.id] == [(first.id, 1, None)]


async def test_parked_messages_are_listed_oldest_first(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 3)
    claimed = await store.claim(now, 10, LEASE)
    for message in reversed(claimed):
        await store.failed(message.id, "boom", None, now)
    assert [m.id for m in await store.parked(10)] == [m.id for m in claimed]
    assert [m.id for m in await store.parked(2)] == [m.id for m in claimed[:2]]


@asynccontextmanager
async def _another_worker(backend: Backend) -> AsyncIterator[OutboxStore]:
    """A second store on its own engine (its own connections), as another worker process has."""
    if backend.engine is None:
        yield backend.outbox_store
        return
    engine = create_engine(backend.engine.url.render_as_string(hide_password=False))
    try:
        yield SqlOutboxStore(engine)
    finally:
        await engine.dispose()


async def test_concurrent_claimers_never_get_the_same_message(backend: Backend) -> None:
    now = await _messages(backend, 40)

    async def drain(store: OutboxStore) -> list[OutboxEntry]:
        taken: list[OutboxEntry] = []
        while batch := await store.claim(now, 3, LEASE):
            taken.extend(batch)
            await asyncio.sleep(0)
        return taken

    async with _another_worker(backend) as other:
        stores = [backend.outbox_store, other, backend.outbox_store, other]
        results = await asyncio.wait_for(asyncio.gather(*(drain(s) for s in stores)), timeout=60)
    ids = [m.id for taken in results for m in taken]
    assert len(ids) == len(set(ids)) == 40
    assert all(m.attempts == 1 for taken in results for m in taken)


async def test_each_handlers_runs_and_outcome_are_recorded_per_message(backend: Backend) -> None:
    store = backend.outbox_store
    now = await _messages(backend, 2)
    first, second = await store.claim(now, 10, LEASE)
    assert await store.deliveries(first.id) == []
    retry_at = now + timedelta(seconds=8)
    await store.handler_failed(first.id, "push", "ConnectError: down", retry_at, now)
    await store.handler_delivered(first.id, "refund", now)
    await store.handler_failed(first.id, "push", "ConnectError: still down", None, now)
    await store.handler_delivered(first.id, "push", now + timedelta(seconds=9))
    push, refund = await store.deliveries(first.id)
    assert (push.handler, push.attempts, push.next_attempt_at, push.last_error) == (
        "push",
        3,
        None,
        "ConnectError: still down",
    )
    assert push.done_at == now + timedelta(seconds=9) and is_utc(push.done_at)
    assert (refund.handler, refund.attempts, refund.done_at, refund.last_error) == ("refund", 1, now, None)
    await store.handler_failed(second.id, "push", "boom", retry_at, now)
    (other,) = await store.deliveries(second.id)
    assert (other.attempts, other.next_attempt_at, other.done_at) == (1, retry_at, None) and is_utc(
        other.next_attempt_at
    )


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


async def test_a_failing_handler_is_retried_alone_and_the_other_ran_exactly_once(backend: Backend) -> None:
    clock = _Clock(await _messages(backend, 1))
    runs, seen = {"steady": 0, "flaky": 0}, []

    async def steady(received: Received[UserRegistered]) -> None:
        runs["steady"] += 1
        seen.append(received.message_id)

    async def flaky(received: Received[UserRegistered]) -> None:
        runs["flaky"] += 1
        if runs["flaky"] <= 2:
            raise RuntimeError("the provider is down")

    dispatcher = OutboxDispatcher(store=backend.outbox_store, clock=clock)
    dispatcher.subscriptions.subscribe(UserRegistered, "steady", steady)  # runs first, before flaky fails
    dispatcher.subscriptions.subscribe(UserRegistered, "flaky", flaky)
    outcomes = []
    for _ in range(3):
        report = await dispatcher.run_once()
        outcomes.append((report.delivered, report.failed))
        clock.at += timedelta(hours=2)
    assert outcomes == [(0, 1), (0, 1), (1, 0)] and runs == {"steady": 1, "flaky": 3}
    assert await backend.outbox_store.pending() == 0
    flaky_record, steady_record = await backend.outbox_store.deliveries(seen[0])
    assert (flaky_record.attempts, steady_record.attempts) == (3, 1)
    assert flaky_record.done_at is not None and steady_record.done_at is not None
