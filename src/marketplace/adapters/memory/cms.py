"""In-memory CMS repositories: the same contract as the SQL ones, the unique page slug included."""

from __future__ import annotations

from datetime import datetime

from marketplace.adapters.memory.repositories import _Repository
from marketplace.domain.cms.banner import CmsBanner
from marketplace.domain.cms.content import ContentStatus
from marketplace.domain.cms.page import CmsPage
from marketplace.domain.shared.errors import DuplicateSlug


class MemoryCmsPageRepository(_Repository[CmsPage]):
    table_name, versioned = "cms_pages", True

    def _check_slug(self, page: CmsPage) -> None:
        if any(p.slug == page.slug and p.id != page.id for p in self._table.rows()):
            raise DuplicateSlug(f"the page slug {page.slug!r} is taken")

    async def add(self, page: CmsPage) -> None:
        self._check_slug(page)
        self._insert(page)

    async def get(self, page_id: str) -> CmsPage | None:
        return self._get(page_id)

    async def get_by_slug(self, slug: str) -> CmsPage | None:
        found = next((p for p in self._table.rows() if p.slug == slug), None)
        return self._get(found.id) if found else None

    async def slug_taken(self, slug: str) -> bool:
        return any(p.slug == slug for p in self._table.rows())

    async def save(self, page: CmsPage) -> None:
        self._check_slug(page)
        self._update(page)

    async def newest(self, status: ContentStatus | None, before_id: str | None, limit: int) -> list[CmsPage]:
        found = [
            p
            for p in self._table.rows()
            if (status is None or p.status is status) and (before_id is None or p.id < before_id)
        ]
        return [self._present(p.id) for p in sorted(found, key=lambda p: p.id, reverse=True)[:limit]]


class MemoryCmsBannerRepository(_Repository[CmsBanner]):
    table_name, versioned = "cms_banners", True

    async def add(self, banner: CmsBanner) -> None:
        self._insert(banner)

    async def get(self, banner_id: str) -> CmsBanner | None:
        return self._get(banner_id)

    async def save(self, banner: CmsBanner) -> None:
        self._update(banner)

    async def newest(
        self, placement: str | None, status: ContentStatus | None, before_id: str | None, limit: int
    ) -> list[CmsBanner]:
        found = [
            b
            for b in self._table.rows()
            if (placement is None or b.placement == placement)
            and (status is None or b.status is status)
            and (before_id is None or b.id < before_id)
        ]
        return [self._present(b.id) for b in sorted(found, key=lambda b: b.id, reverse=True)[:limit]]

    async def published_until(self, now: datetime) -> list[CmsBanner]:
        found = [b for b in self._table.rows() if b.is_published and not b.has_ended(now)]
        return [self._present(b.id) for b in sorted(found, key=lambda b: b.id, reverse=True)]
