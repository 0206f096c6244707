"""The worker loop: outbox delivery and each periodic job as tasks of their own, so none waits on another."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.worker.dispatcher import Lanes, OutboxDispatcher, Outcome

log = logging.getLogger("marketplace.worker")


@dataclass
class PeriodicJob:
    """`run` every `every_seconds`, each run cut short (cancelled) after `limit_seconds`."""

    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]
    limit_seconds: float = 60.0


@dataclass
class Worker:
    dispatcher: OutboxDispatcher
    jobs: list[PeriodicJob] = field(default_factory=list)
    idle_seconds: float = 0.5
    stop_grace_seconds: float = 5.0  # deliveries under way get this long to finish once told to stop

    async def drain(self) -> int:
        """Delivers until nothing is due; answers how many messages were delivered."""
        delivered = 0
        while True:
            report = await self.dispatcher.run_once()
            delivered += report.delivered
            if not (report.delivered or report.failed or report.parked):
                return delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; then running jobs are cancelled and deliveries get `stop_grace_seconds`."""
        log.info("worker started")
        delivery = asyncio.create_task(self._deliver(stop), name="outbox-delivery")
        jobs = [asyncio.create_task(self._repeat(job, stop), name=f"job-{job.name}") for job in self.jobs]
        try:
            await stop.wait()
        finally:
            for task in jobs if stop.is_set() else [delivery, *jobs]:  # cancelled itself: no grace
                task.cancel()
            await asyncio.gather(delivery, *jobs, return_exceptions=True)
        log.info("worker stopped")

    async def _repeat(self, job: PeriodicJob, stop: asyncio.Event) -> None:
        """One job's turns: never two runs at once; a run that overruns its interval is followed by a full one."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            started = loop.time()
            await self._run_job(job)
            next_at = started + job.every_seconds
            if next_at <= loop.time():
                next_at = loop.time() + job.every_seconds
            await _wait(stop, next_at - loop.time())

    @staticmethod
    async def _run_job(job: PeriodicJob) -> None:
        limit = asyncio.timeout(job.limit_seconds)
        try:
            async with limit:
                result = await job.run()
            if result:
                log.info("job %s: %s", job.name, result)
        except Exception:
            if limit.expired():
                log.error(
                    "job %s overran its %g s limit and was cancelled; it runs again at its next turn",
                    job.name,
                    job.limit_seconds,
                )
            else:
                log.exception("job %s failed; it runs again at its next turn", job.name)

    async def _deliver(self, stop: asyncio.Event) -> None:
        """Claims as many messages as there are free slots and delivers each as a task of its own (those
        about one order in turn), so a handler stuck on a provider holds up only its own order's messages."""
        lanes, running = Lanes(), set[asyncio.Task[Outcome]]()
        try:
            while not stop.is_set():
                limit = min(self.dispatcher.concurrency - len(running), self.dispatcher.batch)
                claimed = await self._claim(limit) if limit > 0 else []
                for message in claimed:
                    task = lanes.start(message, self.dispatcher.deliver)
                    running.add(task)
                    task.add_done_callback(_finished(running))
                if len(claimed) < limit:
                    await _wait(stop, self.idle_seconds)  # nothing more is due yet
                elif len(running) >= self.dispatcher.concurrency:
                    await _wait(stop, None, running)  # every slot busy: until one frees
            if running:
                await asyncio.wait(running, timeout=self.stop_grace_seconds)
        finally:
            # A delivery cut short keeps its lease: its message comes back when the lease ends.
            unfinished = list(running)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)

    async def _claim(self, limit: int) -> list[OutboxEntry]:
        try:
            return await self.dispatcher.claim(limit)
        except Exception:
            log.exception("could not claim outbox messages; trying again")
            return []


async def _wait(stop: asyncio.Event, seconds: float | None, tasks: set[asyncio.Task[Outcome]] | None = None) -> None:
    """Until `stop` is set, `seconds` have passed or one of `tasks` is done, whichever comes first."""
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({stopped, *(tasks or ())}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()


def _finished(running: set[asyncio.Task[Outcome]]) -> Callable[[asyncio.Task[Outcome]], None]:
    def done(task: asyncio.Task[Outcome]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox delivery failed", exc_info=task.exception())

    return done
