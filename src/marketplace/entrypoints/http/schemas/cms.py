"""Request bodies of CMS pages and banners (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from marketplace.application.cms.commands import KEEP, BannerChanges, BannerInput, PageChanges, PageInput
from marketplace.entrypoints.http.schemas.common import Body, Uuid, text
from marketplace.entrypoints.http.schemas.patterns import LINK, MARKDOWN, PLACEMENT

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET

Slug = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=80,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="lower-case letters and digits joined by single hyphens",
    ),
]
Placement = Annotated[
    str, Meta(min_length=1, max_length=40, pattern=PLACEMENT, description="where the banner shows, e.g. `home-hero`")
]
Title = Annotated[str, text(1, 200)]
Markdown = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100_000,
        pattern=MARKDOWN,
        description="Markdown (CommonMark, tables, strikethrough), at most 100,000 bytes",
    ),
]
SeoTitle = Annotated[str, text(0, 120)]
SeoDescription = Annotated[str, text(0, 320)]
BannerTitle = Annotated[str, text(1, 120)]
Link = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=2000,
        pattern=LINK,
        description="an http(s) URL, or a path on this site starting with a single /",
    ),
]
MediaId = Annotated[Uuid, Meta(description="a completed `cms_image` upload of yours")]
Instant = Annotated[datetime, Meta(tz=True, description="RFC 3339 with a time zone")]


def _change(value: Any) -> Any:
    return KEEP if value is UNSET else value


class PageBody(Body, kw_only=True):
    slug: Slug
    title: Title
    body: Markdown
    seo_title: SeoTitle | None = None
    seo_description: SeoDescription | None = None

    def to_input(self) -> PageInput:
        return PageInput(
            slug=self.slug,
            title=self.title,
            body=self.body,
            seo_title=self.seo_title,
            seo_description=self.seo_description,
        )


class PagePatch(Body, kw_only=True):
    slug: Slug | Unset = UNSET
    title: Title | Unset = UNSET
    body: Markdown | Unset = UNSET
    seo_title: SeoTitle | None | Unset = UNSET
    seo_description: SeoDescription | None | Unset = UNSET

    def to_changes(self) -> PageChanges:
        return PageChanges(**{name: _change(getattr(self, name)) for name in self.__struct_fields__})


class BannerBody(Body, kw_only=True):
    placement: Placement
    title: BannerTitle
    link_url: Link
    media_id: MediaId | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None

    def to_input(self) -> BannerInput:
        return BannerInput(
            placement=self.placement,
            title=self.title,
            link_url=self.link_url,
            media_id=self.media_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
        )


class BannerPatch(Body, kw_only=True):
    placement: Placement | Unset = UNSET
    title: BannerTitle | Unset = UNSET
    link_url: Link | Unset = UNSET
    media_id: MediaId | None | Unset = UNSET
    starts_at: Instant | None | Unset = UNSET
    ends_at: Instant | None | Unset = UNSET

    def to_changes(self) -> BannerChanges:
        return BannerChanges(**{name: _change(getattr(self, name)) for name in self.__struct_fields__})
