"""Alembic migrations of the SQL schema, applied from code: `await migrate(url)`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from marketplace.adapters.sql.engine import create_engine

# Any constant both processes agree on: it names the advisory lock that serialises migrators.
_ADVISORY_LOCK_KEY = 0x6D61726B6574  # "market"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration built in code, so no alembic.ini is needed at runtime."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def migrate(url: str) -> None:
    """Upgrades the database at `url` to the newest schema; idempotent, safe from two processes.

    PostgreSQL: a transaction-scoped advisory lock makes a second migrator wait, then find the
    schema current. SQLite: the engine's default BEGIN IMMEDIATE takes the write lock first.
    """
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    finally:
        await engine.dispose()
