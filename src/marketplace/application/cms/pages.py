"""CMS pages: admins create, edit, publish and unpublish them and read drafts; anyone reads published ones.

Editing a published page keeps it published: the new content is what the public sees from the
moment the edit commits (the cache is invalidated right after). The body is rendered and sanitised
when it is written (off the event loop, before the transaction writes anything) and stored with its HTML.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from marketplace.application.cms.cache import CmsCache
from marketplace.application.cms.commands import Keep, PageChanges, PageInput, kept
from marketplace.application.cms.listing import before_id, status_of
from marketplace.application.cms.views import CachedPage, PageView, PublicPageView
from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import require_admin
from marketplace.application.ports.cms import CmsPageRepository
from marketplace.application.ports.markup import MarkupRenderer
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.shared.cursor import check_limit, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.domain.cms.page import CmsPage, check_body, check_slug
from marketplace.domain.shared.errors import DuplicateSlug
from marketplace.domain.shared.ids import is_id
from marketplace.domain.shared.text import is_slug


async def _render(renderer: MarkupRenderer, body: str) -> str:
    """Checked first (no rendering of what will be refused), then rendered off the event loop."""
    return await asyncio.to_thread(renderer.render, check_body(body))


async def _free(pages: CmsPageRepository, slug: str) -> None:
    if await pages.slug_taken(slug):
        raise DuplicateSlug(f"the page slug {slug!r} is taken")


async def _page(uow: UnitOfWork, page_id: str) -> CmsPage:
    page = await uow.cms_pages.get(page_id) if is_id(page_id) else None
    if page is None:
        raise NotFound("page", page_id)
    return page


@dataclass(frozen=True, slots=True)
class CreatePage:
    uow: UnitOfWorkFactory
    renderer: MarkupRenderer
    cache: CmsCache
    clock: Clock
    ids: IdGenerator

    async def __call__(self, admin_id: str, command: PageInput) -> PageView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            slug = check_slug(command.slug)
            html = await _render(self.renderer, command.body)
            page = CmsPage.draft(
                id=self.ids.new_id(),
                slug=slug,
                title=command.title,
                body=command.body,
                html=html,
                seo_title=command.seo_title,
                seo_description=command.seo_description,
                now=self.clock.now(),
            )
            await _free(uow.cms_pages, page.slug)
            await uow.cms_pages.add(page)
            await uow.commit()
        await self.cache.invalidate()  # a 404 cached for this slug is stale now
        return PageView.of(page)


@dataclass(frozen=True, slots=True)
class EditPage:
    uow: UnitOfWorkFactory
    renderer: MarkupRenderer
    cache: CmsCache
    clock: Clock

    async def __call__(self, admin_id: str, page_id: str, changes: PageChanges) -> PageView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            page = await _page(uow, page_id)
            slug = kept(changes.slug, page.slug)
            if slug != page.slug:
                await _free(uow.cms_pages, check_slug(slug))
            body, html = page.body, page.html
            if not isinstance(changes.body, Keep):
                body, html = changes.body, await _render(self.renderer, changes.body)
            page.edit(
                slug=slug,
                title=kept(changes.title, page.title),
                body=body,
                html=html,
                seo_title=kept(changes.seo_title, page.seo_title),
                seo_description=kept(changes.seo_description, page.seo_description),
                now=self.clock.now(),
            )
            await uow.cms_pages.save(page)
            await uow.commit()
        await self.cache.invalidate()
        return PageView.of(page)


@dataclass(frozen=True, slots=True)
class PublishPage:
    """Publishes a draft (`publish`), or takes a published page back to draft (not `publish`)."""

    uow: UnitOfWorkFactory
    cache: CmsCache
    clock: Clock
    publish: bool = True

    async def __call__(self, admin_id: str, page_id: str) -> PageView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            page = await _page(uow, page_id)
            page.publish(self.clock.now()) if self.publish else page.unpublish(self.clock.now())
            await uow.cms_pages.save(page)
            await uow.commit()
        await self.cache.invalidate()
        return PageView.of(page)


@dataclass(frozen=True, slots=True)
class ShowPage:
    """One page by id, drafts included (admins)."""

    uow: UnitOfWorkFactory

    async def __call__(self, admin_id: str, page_id: str) -> PageView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            return PageView.of(await _page(uow, page_id))


@dataclass(frozen=True, slots=True)
class ListPages:
    """Every page, newest first, drafts included (admins)."""

    uow: UnitOfWorkFactory

    async def __call__(self, admin_id: str, status: str | None, limit: int, cursor: str | None) -> Page[PageView]:
        limit = check_limit(limit)
        wanted = status_of(status)
        before = before_id(cursor, "cms-pages")
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            pages = await uow.cms_pages.newest(wanted, before, limit + 1)
        more, pages = len(pages) > limit, pages[:limit]
        return Page(
            items=[PageView.of(p) for p in pages],
            next_cursor=encode_cursor({"k": "cms-pages", "id": pages[-1].id}) if more else None,
        )


@dataclass(frozen=True, slots=True)
class ReadPublicPage:
    """A published page by slug, for anyone: answered from the cache when it can be (404s too)."""

    uow: UnitOfWorkFactory
    cache: CmsCache

    async def __call__(self, slug: str) -> PublicPageView:
        if not is_slug(slug):
            raise NotFound("page", slug)
        lookup = await self.cache.read(f"page:{slug}", CachedPage)
        cached = lookup.value
        if cached is None:
            async with self.uow() as uow:
                page = await uow.cms_pages.get_by_slug(slug)
            cached = CachedPage(PublicPageView.of(page) if page is not None and page.is_published else None)
            await self.cache.write(lookup, cached)
        if cached.page is None:
            raise NotFound("page", slug)
        return cached.page
