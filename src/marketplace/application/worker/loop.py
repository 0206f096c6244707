"""The worker loop: outbox batches as long as there are any, periodic jobs at their interval."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from marketplace.application.worker.dispatcher import OutboxDispatcher

log = logging.getLogger("marketplace.worker")


@dataclass
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]
    next_at: float = 0.0


@dataclass
class Worker:
    dispatcher: OutboxDispatcher
    jobs: list[PeriodicJob] = field(default_factory=list)
    idle_seconds: float = 0.5

    async def run_jobs(self) -> None:
        now = time.monotonic()
        for job in self.jobs:
            if now < job.next_at:
                continue
            job.next_at = now + job.every_seconds
            try:
                result = await job.run()
                if result:
                    log.info("job %s: %s", job.name, result)
            except Exception:
                log.exception("job %s failed; it runs again in %.0f s", job.name, job.every_seconds)

    async def drain(self) -> int:
        """Delivers until nothing is due; answers how many messages were delivered."""
        delivered = 0
        while True:
            report = await self.dispatcher.run_once()
            delivered += report.delivered
            if not (report.delivered or report.failed or report.parked):
                return delivered

    async def run(self, stop: asyncio.Event) -> None:
        log.info("worker started")
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("outbox delivery failed; retrying")
            await self.run_jobs()
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.idle_seconds)
            except TimeoutError:
                pass
        log.info("worker stopped")
