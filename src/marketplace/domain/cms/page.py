"""The CMS page aggregate: a slug, a title, a Markdown body with its sanitised HTML, SEO fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from marketplace.domain.cms.content import ContentStatus, check_markdown
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.text import MAX_SLUG, clean_text, is_slug

MAX_TITLE = 200
MAX_SEO_TITLE = 120
MAX_SEO_DESCRIPTION = 320
MAX_BODY_BYTES = 100_000


@dataclass(frozen=True, slots=True)
class CmsPagePublished(DomainEvent):
    topic: ClassVar[str] = "CmsPagePublished"

    page_id: str
    slug: str


@dataclass(frozen=True, slots=True)
class CmsPageUnpublished(DomainEvent):
    topic: ClassVar[str] = "CmsPageUnpublished"

    page_id: str
    slug: str


def check_slug(slug: str) -> str:
    if not is_slug(slug):
        raise InvalidValue(
            "slug", f"must be lower-case letters and digits joined by single hyphens, at most {MAX_SLUG}"
        )
    return slug


def check_body(body: str) -> str:
    return check_markdown("body", body, max_bytes=MAX_BODY_BYTES)


def _optional(field: str, value: str | None, max_length: int) -> str | None:
    """Blank means absent."""
    if value is None:
        return None
    return clean_text(field, value, min_length=0, max_length=max_length) or None


@dataclass(eq=False)
class CmsPage(Aggregate):
    """`html` is `body` rendered and sanitised by whoever writes the page (the domain renders nothing);
    the two always change together."""

    id: str
    slug: str
    title: str
    body: str
    html: str
    seo_title: str | None
    seo_description: str | None
    created_at: datetime
    updated_at: datetime
    status: ContentStatus = ContentStatus.DRAFT
    published_at: datetime | None = None
    version: int = 0

    @classmethod
    def draft(
        cls,
        *,
        id: str,
        slug: str,
        title: str,
        body: str,
        html: str,
        seo_title: str | None,
        seo_description: str | None,
        now: datetime,
    ) -> CmsPage:
        page = cls(
            id=id,
            slug="-",
            title="-",
            body="-",
            html="",
            seo_title=None,
            seo_description=None,
            created_at=now,
            updated_at=now,
        )
        page.edit(
            slug=slug, title=title, body=body, html=html, seo_title=seo_title, seo_description=seo_description, now=now
        )
        return page

    @property
    def is_published(self) -> bool:
        return self.status is ContentStatus.PUBLISHED

    def edit(
        self,
        *,
        slug: str,
        title: str,
        body: str,
        html: str,
        seo_title: str | None,
        seo_description: str | None,
        now: datetime,
    ) -> None:
        """Replaces the content. A published page stays published and shows the new content at once."""
        slug = check_slug(slug)
        title = clean_text("title", title, max_length=MAX_TITLE)
        body = check_body(body)
        seo_title = _optional("seo_title", seo_title, MAX_SEO_TITLE)
        seo_description = _optional("seo_description", seo_description, MAX_SEO_DESCRIPTION)
        self.slug, self.title, self.body, self.html = slug, title, body, html
        self.seo_title, self.seo_description = seo_title, seo_description
        self.updated_at = now

    def publish(self, now: datetime) -> None:
        if self.is_published:
            raise IllegalTransition("the page is already published")
        self.status = ContentStatus.PUBLISHED
        self.published_at = self.published_at or now
        self.updated_at = now
        self.record(CmsPagePublished(page_id=self.id, slug=self.slug))

    def unpublish(self, now: datetime) -> None:
        if not self.is_published:
            raise IllegalTransition("the page is not published")
        self.status = ContentStatus.DRAFT
        self.updated_at = now
        self.record(CmsPageUnpublished(page_id=self.id, slug=self.slug))
