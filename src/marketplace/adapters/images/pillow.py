"""Thumbnails with Pillow, off the event loop, refusing decompression bombs and broken files."""

from __future__ import annotations

import asyncio
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.domain.shared.errors import InvalidValue

MAX_PIXELS = 40_000_000  # about 6,300 x 6,300: larger images are refused, not decoded


class PillowImageProcessor:
    async def thumbnail(self, data: bytes, max_side: int) -> bytes:
        return await asyncio.to_thread(_thumbnail, data, max_side)


def _thumbnail(data: bytes, max_side: int) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InvalidValue("file", f"the image has more than {MAX_PIXELS} pixels")
                image.load()
                picture = ImageOps.exif_transpose(image) or image
                picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
                picture.thumbnail((max_side, max_side))
                out = io.BytesIO()
                picture.save(out, format="WEBP", quality=80, method=4)
                return out.getvalue()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise InvalidValue("file", "the file is not a readable image") from error
