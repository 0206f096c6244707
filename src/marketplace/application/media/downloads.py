"""Downloads: a short-lived URL to the bytes, only for those who may see the media."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import viewer_of
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.storage import ObjectStorage
from marketplace.domain.media.media import MediaObject
from marketplace.domain.shared.ids import is_id

DOWNLOAD_SECONDS = 300


@dataclass(frozen=True, slots=True)
class DownloadMedia:
    """The uploader and admins see their media; anyone sees what a product they may see shows; the
    participants of a conversation see its attachments."""

    uow: UnitOfWorkFactory
    storage: ObjectStorage
    queries: CatalogQueries
    chat: ChatStore | None = None

    async def __call__(self, viewer_id: str | None, media_id: str, thumbnail: bool = False) -> str:
        async with self.uow() as uow:
            media = await uow.media.get(media_id) if is_id(media_id) else None
            viewer = await viewer_of(uow, viewer_id)
        if media is None or not media.is_ready:
            raise NotFound("media", media_id)
        if not (viewer.is_admin or media.belongs_to(viewer_id or "") or await self._shown(media, viewer_id)):
            raise NotFound("media", media_id)
        key = media.thumbnail_key if thumbnail else media.key
        if key is None:
            raise NotFound("thumbnail of media", media_id)
        return await self.storage.presign_get(key, DOWNLOAD_SECONDS)

    async def _shown(self, media: MediaObject, viewer_id: str | None) -> bool:
        """Whether a product the viewer may see still shows this media."""
        kind, _, target = (media.attached_to or "").partition(":")
        if kind == "store":
            async with self.uow() as uow:
                store = await uow.stores.get(target)
            return (
                store is not None
                and store.logo_media_id == media.id
                and (store.is_active or store.is_owned_by(viewer_id))
            )
        if kind == "review":
            async with self.uow() as uow:
                review = await uow.reviews.get(target)
            return review is not None and review.counts and media.id in review.media_ids
        if kind == "banner":  # a published banner's image is public (drafts: admins and the uploader)
            async with self.uow() as uow:
                banner = await uow.cms_banners.get(target)
            return banner is not None and banner.media_id == media.id and banner.is_published
        if kind == "conversation":
            conversation = await self.chat.get(target) if self.chat is not None else None
            if conversation is None or viewer_id is None:
                return False
            if conversation.buyer_id == viewer_id:
                return True
            async with self.uow() as uow:
                store = await uow.stores.get(conversation.store_id)
            return store is not None and store.is_owned_by(viewer_id)
        if kind != "product":
            return False
        record = await self.queries.product(target)
        if record is None or not (record.public or record.owner_id == viewer_id):
            return False
        return any(item.id == media.id for item in record.detail.media)
