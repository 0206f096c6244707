"""Idempotency keys in SQL: short transactions of their own, outside any unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from marketplace.adapters.sql.base import insert_new
from marketplace.adapters.sql.errors import translated
from marketplace.adapters.sql.tables import idempotency_keys as keys
from marketplace.application.ports.idempotency import InProgress, Outcome, Replay, Reused, Started, seconds_left
from marketplace.domain.shared.errors import ConcurrentUpdate


class SqlIdempotencyStore:
    """`begin` decides in one transaction that holds the key's row: PostgreSQL locks it (FOR UPDATE,
    after an insert that waits for a concurrent one); SQLite's engine begins IMMEDIATE, taking the
    write lock before the first read. Of concurrent callers with one key, one starts.

    A running claim lapses with its lease (its request renews it while alive): then a request with
    the same body takes it over; an answer kept long enough frees the key for any body.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @translated
    async def begin(self, scope: str, key: str, fingerprint: str, now: datetime, lease_seconds: int) -> Outcome:
        lease_end = now + timedelta(seconds=lease_seconds)
        fresh = {
            "fingerprint": fingerprint,
            "status": None,
            "body": None,
            "locked_until": lease_end,
            "expires_at": lease_end,
            "created_at": now,
        }
        async with self._engine.begin() as connection:
            row = await self._claim_or_read(connection, scope, key, fresh)
            if row is None:
                return Started()
            lapsed = row["expires_at"] <= now
            if row["fingerprint"] != fingerprint and (row["status"] is None or not lapsed):
                return Reused()
            if lapsed:
                await connection.execute(update(keys).where(keys.c.scope == scope, keys.c.key == key).values(fresh))
                return Started()
            if row["status"] is not None:
                return Replay(row["status"], bytes(row["body"] or b""))
            return InProgress(retry_after=seconds_left(row["locked_until"], now))

    @translated
    async def renew(self, scope: str, key: str, now: datetime, lease_seconds: int) -> bool:
        lease_end = now + timedelta(seconds=lease_seconds)
        async with self._engine.begin() as connection:
            renewed = await connection.execute(
                update(keys)
                .where(keys.c.scope == scope, keys.c.key == key, keys.c.status.is_(None))
                .values(locked_until=lease_end, expires_at=lease_end)
            )
            return bool(renewed.rowcount)

    async def _claim_or_read(
        self, connection: AsyncConnection, scope: str, key: str, fresh: dict[str, Any]
    ) -> RowMapping | None:
        """None when this call inserted the key; else the row there, locked until the transaction ends."""
        insert = insert_new(keys, connection.dialect.name).values(scope=scope, key=key, **fresh)
        for _ in range(3):  # the row may be deleted between the insert and the read: then insert again
            if (await connection.execute(insert)).rowcount == 1:
                return None
            found = select(keys).where(keys.c.scope == scope, keys.c.key == key).with_for_update()
            row = (await connection.execute(found)).mappings().first()
            if row is not None:
                return row
        raise ConcurrentUpdate("this Idempotency-Key is changing under heavy contention; try again")

    @translated
    async def finish(self, scope: str, key: str, status: int, body: bytes, now: datetime, keep_seconds: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(keys)
                .where(keys.c.scope == scope, keys.c.key == key)
                .values(status=status, body=body, expires_at=now + timedelta(seconds=keep_seconds))
            )

    @translated
    async def forget(self, scope: str, key: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(keys).where(keys.c.scope == scope, keys.c.key == key, keys.c.status.is_(None))
            )

    @translated
    async def purge(self, now: datetime) -> int:
        async with self._engine.begin() as connection:
            return (await connection.execute(delete(keys).where(keys.c.expires_at <= now))).rowcount
