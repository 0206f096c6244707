"""What the commands share: settings from the environment, the schema, a started container."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from dependency_injector import providers

from marketplace.entrypoints.container import Container, build_container
from marketplace.entrypoints.secrets import ephemeral_keys
from marketplace.entrypoints.settings import Settings


class CommandError(Exception):
    """A command refuses its input or situation; main prints the message and exits with `status`."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def uses_sqlite(settings: Settings) -> bool:
    return settings.backend == "sql" and settings.sql_url.startswith("sqlite")


def is_embedded(settings: Settings) -> bool:
    """One process only: SQLite or in-memory data, or a cache and rate limits kept in the process."""
    return settings.backend != "sql" or uses_sqlite(settings) or settings.redis_url is None


def shown_url(url: str) -> str:
    """The database URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def prepare_data_dir(settings: Settings) -> None:
    """Create the folder the SQLite file lives in (the data dir by default)."""
    if not uses_sqlite(settings):
        return
    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        return
    path = settings.sql_url.split(":///", 1)[-1].split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def schema_revision(settings: Settings) -> str | None:
    """The schema revision the SQL database is at; None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    from marketplace.adapters.sql.engine import create_engine

    prepare_data_dir(settings)
    engine = create_engine(settings.sql_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()


async def upgrade_schema(settings: Settings) -> bool:
    """Bring the SQL schema to the latest revision; False when there is no SQL database."""
    if settings.backend != "sql":
        return False
    from marketplace.adapters.sql.migrations import migrate

    prepare_data_dir(settings)
    await migrate(settings.sql_url)
    return True


@asynccontextmanager
async def started(settings: Settings, *, serving: bool = False) -> AsyncIterator[Container]:
    """A container with its resources started, and shut down on the way out.

    `serving`: the command answers requests, signs tokens or calls providers (the worker), so every
    setting a deployment needs must be there. Other commands (seed, admin, outbox, ledger, media)
    touch only the database and storage: without a master secret they sign with a key of their own
    that dies with them, since nothing they sign is ever checked elsewhere.
    """
    if serving:
        settings.check_deployable()
    container = build_container(settings)
    if not serving and settings.jwt_secret is None and not settings.serves_sandbox:
        container.secrets.override(providers.Object(ephemeral_keys()))
    initialised = container.init_resources()
    if inspect.isawaitable(initialised):
        await initialised
    try:
        yield container
    finally:
        stopped = container.shutdown_resources()
        if inspect.isawaitable(stopped):
            await stopped
