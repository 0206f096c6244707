"""SQL repositories of CMS pages and banners."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, insert, or_, select

from marketplace.adapters.sql.base import Duplicates, SqlRepository
from marketplace.adapters.sql.tables import cms_banners, cms_pages
from marketplace.domain.cms.banner import CmsBanner
from marketplace.domain.cms.content import ContentStatus
from marketplace.domain.cms.page import CmsPage
from marketplace.domain.shared.errors import DuplicateSlug


def page_to_row(page: CmsPage) -> dict[str, Any]:
    return {
        "id": page.id,
        "slug": page.slug,
        "title": page.title,
        "body": page.body,
        "html": page.html,
        "seo_title": page.seo_title,
        "seo_description": page.seo_description,
        "status": page.status.value,
        "created_at": page.created_at,
        "updated_at": page.updated_at,
        "published_at": page.published_at,
        "version": page.version,
    }


def page_to_domain(row: RowMapping) -> CmsPage:
    return CmsPage(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        body=row["body"],
        html=row["html"],
        seo_title=row["seo_title"],
        seo_description=row["seo_description"],
        status=ContentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
        version=row["version"],
    )


def banner_to_row(banner: CmsBanner) -> dict[str, Any]:
    return {
        "id": banner.id,
        "placement": banner.placement,
        "title": banner.title,
        "link_url": banner.link_url,
        "media_id": banner.media_id,
        "starts_at": banner.starts_at,
        "ends_at": banner.ends_at,
        "status": banner.status.value,
        "created_at": banner.created_at,
        "updated_at": banner.updated_at,
        "published_at": banner.published_at,
        "version": banner.version,
    }


def banner_to_domain(row: RowMapping) -> CmsBanner:
    return CmsBanner(
        id=row["id"],
        placement=row["placement"],
        title=row["title"],
        link_url=row["link_url"],
        media_id=row["media_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        status=ContentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
        version=row["version"],
    )


def _slug(page: CmsPage) -> Duplicates:
    return {"cms_pages.slug": lambda _: DuplicateSlug(f"the page slug {page.slug!r} is taken")}


class SqlCmsPageRepository(SqlRepository):
    async def add(self, page: CmsPage) -> None:
        await self._write(insert(cms_pages), page_to_row(page), duplicates=_slug(page))
        self._session.touch(page)

    async def get(self, page_id: str) -> CmsPage | None:
        row = await self._one(select(cms_pages).where(cms_pages.c.id == page_id))
        return page_to_domain(row) if row else None

    async def get_by_slug(self, slug: str) -> CmsPage | None:
        row = await self._one(select(cms_pages).where(cms_pages.c.slug == slug))
        return page_to_domain(row) if row else None

    async def slug_taken(self, slug: str) -> bool:
        return await self._one(select(cms_pages.c.id).where(cms_pages.c.slug == slug).limit(1)) is not None

    async def save(self, page: CmsPage) -> None:
        await self._update_versioned(cms_pages, page, page_to_row(page), duplicates=_slug(page))

    async def newest(self, status: ContentStatus | None, before_id: str | None, limit: int) -> list[CmsPage]:
        statement = select(cms_pages)
        if status is not None:
            statement = statement.where(cms_pages.c.status == status.value)
        if before_id is not None:
            statement = statement.where(cms_pages.c.id < before_id)
        rows = await self._all(statement.order_by(cms_pages.c.id.desc()).limit(limit))
        return [page_to_domain(row) for row in rows]


class SqlCmsBannerRepository(SqlRepository):
    async def add(self, banner: CmsBanner) -> None:
        await self._write(insert(cms_banners), banner_to_row(banner))
        self._session.touch(banner)

    async def get(self, banner_id: str) -> CmsBanner | None:
        row = await self._one(select(cms_banners).where(cms_banners.c.id == banner_id))
        return banner_to_domain(row) if row else None

    async def save(self, banner: CmsBanner) -> None:
        await self._update_versioned(cms_banners, banner, banner_to_row(banner))

    async def newest(
        self, placement: str | None, status: ContentStatus | None, before_id: str | None, limit: int
    ) -> list[CmsBanner]:
        statement = select(cms_banners)
        if placement is not None:
            statement = statement.where(cms_banners.c.placement == placement)
        if status is not None:
            statement = statement.where(cms_banners.c.status == status.value)
        if before_id is not None:
            statement = statement.where(cms_banners.c.id < before_id)
        rows = await self._all(statement.order_by(cms_banners.c.id.desc()).limit(limit))
        return [banner_to_domain(row) for row in rows]

    async def published_until(self, now: datetime) -> list[CmsBanner]:
        statement = (
            select(cms_banners)
            .where(
                cms_banners.c.status == ContentStatus.PUBLISHED.value,
                or_(cms_banners.c.ends_at.is_(None), cms_banners.c.ends_at > now),
            )
            .order_by(cms_banners.c.id.desc())
        )
        return [banner_to_domain(row) for row in await self._all(statement)]
