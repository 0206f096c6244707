"""Outbox delivery: at least once to each handler, retried with backoff, parked after too many failures.

Handlers must be idempotent: a message comes again when its worker died before marking it
delivered. Those that only write to the database make that exact with `once` (the mark that they
ran commits with their own changes); those that call a provider pass it an idempotency key.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from marketplace.application.ports.outbox import OutboxEntry, OutboxStore
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock

log = logging.getLogger("marketplace.worker")


class Handler(Protocol):
    name: str
    topics: tuple[str, ...]

    def __call__(self, message: OutboxEntry) -> Awaitable[None]: ...


async def once(uow_factory: UnitOfWorkFactory, message: OutboxEntry, handler: str,
               work: Callable[[UnitOfWork], Awaitable[None]]) -> bool:
    """Runs `work` in a unit of work that also records that `handler` handled `message`: committed
    together, so a redelivered message is not applied twice. False when it already was."""
    async with uow_factory() as uow:
        if not await uow.processed.claim(message.id, handler):
            return False
        await work(uow)
        await uow.commit()
        return True


def backoff(attempts: int, base_seconds: float = 2.0, cap_seconds: float = 3600.0) -> float:
    """Exponential with full jitter: 2, 4, 8 ... s on average halved, at most an hour."""
    return random.uniform(0.5, 1.0) * min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1))


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    parked: int = 0


@dataclass
class OutboxDispatcher:
    store: OutboxStore
    clock: Clock
    handlers: list[Handler] = field(default_factory=list)
    max_attempts: int = 8
    lease_seconds: int = 60
    batch: int = 50

    def register(self, handler: Handler) -> None:
        self.handlers.append(handler)

    async def run_once(self) -> DeliveryReport:
        """Claims one batch and delivers each message to every handler of its topic."""
        report = DeliveryReport()
        for message in await self.store.claim(self.clock.now(), self.batch, self.lease_seconds):
            await self._deliver(message, report)
        return report

    async def _deliver(self, message: OutboxEntry, report: DeliveryReport) -> None:
        try:
            for handler in self.handlers:
                if message.topic in handler.topics:
                    await handler(message)
        except Exception as error:  # any handler failure: retry later, or park
            now = self.clock.now()
            retry_at: datetime | None = None
            if message.attempts < self.max_attempts:
                retry_at = now + timedelta(seconds=backoff(message.attempts))
            detail = f"{type(error).__name__}: {error}"[:2000]
            await self.store.failed(message.id, detail, retry_at, now)
            if retry_at is None:
                report.parked += 1
                log.error("outbox message %s (%s) parked after %d attempts: %s", message.id, message.topic,
                          message.attempts, detail)
            else:
                report.failed += 1
                log.warning("outbox message %s (%s) failed (attempt %d), retry at %s: %s", message.id,
                            message.topic, message.attempts, retry_at.isoformat(), detail)
            return
        await self.store.delivered(message.id, self.clock.now())
        report.delivered += 1
