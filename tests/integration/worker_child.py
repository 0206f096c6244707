"""A worker process for the crash test: the real dispatcher and outbox store on PostgreSQL, with one
handler that records its effect (through `once`) and then lingers, so a kill often lands between a
handler's commit and the message being marked delivered.

Run: python -m tests.integration.worker_child DATABASE_URL
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import text

from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.outbox import SqlOutboxStore
from marketplace.adapters.sql.unit_of_work import SqlUnitOfWork
from marketplace.adapters.system import SystemClock, Uuid7Ids
from marketplace.application.events import EventRegistry
from marketplace.application.worker.dispatcher import OutboxDispatcher, once
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.shared.events import DomainEvent


@dataclass(frozen=True, slots=True)
class CrashTestEvent(DomainEvent):
    topic: ClassVar[str] = "CrashTestEvent"

    n: int


TOPIC = CrashTestEvent.topic


class RecordEffect:
    name = "record-effect"

    def __init__(self, uow_factory: object, worker: str) -> None:
        self._uow, self._worker = uow_factory, worker

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(CrashTestEvent, self.name, self)

    async def __call__(self, received: Received[CrashTestEvent]) -> None:
        async def work(uow: SqlUnitOfWork) -> None:
            await uow.write(
                text("INSERT INTO crash_effects (message_id, worker) VALUES (:m, :w)"),
                {"m": received.message_id, "w": self._worker},
            )

        await once(self._uow, received.message_id, self.name, work)  # type: ignore[arg-type]
        await asyncio.sleep(0.01)


async def main(url: str, worker: str) -> None:
    engine = create_engine(url, pool_size=4)
    clock, ids = SystemClock(), Uuid7Ids()
    store = SqlOutboxStore(engine)
    dispatcher = OutboxDispatcher(
        store=store,
        clock=clock,
        lease_seconds=2,
        batch=20,
        handlers=[RecordEffect(lambda: SqlUnitOfWork(engine, clock, ids), worker)],
        subscriptions=Subscriptions(EventRegistry([CrashTestEvent])),
    )
    print("ready", flush=True)
    while await store.pending() > 0:
        report = await dispatcher.run_once()
        if not report.delivered:
            await asyncio.sleep(0.2)  # what is left is leased to another worker (or a dead one, until its lease ends)
    await engine.dispose()
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
