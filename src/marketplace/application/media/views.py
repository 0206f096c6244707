"""Read models of media."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.domain.media.media import MediaObject


class UploadTicket(msgspec.Struct, frozen=True):
    media_id: str
    upload_url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class MediaDetail(msgspec.Struct, frozen=True):
    id: str
    url: str
    thumbnail_url: str | None
    content_type: str
    size: int
    purpose: str
    status: str

    @classmethod
    def of(cls, media: MediaObject, base_url: str) -> MediaDetail:
        """URLs point at the app, which checks who may see the media before handing out the bytes."""
        url = f"{base_url}/api/v1/media/{media.id}"
        return cls(
            id=media.id, url=url, thumbnail_url=f"{url}/thumbnail" if media.thumbnail_key else None,
            content_type=media.content_type, size=media.size, purpose=media.purpose.value, status=media.status.value,
        )
