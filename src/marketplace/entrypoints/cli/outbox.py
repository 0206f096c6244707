"""`marketplace outbox list|replay ID`: see the messages the worker parked, and put one back in line."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from marketplace.application.ports.outbox import OutboxEntry
from marketplace.entrypoints.cli.runtime import CommandError, started, upgrade_schema
from marketplace.entrypoints.container import resolve
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "outbox",
        help="inspect and replay parked outbox messages",
        description="Messages whose handlers failed too often are parked, not lost.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list parked messages, oldest first")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.set_defaults(handler=run_list)
    replay = actions.add_parser("replay", help="put a parked message back in line (its attempts start again)")
    replay.add_argument("id", help="the message id, as `outbox list` shows it")
    replay.set_defaults(handler=run_replay)


def _line(entry: OutboxEntry) -> str:
    parked = entry.parked_at.isoformat() if entry.parked_at else "-"
    error = (entry.last_error or "").replace("\n", " ")[:200]
    return f"{entry.id}  {entry.topic}  attempts={entry.attempts}  parked_at={parked}  error={error}"


def run_list(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 10_000:
        raise CommandError("--limit must be from 1 to 10000")
    entries, pending = asyncio.run(_list(Settings.from_env(), args.limit))
    for entry in entries:
        print(_line(entry))
    print(f"{len(entries)} parked; {pending} waiting for delivery")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    if not asyncio.run(_replay(Settings.from_env(), args.id)):
        raise CommandError(f"no parked message has the id {args.id!r}", status=1)
    print(f"replaying {args.id}: the worker delivers it again")
    return 0


async def _list(settings: Settings, limit: int) -> tuple[list[OutboxEntry], int]:
    await upgrade_schema(settings)
    async with started(settings) as container:
        store = await resolve(container.outbox)
        return await store.parked(limit), await store.pending()


async def _replay(settings: Settings, message_id: str) -> bool:
    await upgrade_schema(settings)
    async with started(settings) as container:
        store = await resolve(container.outbox)
        clock = container.clock()
        return bool(await store.replay(message_id, clock.now()))
