"""Uploads go straight to storage: ask for a short-lived ticket, send the bytes, then complete.

The ticket writes only the media's staging key. Completion first moves the object to its final key,
out of the ticket's reach, then trusts nothing the client said: it reads the moved object's real
size, first bytes and stored type, and refuses (deleting the object) what is not the announced image
or breaks the purpose's limits. So what was checked is what is served, whatever the ticket sends
later. Images get a WebP thumbnail stored beside the original.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import current_user
from marketplace.application.media.views import MediaDetail, UploadTicket
from marketplace.application.ports.images import THUMBNAIL_TYPE, ImageProcessor
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.storage import ObjectStorage
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.media.kinds import SNIFF_BYTES, purpose_of
from marketplace.domain.media.media import MediaObject
from marketplace.domain.shared.errors import Conflict, InvalidValue

UPLOAD_SECONDS = 900
THUMBNAIL_SIDE = 320


@dataclass(frozen=True, slots=True)
class UploadRequest:
    filename: str
    content_type: str
    size: int
    purpose: str


@dataclass(frozen=True, slots=True)
class RequestUpload:
    uow: UnitOfWorkFactory
    storage: ObjectStorage
    clock: Clock
    ids: IdGenerator

    async def __call__(self, user_id: str, request: UploadRequest) -> UploadTicket:
        media = MediaObject.request(
            id=self.ids.new_id(),
            owner_id=user_id,
            purpose=purpose_of(request.purpose),
            filename=request.filename,
            content_type=request.content_type,
            size=request.size,
            now=self.clock.now(),
        )
        async with self.uow() as uow:
            await current_user(uow, user_id)
            await uow.media.add(media)
            await uow.commit()
        presigned = await self.storage.presign_upload(media.key, media.content_type, media.size, UPLOAD_SECONDS)
        return UploadTicket(
            media_id=media.id,
            upload_url=presigned.url,
            method=presigned.method,
            headers=presigned.headers,
            fields=presigned.fields,
            expires_at=presigned.expires_at,
        )


@dataclass(frozen=True, slots=True)
class CompleteUpload:
    uow: UnitOfWorkFactory
    storage: ObjectStorage
    images: ImageProcessor
    clock: Clock
    base_url: str

    async def __call__(self, user_id: str, media_id: str) -> MediaDetail:
        async with self.uow() as uow:
            media = await uow.media.get(media_id)
            if media is None or not media.belongs_to(user_id):
                raise NotFound("media", media_id)
            if media.is_ready:
                return MediaDetail.of(media, self.base_url)  # completing twice is harmless
            thumbnail = await self._check(media)
            media.complete(self.clock.now(), media.thumbnail_target if thumbnail else None)
            await uow.media.save(media)
            await uow.commit()
        return MediaDetail.of(media, self.base_url)

    async def _check(self, media: MediaObject) -> bool:
        """Moves the upload to its final key, checks the bytes there and writes the thumbnail; refused
        bytes are deleted. Checking after the move means a write racing the check cannot slip past it.
        An upload moved by an earlier attempt that did not commit is found at the final key."""
        final = media.final_key
        if media.key != final:  # records of the old layout were uploaded straight to their final key
            await self.storage.move(media.key, final)
        stored = await self.storage.head(final)
        if stored is None:
            raise Conflict("nothing was uploaded for this media yet")
        try:
            media.check_stored(stored.size, await self.storage.read(final, SNIFF_BYTES) or b"", stored.content_type)
            if not media.wants_thumbnail:
                return False
            data = await self.storage.read(final)
            if data is None:
                raise Conflict("the upload disappeared while it was checked")
            thumbnail = await self.images.thumbnail(data, THUMBNAIL_SIDE)
        except InvalidValue:
            await self.storage.delete(final)
            raise
        await self.storage.put(media.thumbnail_target, thumbnail, THUMBNAIL_TYPE)
        return True
