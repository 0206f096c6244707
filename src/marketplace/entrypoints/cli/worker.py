"""`marketplace worker`: deliver outbox messages and run periodic jobs until stopped (SIGINT/SIGTERM)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from marketplace.entrypoints.cli.runtime import started, upgrade_schema
from marketplace.entrypoints.container import warn_if_sandbox_forced
from marketplace.entrypoints.settings import Settings
from marketplace.entrypoints.worker import build_worker


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "worker",
        help="deliver outbox events and run periodic jobs (checkout expiry, clean-ups)",
        description="Run the background worker. Several may run at once on PostgreSQL: each message is "
        "claimed by one of them (FOR UPDATE SKIP LOCKED). `marketplace serve` runs one in-process "
        "unless given --no-worker.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(_run(Settings.from_env()))
    return 0


async def _run(settings: Settings) -> None:
    settings.check_deployable()
    warn_if_sandbox_forced(settings)
    await upgrade_schema(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with started(settings, serving=True) as container:
        worker = await build_worker(container)
        print("worker running (Ctrl-C to stop)", file=sys.stderr, flush=True)
        await worker.run(stop)
