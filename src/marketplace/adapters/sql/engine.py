"""Engines for PostgreSQL (asyncpg) and SQLite (aiosqlite), with each one's transaction rules."""

# SQLite: the driver's own transaction handling is switched off and we emit BEGIN ourselves, so a
# writer can take the write lock up front (`BEGIN IMMEDIATE`, which waits `busy_timeout`). A
# deferred transaction that reads and then writes cannot wait: when another connection wrote in
# the meantime SQLite answers "database is locked" at once. Connections choose the kind of BEGIN
# with the `BEGIN_MODE` execution option: IMMEDIATE (the default, for writers), DEFERRED (a read
# snapshot), or None (no transaction: each statement stands alone, for the read side).

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

BEGIN_MODE: Final = "marketplace_sqlite_begin"
IMMEDIATE: Final = "IMMEDIATE"
DEFERRED: Final = "DEFERRED"
SQLITE_BUSY_TIMEOUT_MS: Final = 10_000


def create_engine(url: str, pool_size: int = 20) -> AsyncEngine:
    """An engine for `postgresql+asyncpg://...` or `sqlite+aiosqlite:///...` URLs.

    PostgreSQL connections are kept, not churned: past `pool_size` a request waits for a free
    connection instead of opening one (opening costs the server more than the query it runs).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=10,
        pool_pre_ping=False,  # a dead connection fails one request; pinging costs every checkout
        connect_args={"server_settings": {"application_name": "marketplace", "jit": "off"}},
    )


def is_sqlite(engine: AsyncEngine | AsyncConnection) -> bool:
    return engine.dialect.name == "sqlite"


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, with no transaction around reads: one round trip per statement.

    The read side runs single statements, each consistent on its own, so BEGIN/ROLLBACK would
    only add round trips (and, on SQLite, a BEGIN statement).
    """
    if is_sqlite(engine):
        return engine.execution_options(**{BEGIN_MODE: None})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url)
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see the module docstring)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",  # readers never block the writer and the writer never blocks readers
            "synchronous=NORMAL",  # durable enough with WAL, far fewer fsyncs
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, IMMEDIATE)
        if mode is None:
            return
        if mode not in (IMMEDIATE, DEFERRED):
            raise ValueError(f"{BEGIN_MODE} must be {IMMEDIATE}, {DEFERRED} or None, not {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
