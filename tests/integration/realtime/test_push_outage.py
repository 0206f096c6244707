"""Live pushes while Redis is down: the outbox message is not marked delivered but tried again with
backoff, and parked after the dispatcher's last attempt (the Socket.IO server as the app builds it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.socketio.notifier import SocketIONotifier
from marketplace.adapters.system import Uuid7Ids
from marketplace.application.notifications.push_updates import PushUpdates
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.domain.ordering.checkout import CheckoutSettled
from marketplace.entrypoints.realtime.server import create_socket_server
from marketplace.entrypoints.settings import Settings

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


async def test_a_push_that_cannot_reach_redis_is_retried_then_parked_never_marked_delivered() -> None:
    settings = Settings.from_env(
        {},
        database_url="postgresql+asyncpg://unused@127.0.0.1:1/unused",
        redis_url="redis://127.0.0.1:1/0",
        jwt_secret="push-outage-test-key-of-32-characters",
    )
    db, clock, ids = MemoryDatabase(), Clock(), Uuid7Ids()
    push = PushUpdates(
        uow=lambda: MemoryUnitOfWork(db, clock, ids), notifier=SocketIONotifier(create_socket_server(settings))
    )
    store = MemoryOutboxStore(db)
    db.outbox["m1"] = OutboxEntry(
        id="m1",
        topic=CheckoutSettled.topic,
        created_at=T0,
        attempts=0,
        available_at=T0,
        payload={"checkout_id": "c-1", "buyer_id": "u-1", "status": "paid"},
    )
    dispatcher = OutboxDispatcher(store=store, clock=clock, handlers=[push], max_attempts=2)

    first = await dispatcher.run_once()
    assert (first.delivered, first.failed) == (0, 1)
    waiting = db.outbox["m1"]
    assert waiting.delivered_at is None and waiting.available_at > T0 and "Redis" in (waiting.last_error or "")

    clock.at += timedelta(hours=2)
    assert (await dispatcher.run_once()).parked == 1
    assert [e.id for e in await store.parked(10)] == ["m1"] and db.outbox["m1"].delivered_at is None
