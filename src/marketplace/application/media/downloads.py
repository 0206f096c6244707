"""Downloads: a short-lived URL to the bytes, only for those who may see the media."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import viewer_of
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.storage import ObjectStorage

DOWNLOAD_SECONDS = 300


@dataclass(frozen=True, slots=True)
class DownloadMedia:
    """For now the uploader (and admins) see a media object; attachments will widen this."""

    uow: UnitOfWorkFactory
    storage: ObjectStorage

    async def __call__(self, viewer_id: str | None, media_id: str, thumbnail: bool = False) -> str:
        async with self.uow() as uow:
            media = await uow.media.get(media_id)
            viewer = await viewer_of(uow, viewer_id)
        if media is None or not media.is_ready or not (viewer.is_admin or media.belongs_to(viewer_id or "")):
            raise NotFound("media", media_id)
        key = media.thumbnail_key if thumbnail else media.key
        if key is None:
            raise NotFound("thumbnail of media", media_id)
        return await self.storage.presign_get(key, DOWNLOAD_SECONDS)
