"""The outbox dispatcher: delivers each message, decoded into its event class, to the handlers subscribed
to that class; records each handler's outcome, so a failing handler is retried alone with backoff; parks a
message after N failed attempts, and a replayed message is delivered again."""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.system import Uuid7Ids
from marketplace.application.worker.dispatcher import OutboxDispatcher, backoff, once
from marketplace.application.worker.loop import Worker
from tests.unit.application.outbox_things import T0, Recorder, Thing, Unhandled, put, subscriptions


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


def _dispatcher(db: MemoryDatabase, clock: Clock, *handlers: Recorder, **options: int) -> OutboxDispatcher:
    return OutboxDispatcher(
        store=MemoryOutboxStore(db), clock=clock, handlers=list(handlers), subscriptions=subscriptions(), **options
    )


async def test_each_message_reaches_the_handlers_of_its_event_class_once_as_a_typed_event() -> None:
    db, clock, recorder = MemoryDatabase(), Clock(), Recorder()
    for n in range(5):
        put(db, f"m{n}", order_id=f"o{n}", at=(T0 + timedelta(minutes=n)).isoformat())
    put(db, "other", topic=Unhandled.topic)
    dispatcher = _dispatcher(db, clock, recorder, batch=2)
    delivered = await Worker(dispatcher).drain()
    assert delivered == 6 and recorder.seen == [f"m{n}" for n in range(5)]
    assert recorder.events[4] == Thing(order_id="o4", at=T0 + timedelta(minutes=4))
    assert await MemoryOutboxStore(db).pending() == 0
    assert (await dispatcher.run_once()).delivered == 0


async def test_a_failing_handler_is_retried_later_then_parked_and_replay_brings_it_back() -> None:
    db, clock = MemoryDatabase(), Clock()
    recorder = Recorder(failures=10)
    store = MemoryOutboxStore(db)
    put(db, "m1")
    dispatcher = _dispatcher(db, clock, recorder, max_attempts=3)
    first = await dispatcher.run_once()
    assert first.failed == 1 and (await dispatcher.run_once()).failed == 0, "not before its retry time"
    for _ in range(2):
        clock.at += timedelta(hours=2)
        await dispatcher.run_once()
    parked = await store.parked(10)
    assert [(e.id, e.attempts) for e in parked] == [("m1", 3)] and "recorder: RuntimeError: provider down" in (
        parked[0].last_error or ""
    )
    clock.at += timedelta(days=1)
    assert (await dispatcher.run_once()).delivered == 0, "a parked message waits for a replay"

    recorder.failures = 0
    assert await store.replay("m1", clock.now())
    assert (await dispatcher.run_once()).delivered == 1 and recorder.seen == ["m1"]
    assert await store.parked(10) == []


async def test_a_failing_handler_is_retried_alone_and_the_others_of_its_message_are_not_run_again() -> None:
    db, clock = MemoryDatabase(), Clock()
    flaky, steady = Recorder("flaky", failures=2), Recorder("steady")
    put(db, "m1")
    dispatcher = _dispatcher(db, clock, steady, flaky)  # steady runs first: it is done before flaky fails
    outcomes = []
    for _ in range(3):
        report = await dispatcher.run_once()
        outcomes.append((report.delivered, report.failed))
        clock.at += timedelta(hours=2)
    assert outcomes == [(0, 1), (0, 1), (1, 0)]
    assert (flaky.calls, flaky.seen, steady.calls, steady.seen) == (3, ["m1"], 1, ["m1"])
    records = {d.handler: d for d in await MemoryOutboxStore(db).deliveries("m1")}
    assert (records["flaky"].attempts, records["steady"].attempts) == (3, 1)
    assert records["flaky"].done_at is not None and records["flaky"].last_error == "RuntimeError: provider down"


async def test_a_replayed_message_runs_only_the_handler_that_failed() -> None:
    db, clock = MemoryDatabase(), Clock()
    steady, broken = Recorder("steady"), Recorder("broken", failures=10)
    put(db, "m1")
    dispatcher = _dispatcher(db, clock, steady, broken, max_attempts=2)
    await dispatcher.run_once()
    clock.at += timedelta(hours=2)
    assert (await dispatcher.run_once()).parked == 1
    broken.failures = 0
    assert await MemoryOutboxStore(db).replay("m1", clock.now())
    assert (await dispatcher.run_once()).delivered == 1
    assert (steady.calls, broken.calls, broken.seen) == (1, 3, ["m1"])


async def test_handlers_that_all_succeed_at_once_need_no_record_of_their_own() -> None:
    db, clock = MemoryDatabase(), Clock()
    put(db, "m1")
    assert (await _dispatcher(db, clock, Recorder("a"), Recorder("b")).run_once()).delivered == 1
    assert await MemoryOutboxStore(db).deliveries("m1") == []


async def test_a_message_of_an_unknown_topic_or_an_undecodable_payload_is_parked_not_dropped() -> None:
    db, clock, recorder = MemoryDatabase(), Clock(), Recorder()
    put(db, "future", topic="tests.from-a-newer-release")
    put(db, "broken", at="not a time")
    dispatcher = _dispatcher(db, clock, recorder, max_attempts=1)
    assert (await dispatcher.run_once()).parked == 2
    errors = {e.id: e.last_error or "" for e in await MemoryOutboxStore(db).parked(10)}
    assert "UnknownTopic" in errors["future"] and "UndecodablePayload" in errors["broken"]
    assert recorder.calls == 0


def test_backoff_grows_and_is_capped() -> None:
    assert 1.0 <= backoff(1) <= 2.0 and 4.0 <= backoff(3) <= 8.0
    assert backoff(50) <= 3600.0


async def test_once_applies_a_redelivered_message_a_single_time() -> None:
    db, clock, ids = MemoryDatabase(), Clock(), Uuid7Ids()
    applied: list[str] = []

    async def work(_: object) -> None:
        applied.append("m1")

    def uow() -> MemoryUnitOfWork:
        return MemoryUnitOfWork(db, clock, ids)

    assert await once(uow, "m1", "h", work) is True
    assert await once(uow, "m1", "h", work) is False
    assert await once(uow, "m1", "another", work) is True
    assert applied == ["m1", "m1"]
