"""`marketplace migrate`: bring the SQL schema to the latest revision."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from marketplace.entrypoints.cli.runtime import shown_url, upgrade_schema
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "migrate", help="upgrade the database schema to the latest revision",
        description="Upgrade the SQL schema (SQLite in the data dir, or MARKETPLACE_DATABASE_URL) to the "
        "latest revision. Safe to run again: an up-to-date schema is left as it is.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not asyncio.run(upgrade_schema(settings)):
        print("Nothing to migrate: MARKETPLACE_BACKEND=memory keeps everything in memory.")
        return 0
    print(f"Database {shown_url(settings.sql_url)}: schema upgraded to the latest revision.")
    return 0
