"""`marketplace media cleanup`: delete uploads never completed or no longer used, after a grace period."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from typing import Any

from marketplace.entrypoints.cli.runtime import CommandError, started, upgrade_schema
from marketplace.entrypoints.container import resolve
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("media", help="manage uploaded media", description="Manage uploaded media.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    cleanup = actions.add_parser(
        "cleanup",
        help="delete media never completed or no longer used",
        description="Delete the records and stored objects of uploads requested longer ago than the grace "
        "period that were never completed, or that no product shows any more, and the stray staging "
        "objects written with the upload ticket of a completed media.",
    )
    cleanup.add_argument("--grace-hours", type=float, default=24.0, help="how old media must be (default 24)")
    cleanup.set_defaults(handler=run_cleanup)


def run_cleanup(args: argparse.Namespace) -> int:
    if args.grace_hours < 0:
        raise CommandError("--grace-hours must not be negative")
    settings = Settings.from_env()
    examined, removed, strays = asyncio.run(_cleanup(settings, timedelta(hours=args.grace_hours)))
    print(f"examined {examined} media older than {args.grace_hours:g} h; removed {removed} and {strays} stray uploads")
    return 0


async def _cleanup(settings: Settings, grace: timedelta) -> tuple[int, int, int]:
    if settings.backend == "sql":
        await upgrade_schema(settings)
    async with started(settings) as container:
        report = await (await resolve(container.clean_up_media))(grace)
    return report.examined, len(report.removed), len(report.strays)
