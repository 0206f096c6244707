"""Read models of CMS pages and banners."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.media.links import media_url
from marketplace.domain.cms.banner import CmsBanner
from marketplace.domain.cms.page import CmsPage


class PageView(msgspec.Struct, frozen=True):
    id: str
    slug: str
    title: str
    body: str  # the Markdown as written
    html: str  # the body rendered and sanitised: safe to insert as it is
    status: str
    seo_title: str | None
    seo_description: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, page: CmsPage) -> PageView:
        return cls(
            id=page.id,
            slug=page.slug,
            title=page.title,
            body=page.body,
            html=page.html,
            status=page.status.value,
            seo_title=page.seo_title,
            seo_description=page.seo_description,
            created_at=page.created_at,
            updated_at=page.updated_at,
            published_at=page.published_at,
        )


class PublicPageView(msgspec.Struct, frozen=True):
    """A published page as anyone reads it: its sanitised HTML, never the Markdown as written (which
    may hold whatever an admin pasted, scripts included)."""

    id: str
    slug: str
    title: str
    html: str
    status: str
    seo_title: str | None
    seo_description: str | None
    updated_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, page: CmsPage) -> PublicPageView:
        return cls(
            id=page.id,
            slug=page.slug,
            title=page.title,
            html=page.html,
            status=page.status.value,
            seo_title=page.seo_title,
            seo_description=page.seo_description,
            updated_at=page.updated_at,
            published_at=page.published_at,
        )


class BannerView(msgspec.Struct, frozen=True):
    id: str
    placement: str
    title: str
    media_id: str | None
    image_url: str | None
    link_url: str
    starts_at: datetime | None
    ends_at: datetime | None
    status: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, banner: CmsBanner, base_url: str) -> BannerView:
        return cls(
            id=banner.id,
            placement=banner.placement,
            title=banner.title,
            media_id=banner.media_id,
            image_url=media_url(base_url, banner.media_id) if banner.media_id else None,
            link_url=banner.link_url,
            starts_at=banner.starts_at,
            ends_at=banner.ends_at,
            status=banner.status.value,
            created_at=banner.created_at,
            updated_at=banner.updated_at,
            published_at=banner.published_at,
        )

    def in_window(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)


class CachedPage(msgspec.Struct, frozen=True):
    """A public page as cached: None when no published page has the slug (a 404 is cached too)."""

    page: PublicPageView | None
