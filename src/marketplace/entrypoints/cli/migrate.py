"""`marketplace migrate`: bring the SQL schema to the latest revision."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from marketplace.entrypoints.cli.runtime import schema_revision, shown_url, upgrade_schema
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "migrate",
        help="upgrade the database schema to the latest revision",
        description="Upgrade the SQL schema (SQLite in the data dir, or MARKETPLACE_DATABASE_URL) to the "
        "latest revision. Safe to run again: an up-to-date schema is left as it is.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if settings.backend != "sql":
        print("Nothing to migrate: MARKETPLACE_BACKEND=memory keeps everything in memory.")
        return 0
    before, after = asyncio.run(_migrate(settings))
    where = shown_url(settings.sql_url)
    if before == after:
        print(f"{where}: schema already at the latest revision ({after}); nothing to do.")
    else:
        print(f"{where}: schema upgraded from {before or 'an empty database'} to revision {after}.")
    return 0


async def _migrate(settings: Settings) -> tuple[str | None, str | None]:
    before = await schema_revision(settings)
    await upgrade_schema(settings)
    return before, await schema_revision(settings)
