"""The SQL outbox as the worker sees it: short transactions of their own, outside any unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql.engine import read_only
from marketplace.adapters.sql.errors import translated
from marketplace.adapters.sql.tables import outbox, outbox_deliveries
from marketplace.application.ports.outbox import HandlerDelivery, OutboxEntry

_PENDING = (outbox.c.delivered_at.is_(None), outbox.c.parked_at.is_(None))


def entry_to_domain(row: RowMapping) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        topic=row["topic"],
        payload=row["payload"],
        created_at=row["created_at"],
        attempts=row["attempts"],
        available_at=row["available_at"],
        delivered_at=row["delivered_at"],
        parked_at=row["parked_at"],
        last_error=row["last_error"],
    )


class SqlOutboxStore:
    """A claim is one UPDATE that leases the due rows it picks: on PostgreSQL FOR UPDATE SKIP LOCKED
    lets concurrent workers pass each other's rows instead of waiting or taking them twice; SQLite
    (which renders no locking clause) runs it under the write lock its engine takes at BEGIN."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @translated
    async def claim(self, now: datetime, limit: int, lease_seconds: int) -> list[OutboxEntry]:
        due = (
            select(outbox.c.id)
            .where(*_PENDING, outbox.c.available_at <= now)
            .order_by(outbox.c.available_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            update(outbox)
            .where(outbox.c.id.in_(due))
            .values(attempts=outbox.c.attempts + 1, available_at=now + timedelta(seconds=lease_seconds))
            .returning(*outbox.c)
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(statement)).mappings().all()
        # RETURNING follows no order; every claimed row now has the same available_at.
        return sorted((entry_to_domain(row) for row in rows), key=lambda e: (e.created_at, e.id))

    @translated
    async def delivered(self, message_id: str, now: datetime) -> None:
        await self._change(message_id, delivered_at=now)

    @translated
    async def failed(self, message_id: str, error: str, retry_at: datetime | None, now: datetime) -> None:
        if retry_at is None:
            await self._change(message_id, last_error=error, parked_at=now)
        else:
            await self._change(message_id, last_error=error, available_at=retry_at)

    @translated
    async def parked(self, limit: int) -> list[OutboxEntry]:
        statement = (
            select(outbox)
            .where(outbox.c.parked_at.is_not(None))
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        async with read_only(self._engine).connect() as connection:
            return [entry_to_domain(row) for row in (await connection.execute(statement)).mappings()]

    @translated
    async def replay(self, message_id: str, now: datetime) -> bool:
        statement = (
            update(outbox)
            .where(outbox.c.id == message_id, outbox.c.parked_at.is_not(None))
            .values(attempts=0, parked_at=None, available_at=now)
        )
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).rowcount == 1

    @translated
    async def pending(self) -> int:
        async with read_only(self._engine).connect() as connection:
            return int(
                (await connection.execute(select(func.count()).select_from(outbox).where(*_PENDING))).scalar_one()
            )

    @translated
    async def deliveries(self, message_id: str) -> list[HandlerDelivery]:
        statement = (
            select(outbox_deliveries)
            .where(outbox_deliveries.c.message_id == message_id)
            .order_by(outbox_deliveries.c.handler)
        )
        async with read_only(self._engine).connect() as connection:
            return [HandlerDelivery(**row) for row in (await connection.execute(statement)).mappings()]

    @translated
    async def handler_delivered(self, message_id: str, handler: str, now: datetime) -> None:
        await self._ran(message_id, handler, next_attempt_at=None, done_at=now)

    @translated
    async def handler_failed(
        self, message_id: str, handler: str, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        await self._ran(message_id, handler, next_attempt_at=retry_at, last_error=error)

    async def _ran(self, message_id: str, handler: str, **outcome: Any) -> None:
        """One more run of `handler` for the message, and its outcome: one upsert."""
        factory = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
        statement = factory(outbox_deliveries).values(message_id=message_id, handler=handler, attempts=1, **outcome)
        statement = statement.on_conflict_do_update(
            index_elements=[outbox_deliveries.c.message_id, outbox_deliveries.c.handler],
            set_={"attempts": outbox_deliveries.c.attempts + 1, **outcome},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def _change(self, message_id: str, **values: Any) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(outbox).where(outbox.c.id == message_id).values(**values))
