"""Where clients fetch media: app URLs, which check who may see the bytes before redirecting."""

from __future__ import annotations

from marketplace.application.catalog.views import MediaView


def media_url(base_url: str, media_id: str) -> str:
    return f"{base_url}/api/v1/media/{media_id}"


def thumbnail_url(base_url: str, media_id: str) -> str:
    return f"{media_url(base_url, media_id)}/thumbnail"


def media_view(base_url: str, media_id: str) -> MediaView:
    return MediaView(id=media_id, url=media_url(base_url, media_id), thumbnail_url=thumbnail_url(base_url, media_id))
