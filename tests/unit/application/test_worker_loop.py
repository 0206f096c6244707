"""The worker loop: outbox delivery and each periodic job run on their own, so a job stuck on a hanging
provider holds up neither delivery nor the other jobs; a job has a time limit, never runs twice at once,
and stopping the worker cancels whatever still runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import pytest

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.application.worker.loop import PeriodicJob, Worker
from marketplace.application.worker.subscriptions import Received, Subscriber, Subscriptions
from tests.unit.application.outbox_things import PATIENCE, T0, Recorder, Thing, put, subscriptions


class Clock:
    def now(self) -> datetime:
        return T0


def _put(db: MemoryDatabase, message_id: str, **payload: object) -> None:
    put(db, message_id, Thing.topic, **payload)


def _dispatcher(db: MemoryDatabase, *handlers: Subscriber, handler_seconds: float = 20.0) -> OutboxDispatcher:
    return OutboxDispatcher(
        store=MemoryOutboxStore(db),
        clock=Clock(),
        handlers=list(handlers),
        subscriptions=subscriptions(),
        handler_seconds=handler_seconds,
    )


def _hangs_forever(started: asyncio.Event, cancelled: list[str]) -> Callable[[], Awaitable[object]]:
    async def job() -> object:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append("cancelled")
            raise
        return None

    return job


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, PATIENCE)


async def test_messages_are_delivered_at_the_usual_pace_while_a_job_hangs() -> None:
    db, recorder = MemoryDatabase(), Recorder()
    started, cancelled = asyncio.Event(), list[str]()
    dispatcher = _dispatcher(db, recorder)
    stuck = PeriodicJob("reconcile-payments", 0.01, _hangs_forever(started, cancelled), limit_seconds=3600)
    worker = Worker(dispatcher, idle_seconds=0.01, jobs=[stuck])
    async with running(worker):
        await asyncio.wait_for(started.wait(), PATIENCE)
        for n in range(20):  # the outbox keeps receiving messages while the job is stuck
            _put(db, f"m{n}")
            await recorder.wait_for(f"m{n}")
    assert recorder.seen == [f"m{n}" for n in range(20)]
    assert cancelled == ["cancelled"], "stopping the worker cancels the stuck job"


async def test_a_job_that_overruns_its_limit_is_cancelled_logged_and_runs_again_at_its_next_turn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[str] = []
    again = asyncio.Event()

    async def reconcile() -> int:
        if not runs:
            runs.append("first")
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                runs.append("cancelled")
                raise
        runs.append("again")
        again.set()
        return 0

    worker = Worker(
        OutboxDispatcher(store=MemoryOutboxStore(MemoryDatabase()), clock=Clock()),
        idle_seconds=0.01,
        jobs=[PeriodicJob("reconcile-payments", 0.01, reconcile, limit_seconds=0.05)],
    )
    # The app's logging stops at the "marketplace" logger once an app was built in this process: listen there.
    logger = logging.getLogger("marketplace.worker")
    logger.addHandler(caplog.handler)
    try:
        async with running(worker):
            await asyncio.wait_for(again.wait(), PATIENCE)
    finally:
        logger.removeHandler(caplog.handler)
    assert runs[:3] == ["first", "cancelled", "again"]
    assert any("reconcile-payments" in r.getMessage() and "limit" in r.getMessage() for r in caplog.records)


async def test_a_job_never_runs_twice_at_once_and_others_keep_their_turns() -> None:
    at_once, most, slow_runs, quick_runs = 0, 0, 0, 0
    quick_ran_thrice = asyncio.Event()

    async def slow() -> None:
        nonlocal at_once, most, slow_runs
        at_once += 1
        most = max(most, at_once)
        await asyncio.sleep(0.05)  # longer than its interval
        at_once -= 1
        slow_runs += 1

    async def quick() -> None:
        nonlocal quick_runs
        quick_runs += 1
        if quick_runs >= 3 and slow_runs >= 2:
            quick_ran_thrice.set()

    worker = Worker(
        OutboxDispatcher(store=MemoryOutboxStore(MemoryDatabase()), clock=Clock()),
        idle_seconds=0.01,
        jobs=[PeriodicJob("slow", 0.001, slow), PeriodicJob("quick", 0.001, quick)],
    )
    async with running(worker):
        await asyncio.wait_for(quick_ran_thrice.wait(), PATIENCE)
    assert most == 1


async def test_a_failing_job_does_not_stop_the_others() -> None:
    fine_ran = asyncio.Event()
    broken_runs = 0

    async def broken() -> None:
        nonlocal broken_runs
        broken_runs += 1
        raise RuntimeError("boom")

    async def fine() -> int:
        if broken_runs >= 2:
            fine_ran.set()
        return 1

    worker = Worker(
        OutboxDispatcher(store=MemoryOutboxStore(MemoryDatabase()), clock=Clock()),
        idle_seconds=0.01,
        jobs=[PeriodicJob("broken", 0.01, broken), PeriodicJob("fine", 0.01, fine)],
    )
    async with running(worker):
        await asyncio.wait_for(fine_ran.wait(), PATIENCE)


async def test_stopping_the_worker_returns_promptly_and_cancels_running_jobs() -> None:
    started, cancelled = asyncio.Event(), list[str]()
    db = MemoryDatabase()
    _put(db, "stuck")
    recorder = Recorder(hang_on=("stuck",))
    dispatcher = _dispatcher(db, recorder)
    worker = Worker(
        dispatcher,
        idle_seconds=0.01,
        stop_grace_seconds=0.05,
        jobs=[PeriodicJob("media-cleanup", 3600, _hangs_forever(started, cancelled), limit_seconds=3600)],
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.wait_for(started.wait(), PATIENCE)
    stop.set()
    await asyncio.wait_for(task, PATIENCE)
    assert cancelled == ["cancelled"] and task.exception() is None
    assert db.outbox["stuck"].delivered_at is None, "a delivery cut short is not marked delivered: it comes back"


async def test_a_hanging_handler_holds_up_no_other_message() -> None:
    db = MemoryDatabase()
    recorder = Recorder(hang_on=("slow",))
    _put(db, "slow", order_id="o1")
    for n in range(5):
        _put(db, f"m{n}", order_id=f"o{n + 2}")
    dispatcher = _dispatcher(db, recorder, handler_seconds=3600)
    async with running(Worker(dispatcher, idle_seconds=0.01, stop_grace_seconds=0.05)):
        for n in range(5):
            await recorder.wait_for(f"m{n}")
        _put(db, "later", order_id="o9")  # a message arriving while the slow one still hangs
        await recorder.wait_for("later")
    assert "slow" not in recorder.seen


async def test_a_handler_that_overruns_its_time_limit_is_a_failed_attempt_retried_later() -> None:
    db = MemoryDatabase()
    recorder = Recorder(hang_on=("slow",))
    _put(db, "slow", order_id="o1")
    _put(db, "quick", order_id="o2")
    dispatcher = _dispatcher(db, recorder, handler_seconds=0.05)
    report = await asyncio.wait_for(dispatcher.run_once(), PATIENCE)
    assert (report.delivered, report.failed) == (1, 1) and recorder.seen == ["quick"]
    slow = db.outbox["slow"]
    assert slow.delivered_at is None and slow.parked_at is None and slow.available_at > T0
    assert "recorder" in (slow.last_error or "") and "0.05" in (slow.last_error or "")


async def test_messages_about_the_same_order_keep_their_order_while_others_pass() -> None:
    db, seen = MemoryDatabase(), []
    first_of_o1_may_finish = asyncio.Event()

    class Ordered:
        def subscribe(self, bus: Subscriptions) -> None:
            bus.subscribe(Thing, "ordered", self)

        async def __call__(self, received: Received[Thing]) -> None:
            if received.message_id == "o1-first":
                await first_of_o1_may_finish.wait()
            seen.append(received.message_id)
            if received.message_id == "o2-only":
                first_of_o1_may_finish.set()

    for message_id, order in (("o1-first", "o1"), ("o1-second", "o1"), ("o2-only", "o2")):
        _put(db, message_id, order_id=order)
    dispatcher = _dispatcher(db, Ordered())
    report = await asyncio.wait_for(dispatcher.run_once(), PATIENCE)
    assert report.delivered == 3
    assert seen == ["o2-only", "o1-first", "o1-second"]
