"""Test-only events and handlers for the outbox dispatcher and worker tests, on a registry of their own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.application.events import EventRegistry
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.shared.events import DomainEvent

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
PATIENCE = 10.0  # seconds a test waits for an outcome before it calls it missing (never reached when it works)


@dataclass(frozen=True, slots=True)
class Thing(DomainEvent):
    topic: ClassVar[str] = "tests.thing"

    order_id: str = ""
    at: datetime = T0


@dataclass(frozen=True, slots=True)
class Unhandled(DomainEvent):
    topic: ClassVar[str] = "tests.unhandled"


THINGS = EventRegistry([Thing, Unhandled])


def subscriptions() -> Subscriptions:
    return Subscriptions(THINGS)


def put(db: MemoryDatabase, message_id: str, topic: str = Thing.topic, **payload: object) -> None:
    db.outbox[message_id] = OutboxEntry(
        id=message_id, topic=topic, payload=dict(payload), created_at=T0, attempts=0, available_at=T0
    )


class Recorder:
    """Notes each Thing it got; fails its first `failures` calls; `hang_on` ids wait until cancelled."""

    def __init__(self, name: str = "recorder", failures: int = 0, hang_on: tuple[str, ...] = ()) -> None:
        self.name, self.failures, self.hang_on = name, failures, hang_on
        self.seen: list[str] = []
        self.events: list[Thing] = []
        self.calls = 0
        self.arrived = asyncio.Condition()

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(Thing, self.name, self)

    async def __call__(self, received: Received[Thing]) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("provider down")
        if received.message_id in self.hang_on:
            await asyncio.Event().wait()
        self.seen.append(received.message_id)
        self.events.append(received.event)
        async with self.arrived:
            self.arrived.notify_all()

    async def wait_for(self, message_id: str) -> None:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: message_id in self.seen), PATIENCE)
