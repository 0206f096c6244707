"""Outbox delivery: at least once to each handler, retried with backoff, parked after too many failures.

Handlers must be idempotent: a message comes again when its worker died before marking it
delivered. Those that only write to the database make that exact with `once` (the mark that they
ran commits with their own changes); those that call a provider pass it an idempotency key.
Each handler call has a time limit (overrunning it is a failed attempt), and messages are delivered
several at a time, those about one order (else one checkout) in the order they were written.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from marketplace.application.ports.outbox import OutboxEntry, OutboxStore
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock

log = logging.getLogger("marketplace.worker")
ORDERED_BY = ("order_id", "checkout_id")  # see lane_of
Outcome = Literal["delivered", "failed", "parked"]
Deliver = Callable[[OutboxEntry], Awaitable[Outcome]]


class Handler(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def topics(self) -> tuple[str, ...]: ...

    def __call__(self, message: OutboxEntry) -> Awaitable[None]: ...


async def once(
    uow_factory: UnitOfWorkFactory, message: OutboxEntry, handler: str, work: Callable[[UnitOfWork], Awaitable[None]]
) -> bool:
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
    return random.uniform(0.5, 1.0) * min(cap_seconds, base_seconds * 2.0 ** max(0, attempts - 1))


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    parked: int = 0

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class HandlerTimedOut(Exception):
    """A handler overran its time limit (a provider hanging, most likely): a failed attempt like any other."""


def lane_of(message: OutboxEntry) -> str:
    """Messages about one order (else one checkout) are delivered one after another in the order they
    were written, so a client is not pushed `shipping` before `accepted`; others may pass each other."""
    for key in ORDERED_BY:
        value = message.payload.get(key)
        if isinstance(value, str) and value:
            return f"{key}:{value}"
    return f"message:{message.id}"


class Lanes:
    """Starts each delivery as a task of its own, after the one before it in its lane has finished."""

    def __init__(self) -> None:
        self._last: dict[str, asyncio.Task[Outcome]] = {}

    def start(self, message: OutboxEntry, deliver: Deliver) -> asyncio.Task[Outcome]:
        lane = lane_of(message)
        task = asyncio.create_task(
            self._after(self._last.get(lane), message, deliver), name=f"outbox-{message.topic}-{message.id}"
        )
        self._last[lane] = task
        task.add_done_callback(lambda done: self._last.pop(lane) if self._last.get(lane) is done else None)
        return task

    @staticmethod
    async def _after(before: asyncio.Task[Outcome] | None, message: OutboxEntry, deliver: Deliver) -> Outcome:
        if before is not None:
            await asyncio.wait([before])  # its outcome is its own business
        return await deliver(message)


@dataclass
class OutboxDispatcher:
    store: OutboxStore
    clock: Clock
    handlers: list[Handler] = field(default_factory=list)
    max_attempts: int = 8
    lease_seconds: int = 60
    batch: int = 50
    # Above the providers' own deadline for a call (adapters/xendit, adapters/gosend: 15 s), so a hanging
    # provider normally fails the call there, with its reason, before the worker gives up on the handler.
    handler_seconds: float = 20.0
    concurrency: int = 8  # messages in delivery at once (each holds a database connection only briefly)

    def register(self, handler: Handler) -> None:
        self.handlers.append(handler)

    async def claim(self, limit: int) -> list[OutboxEntry]:
        return await self.store.claim(self.clock.now(), limit, self.lease_seconds)

    async def run_once(self) -> DeliveryReport:
        """Claims one batch and delivers it, `concurrency` messages at a time, each to every handler of its topic."""
        report, lanes, slots = DeliveryReport(), Lanes(), asyncio.Semaphore(self.concurrency)

        async def deliver(message: OutboxEntry) -> Outcome:
            async with slots:  # taken only once its lane is free, so a waiting message holds no slot
                return await self.deliver(message)

        tasks = [lanes.start(message, deliver) for message in await self.claim(self.batch)]
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)  # all finished, even if one broke
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome  # the store failed: its message comes back when its lease ends
            report.count(outcome)
        return report

    async def deliver(self, message: OutboxEntry) -> Outcome:
        """Delivered, or failed (to be retried with backoff), or parked after `max_attempts`."""
        try:
            for handler in self.handlers:
                if message.topic in handler.topics:
                    await self._call(handler, message)
        except Exception as error:  # any handler failure: retry later, or park
            return await self._failed(message, error)
        await self.store.delivered(message.id, self.clock.now())
        return "delivered"

    async def _call(self, handler: Handler, message: OutboxEntry) -> None:
        limit = asyncio.timeout(self.handler_seconds)
        try:
            async with limit:
                await handler(message)
        except TimeoutError as error:
            if not limit.expired():
                raise  # the handler's own
            raise HandlerTimedOut(f"handler {handler.name} did not finish within {self.handler_seconds:g} s") from error

    async def _failed(self, message: OutboxEntry, error: Exception) -> Outcome:
        now = self.clock.now()
        retry_at: datetime | None = None
        if message.attempts < self.max_attempts:
            retry_at = now + timedelta(seconds=backoff(message.attempts))
        detail = f"{type(error).__name__}: {error}"[:2000]
        await self.store.failed(message.id, detail, retry_at, now)
        if retry_at is None:
            log.error(
                "outbox message %s (%s) parked after %d attempts: %s",
                message.id,
                message.topic,
                message.attempts,
                detail,
            )
            return "parked"
        log.warning(
            "outbox message %s (%s) failed (attempt %d), retry at %s: %s",
            message.id,
            message.topic,
            message.attempts,
            retry_at.isoformat(),
            detail,
        )
        return "failed"
