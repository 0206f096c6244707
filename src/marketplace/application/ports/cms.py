"""Where CMS pages and banners are kept (repositories of the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.cms.banner import CmsBanner
from marketplace.domain.cms.content import ContentStatus
from marketplace.domain.cms.page import CmsPage


class CmsPageRepository(Protocol):
    async def add(self, page: CmsPage) -> None:
        """Raises DuplicateSlug when another page has the slug."""
        ...

    async def get(self, page_id: str) -> CmsPage | None: ...

    async def get_by_slug(self, slug: str) -> CmsPage | None: ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def save(self, page: CmsPage) -> None:
        """Raises ConcurrentUpdate when the stored version moved on, DuplicateSlug when the new slug is taken."""
        ...

    async def newest(self, status: ContentStatus | None, before_id: str | None, limit: int) -> list[CmsPage]:
        """Newest first (by id), older than `before_id` when given; only `status` when given."""
        ...


class CmsBannerRepository(Protocol):
    async def add(self, banner: CmsBanner) -> None: ...

    async def get(self, banner_id: str) -> CmsBanner | None: ...

    async def save(self, banner: CmsBanner) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def newest(
        self, placement: str | None, status: ContentStatus | None, before_id: str | None, limit: int
    ) -> list[CmsBanner]:
        """Newest first (by id), older than `before_id` when given; only `placement` and `status` when given."""
        ...

    async def published_until(self, now: datetime) -> list[CmsBanner]:
        """Every published banner whose window has not ended at `now` (open-ended ones included, those
        not started yet too), newest first."""
        ...
