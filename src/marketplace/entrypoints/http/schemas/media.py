"""Request bodies of media."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from marketplace.entrypoints.http.schemas.common import Body

Purpose = Literal["product_image", "review_photo", "chat_attachment", "cms_image", "store_logo"]


class UploadBody(Body, kw_only=True):
    filename: Annotated[str, Meta(min_length=1, max_length=255)]
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size: Annotated[int, Meta(ge=1, le=10 * 1024 * 1024, description="bytes the client will upload")]
    purpose: Purpose
