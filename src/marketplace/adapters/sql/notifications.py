"""The notification centre in SQL: short transactions of their own, outside any unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql.base import insert_new
from marketplace.adapters.sql.engine import read_only
from marketplace.adapters.sql.errors import translated
from marketplace.adapters.sql.tables import notification_preferences as choices
from marketplace.adapters.sql.tables import notifications
from marketplace.application.ports.notifications import Position
from marketplace.domain.notifications.notification import Channels, Notification, NotificationKind, Preferences

MAX_IDS = 500  # more than any caller sends (the API allows 100); bounds the IN list


class SqlNotificationStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @translated
    async def add(self, notification: Notification) -> bool:
        async with self._engine.begin() as connection:
            insert = insert_new(notifications, connection.dialect.name).values(_row(notification))
            return (await connection.execute(insert)).rowcount == 1

    @translated
    async def list(self, user_id: str, unread_only: bool, before: Position | None, limit: int) -> list[Notification]:
        n = notifications.c
        query = select(notifications).where(n.user_id == user_id)
        if unread_only:
            query = query.where(n.read_at.is_(None))
        if before is not None:
            at, last_id = before
            query = query.where(or_(n.created_at < at, and_(n.created_at == at, n.id < last_id)))
        query = query.order_by(n.created_at.desc(), n.id.desc()).limit(limit)
        async with read_only(self._engine).connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [_notification(row) for row in rows]

    @translated
    async def unread_count(self, user_id: str) -> int:
        async with read_only(self._engine).connect() as connection:
            return await self._unread(connection, user_id)

    @translated
    async def mark_read(self, user_id: str, ids: Sequence[str] | None, now: datetime) -> int:
        n = notifications.c
        async with self._engine.begin() as connection:
            if ids is None or ids:
                chosen = update(notifications).where(n.user_id == user_id, n.read_at.is_(None))
                if ids is not None:
                    chosen = chosen.where(n.id.in_(list(dict.fromkeys(ids))[:MAX_IDS]))
                await connection.execute(chosen.values(read_at=now))
            return await self._unread(connection, user_id)

    @translated
    async def preferences(self, user_id: str) -> Preferences:
        query = select(choices).where(choices.c.user_id == user_id)
        async with read_only(self._engine).connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        chosen = {}
        for row in rows:
            try:
                chosen[NotificationKind(row["kind"])] = Channels(in_app=row["in_app"], email=row["email"])
            except ValueError:
                continue  # a kind this version no longer knows
        return Preferences(chosen)

    @translated
    async def put_preferences(self, user_id: str, preferences: Preferences) -> None:
        rows = [
            {"user_id": user_id, "kind": kind.value, "in_app": channels.in_app, "email": channels.email}
            for kind, channels in preferences.every().items()
        ]
        async with self._engine.begin() as connection:
            await connection.execute(delete(choices).where(choices.c.user_id == user_id))
            await connection.execute(choices.insert(), rows)

    @staticmethod
    async def _unread(connection: Any, user_id: str) -> int:
        n = notifications.c
        query = select(func.count()).select_from(notifications).where(n.user_id == user_id, n.read_at.is_(None))
        return int((await connection.execute(query)).scalar_one())


def _row(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "user_id": notification.user_id,
        "kind": notification.kind.value,
        "title": notification.title,
        "body": notification.body,
        "data": notification.data,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "source": notification.source,
    }


def _notification(row: RowMapping) -> Notification:
    return Notification(
        id=row["id"],
        user_id=row["user_id"],
        kind=NotificationKind(row["kind"]),
        title=row["title"],
        body=row["body"],
        data=dict(row["data"]),
        created_at=row["created_at"],
        source=row["source"],
        read_at=row["read_at"],
    )
