"""Delayed work for the sandboxes (auto-expiry, auto-settlement, callback retries) on the running
event loop, so it works served alone or mounted; `close()` cancels whatever is still waiting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("marketplace.sandbox")
Job = Callable[[], Awaitable[None]]


class Timers:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def later(self, seconds: float, job: Job) -> None:
        """Run `job` after `seconds`; must be called from code running on the event loop."""
        task = asyncio.get_running_loop().create_task(self._run(max(0.0, seconds), job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(seconds: float, job: Job) -> None:
        await asyncio.sleep(seconds)
        try:
            await job()
        except Exception:
            log.exception("a sandbox timer failed")

    def __len__(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        """Cancels every waiting job. A job started from another event loop (a test harness may call
        an embedded sandbox from its own loop) is cancelled on its loop and not waited for."""
        here = asyncio.get_running_loop()
        ours = []
        for task in list(self._tasks):
            loop = task.get_loop()
            if loop is here:
                task.cancel()
                ours.append(task)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
        await asyncio.gather(*ours, return_exceptions=True)
