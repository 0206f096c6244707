"""SQL repository of media objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, insert, select

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.tables import media
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.media.media import MediaObject, MediaStatus


def media_to_row(item: MediaObject) -> dict[str, Any]:
    return {
        "id": item.id,
        "owner_id": item.owner_id,
        "purpose": item.purpose.value,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "key": item.key,
        "status": item.status.value,
        "thumbnail_key": item.thumbnail_key,
        "created_at": item.created_at,
        "completed_at": item.completed_at,
        "attached_to": item.attached_to,
        "version": item.version,
    }


def media_to_domain(row: RowMapping) -> MediaObject:
    return MediaObject(
        id=row["id"],
        owner_id=row["owner_id"],
        purpose=Purpose(row["purpose"]),
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        key=row["key"],
        created_at=row["created_at"],
        status=MediaStatus(row["status"]),
        thumbnail_key=row["thumbnail_key"],
        completed_at=row["completed_at"],
        attached_to=row["attached_to"],
        version=row["version"],
    )


class SqlMediaRepository(SqlRepository):
    async def add(self, item: MediaObject) -> None:
        await self._write(insert(media), media_to_row(item))
        self._session.touch(item)

    async def get(self, media_id: str) -> MediaObject | None:
        row = await self._one(select(media).where(media.c.id == media_id))
        return media_to_domain(row) if row else None

    async def save(self, item: MediaObject) -> None:
        await self._update_versioned(media, item, media_to_row(item))

    async def delete(self, media_id: str) -> None:
        await self._write(delete(media).where(media.c.id == media_id))

    async def pending_before(self, cutoff: datetime, limit: int) -> list[MediaObject]:
        statement = (
            select(media)
            .where(media.c.status == MediaStatus.PENDING.value, media.c.created_at < cutoff)
            .order_by(media.c.created_at, media.c.id)
            .limit(limit)
        )
        return [media_to_domain(row) for row in await self._all(statement)]

    async def created_before(self, cutoff: datetime, after_id: str | None, limit: int) -> list[MediaObject]:
        statement = select(media).where(media.c.created_at < cutoff)
        if after_id is not None:
            statement = statement.where(media.c.id > after_id)
        rows = await self._all(statement.order_by(media.c.id).limit(limit))
        return [media_to_domain(row) for row in rows]
