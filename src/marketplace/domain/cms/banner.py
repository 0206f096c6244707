"""The CMS banner aggregate: a title, an image and a link shown at a placement inside a time window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from marketplace.domain.cms.content import ContentStatus, check_link, check_time
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.text import clean_text

MAX_PLACEMENT = 40
MAX_TITLE = 120
PLACEMENT_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class CmsBannerPublished(DomainEvent):
    topic: ClassVar[str] = "CmsBannerPublished"

    banner_id: str
    placement: str


@dataclass(frozen=True, slots=True)
class CmsBannerUnpublished(DomainEvent):
    topic: ClassVar[str] = "CmsBannerUnpublished"

    banner_id: str
    placement: str


def check_placement(placement: str) -> str:
    if len(placement) > MAX_PLACEMENT or not PLACEMENT_PATTERN.fullmatch(placement):
        raise InvalidValue(
            "placement", f"must be lower-case letters and digits joined by - or _, at most {MAX_PLACEMENT}"
        )
    return placement


@dataclass(eq=False)
class CmsBanner(Aggregate):
    """Served while published and `starts_at <= now < ends_at` (an open end is no limit)."""

    id: str
    placement: str
    title: str
    link_url: str
    media_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None
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
        placement: str,
        title: str,
        link_url: str,
        media_id: str | None,
        starts_at: datetime | None,
        ends_at: datetime | None,
        now: datetime,
    ) -> CmsBanner:
        banner = cls(
            id=id,
            placement="-",
            title="-",
            link_url="/",
            media_id=None,
            starts_at=None,
            ends_at=None,
            created_at=now,
            updated_at=now,
        )
        banner.edit(
            placement=placement,
            title=title,
            link_url=link_url,
            media_id=media_id,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
        )
        return banner

    @property
    def is_published(self) -> bool:
        return self.status is ContentStatus.PUBLISHED

    def in_window(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at is not None and self.ends_at <= now

    def is_live(self, now: datetime) -> bool:
        return self.is_published and self.in_window(now)

    def edit(
        self,
        *,
        placement: str,
        title: str,
        link_url: str,
        media_id: str | None,
        starts_at: datetime | None,
        ends_at: datetime | None,
        now: datetime,
    ) -> None:
        """Replaces the content and window. A published banner stays published; moving its end into
        the past ends it early."""
        placement = check_placement(placement)
        title = clean_text("title", title, max_length=MAX_TITLE)
        link_url = check_link("link_url", link_url)
        starts_at, ends_at = check_time("starts_at", starts_at), check_time("ends_at", ends_at)
        if starts_at is not None and ends_at is not None and not starts_at < ends_at:
            raise InvalidValue("ends_at", "must be after starts_at")
        self.placement, self.title, self.link_url, self.media_id = placement, title, link_url, media_id
        self.starts_at, self.ends_at = starts_at, ends_at
        self.updated_at = now

    def publish(self, now: datetime) -> None:
        if self.is_published:
            raise IllegalTransition("the banner is already published")
        self.status = ContentStatus.PUBLISHED
        self.published_at = self.published_at or now
        self.updated_at = now
        self.record(CmsBannerPublished(banner_id=self.id, placement=self.placement))

    def unpublish(self, now: datetime) -> None:
        if not self.is_published:
            raise IllegalTransition("the banner is not published")
        self.status = ContentStatus.DRAFT
        self.updated_at = now
        self.record(CmsBannerUnpublished(banner_id=self.id, placement=self.placement))
