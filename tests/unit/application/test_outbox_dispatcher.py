"""The outbox dispatcher: delivers each message to its topic's handlers, retries failures later with
backoff, parks a message after N failed attempts, and a replayed message is delivered again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.system import Uuid7Ids
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.worker.dispatcher import OutboxDispatcher, backoff, once
from marketplace.application.worker.loop import Worker

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


class Recorder:
    name, topics = "recorder", ("Thing",)

    def __init__(self, failures: int = 0) -> None:
        self.seen: list[str] = []
        self.failures = failures

    async def __call__(self, message: OutboxEntry) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("provider down")
        self.seen.append(message.id)


def _put(db: MemoryDatabase, message_id: str, topic: str = "Thing") -> None:
    db.outbox[message_id] = OutboxEntry(
        id=message_id, topic=topic, payload={}, created_at=T0, attempts=0, available_at=T0
    )


async def test_each_message_reaches_the_handlers_of_its_topic_once() -> None:
    db, clock, recorder = MemoryDatabase(), Clock(), Recorder()
    for n in range(5):
        _put(db, f"m{n}")
    _put(db, "other", topic="Unrelated")
    dispatcher = OutboxDispatcher(store=MemoryOutboxStore(db), clock=clock, handlers=[recorder], batch=2)
    delivered = await Worker(dispatcher).drain()
    assert delivered == 6 and recorder.seen == [f"m{n}" for n in range(5)]
    assert await MemoryOutboxStore(db).pending() == 0
    assert (await dispatcher.run_once()).delivered == 0


async def test_a_failing_handler_is_retried_later_then_parked_and_replay_brings_it_back() -> None:
    db, clock = MemoryDatabase(), Clock()
    recorder = Recorder(failures=10)
    store = MemoryOutboxStore(db)
    _put(db, "m1")
    dispatcher = OutboxDispatcher(store=store, clock=clock, handlers=[recorder], max_attempts=3)
    first = await dispatcher.run_once()
    assert first.failed == 1 and (await dispatcher.run_once()).failed == 0, "not before its retry time"
    for _ in range(2):
        clock.at += timedelta(hours=2)
        await dispatcher.run_once()
    parked = await store.parked(10)
    assert [(e.id, e.attempts) for e in parked] == [("m1", 3)] and "provider down" in (parked[0].last_error or "")
    clock.at += timedelta(days=1)
    assert (await dispatcher.run_once()).delivered == 0, "a parked message waits for a replay"

    recorder.failures = 0
    assert await store.replay("m1", clock.now())
    assert (await dispatcher.run_once()).delivered == 1 and recorder.seen == ["m1"]
    assert await store.parked(10) == []


def test_backoff_grows_and_is_capped() -> None:
    assert 1.0 <= backoff(1) <= 2.0 and 4.0 <= backoff(3) <= 8.0
    assert backoff(50) <= 3600.0


async def test_once_applies_a_redelivered_message_a_single_time() -> None:
    db, clock, ids = MemoryDatabase(), Clock(), Uuid7Ids()
    applied: list[str] = []
    message = OutboxEntry(id="m1", topic="Thing", payload={}, created_at=T0, attempts=1, available_at=T0)

    async def work(_: object) -> None:
        applied.append(message.id)

    def uow() -> MemoryUnitOfWork:
        return MemoryUnitOfWork(db, clock, ids)

    assert await once(uow, message, "h", work) is True
    assert await once(uow, message, "h", work) is False
    assert await once(uow, message, "another", work) is True
    assert applied == ["m1", "m1"]
