"""Read models of media."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from marketplace.domain.media.media import MediaObject


class UploadTicket(msgspec.Struct, frozen=True):
    """How to send the bytes: a PUT of the file with `headers`, or (on MinIO/S3) a multipart/form-data
    POST of every `fields` entry followed by the file as the `file` part."""

    media_id: str
    upload_url: str
    method: Annotated[str, msgspec.Meta(description="`PUT` (local folder, memory) or `POST` (MinIO/S3)")]
    headers: Annotated[dict[str, str], msgspec.Meta(description="headers to send with the request")]
    fields: Annotated[
        dict[str, str],
        msgspec.Meta(description="form fields to send before the file in a multipart POST; empty for a PUT"),
    ]
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
            id=media.id,
            url=url,
            thumbnail_url=f"{url}/thumbnail" if media.thumbnail_key else None,
            content_type=media.content_type,
            size=media.size,
            purpose=media.purpose.value,
            status=media.status.value,
        )
