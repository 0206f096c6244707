"""ImageProcessor contract (Pillow): bounded WebP thumbnails; anything that is no image is refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from marketplace.adapters.images.pillow import MAX_PIXELS, PillowImageProcessor
from marketplace.domain.shared.errors import InvalidValue


def _image(size: tuple[int, int], kind: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 20, 30) if mode == "RGB" else (10, 20, 30, 128)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "kind", "mode"),
    [
        ((1200, 800), "PNG", "RGB"),
        ((300, 900), "JPEG", "RGB"),
        ((640, 640), "WEBP", "RGBA"),
        ((100, 50), "PNG", "RGBA"),
    ],
)
async def test_a_thumbnail_is_a_webp_within_the_bound_keeping_the_shape(
    size: tuple[int, int], kind: str, mode: str
) -> None:
    thumbnail = await PillowImageProcessor().thumbnail(_image(size, kind, mode), 320)
    picture = Image.open(io.BytesIO(thumbnail))
    assert picture.format == "WEBP" and max(picture.size) <= 320
    assert abs(picture.size[0] / picture.size[1] - size[0] / size[1]) < 0.05


@pytest.mark.parametrize(
    "data", [b"", b"#!/bin/sh\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff" + b"1" * 50]
)
async def test_bytes_that_are_no_readable_image_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidValue):
        await PillowImageProcessor().thumbnail(data, 320)


async def test_an_image_with_too_many_pixels_is_refused_without_decoding_it() -> None:
    side = int(MAX_PIXELS**0.5) + 100
    huge = _image((side, side), "PNG")  # a flat colour compresses to a few kilobytes: a decompression bomb
    with pytest.raises(InvalidValue):
        await PillowImageProcessor().thumbnail(huge, 320)
