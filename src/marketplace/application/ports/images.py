"""Image work the media context needs: thumbnails."""

from __future__ import annotations

from typing import Protocol

THUMBNAIL_TYPE = "image/webp"


class ImageProcessor(Protocol):
    async def thumbnail(self, data: bytes, max_side: int) -> bytes:
        """A WebP no larger than `max_side` on either side; InvalidValue when the bytes are no image."""
        ...
