"""Ports of the media context: the media repository."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.media.media import MediaObject


class MediaRepository(Protocol):
    async def add(self, media: MediaObject) -> None: ...

    async def get(self, media_id: str) -> MediaObject | None: ...

    async def save(self, media: MediaObject) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def delete(self, media_id: str) -> None: ...

    async def pending_before(self, cutoff: datetime, limit: int) -> list[MediaObject]:
        """Uploads never completed, requested before `cutoff`, oldest first."""
        ...

    async def created_before(self, cutoff: datetime, after_id: str | None, limit: int) -> list[MediaObject]:
        """Every media object requested before `cutoff`, by id, after `after_id` (keyset paging)."""
        ...
