"""CmsPageRepository and CmsBannerRepository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.cms.banner import CmsBanner
from marketplace.domain.cms.content import ContentStatus
from marketplace.domain.cms.page import CmsPage
from marketplace.domain.shared.errors import ConcurrentUpdate, DuplicateSlug
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import T0, Backend, fetch, is_utc

HOUR = timedelta(hours=1)


def a_page(slug: str | None = None, *, published: bool = False) -> CmsPage:
    page_id = new_id()
    page = CmsPage.draft(
        id=page_id,
        slug=slug or f"page-{page_id[-12:]}",
        title="Tentang kami",
        body="# Halo\n\nÜber *uns* ✓",
        html="<h1>Halo</h1>\n<p>Über <em>uns</em> ✓</p>",
        seo_title="Tentang",
        seo_description="Siapa kami",
        now=T0,
    )
    if published:
        page.publish(T0 + HOUR)
    page.pull_events()
    return page


def a_banner(
    placement: str = "home-hero",
    *,
    published: bool = False,
    starts: timedelta | None = None,
    ends: timedelta | None = None,
    media_id: str | None = None,
) -> CmsBanner:
    banner = CmsBanner.draft(
        id=new_id(),
        placement=placement,
        title="Ramadan sale",
        link_url="https://example.com/sale",
        media_id=media_id,
        starts_at=T0 + starts if starts is not None else None,
        ends_at=T0 + ends if ends is not None else None,
        now=T0,
    )
    if published:
        banner.publish(T0 - 10 * HOUR)
    banner.pull_events()
    return banner


async def _add(backend: Backend, *items: CmsPage | CmsBanner) -> None:
    async with backend.uow() as uow:
        for item in items:
            await (uow.cms_pages.add(item) if isinstance(item, CmsPage) else uow.cms_banners.add(item))
        await uow.commit()


async def test_a_page_round_trips_by_id_and_slug(backend: Backend) -> None:
    page = a_page(published=True)
    await _add(backend, page)
    for stored in (
        await fetch(backend, lambda uow: uow.cms_pages.get(page.id)),
        await fetch(backend, lambda uow: uow.cms_pages.get_by_slug(page.slug)),
    ):
        assert stored is not None
        assert (
            stored.id,
            stored.slug,
            stored.title,
            stored.body,
            stored.html,
            stored.seo_title,
            stored.seo_description,
            stored.status,
            stored.version,
        ) == (page.id, page.slug, page.title, page.body, page.html, "Tentang", "Siapa kami", ContentStatus.PUBLISHED, 0)
        assert stored.created_at == T0 and stored.updated_at == T0 + HOUR and stored.published_at == T0 + HOUR
        assert is_utc(stored.created_at) and is_utc(stored.published_at)
    assert await fetch(backend, lambda uow: uow.cms_pages.slug_taken(page.slug))
    assert not await fetch(backend, lambda uow: uow.cms_pages.slug_taken("nothing-here"))
    assert await fetch(backend, lambda uow: uow.cms_pages.get_by_slug("nothing-here")) is None
    assert await fetch(backend, lambda uow: uow.cms_pages.get(new_id())) is None


async def test_a_large_body_round_trips(backend: Backend) -> None:
    page = a_page()
    page.body, page.html = "ä" * 50_000, "<p>" + "ä" * 50_000 + "</p>"
    await _add(backend, page)
    stored = await fetch(backend, lambda uow: uow.cms_pages.get(page.id))
    assert stored is not None and stored.body == page.body and stored.html == page.html


async def test_a_slug_is_taken_once_on_add_and_on_save(backend: Backend) -> None:
    first, second = a_page("about-us"), a_page("contact")
    await _add(backend, first, second)
    with pytest.raises(DuplicateSlug):
        await _add(backend, a_page("about-us"))
    async with backend.uow() as uow:
        mine = await uow.cms_pages.get(second.id)
        assert mine is not None
        mine.slug = "about-us"
        with pytest.raises(DuplicateSlug):
            await uow.cms_pages.save(mine)
    stored = await fetch(backend, lambda uow: uow.cms_pages.get(second.id))
    assert stored is not None and stored.slug == "contact"


async def test_saves_are_versioned(backend: Backend) -> None:
    page = a_page()
    await _add(backend, page)
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.cms_pages.get(page.id), await second.cms_pages.get(page.id)
        assert mine is not None and theirs is not None
        mine.publish(T0 + HOUR)
        await first.cms_pages.save(mine)
        await first.commit()
        theirs.title = "Lost edit"
        with pytest.raises(ConcurrentUpdate):
            await second.cms_pages.save(theirs)
            await second.commit()
    stored = await fetch(backend, lambda uow: uow.cms_pages.get(page.id))
    assert stored is not None and stored.is_published and stored.title == "Tentang kami" and stored.version == 1


async def test_pages_list_newest_first_by_status_in_pages(backend: Backend) -> None:
    pages = [a_page(published=i % 2 == 0) for i in range(5)]
    await _add(backend, *pages)
    newest = await fetch(backend, lambda uow: uow.cms_pages.newest(None, None, 3))
    rest = await fetch(backend, lambda uow: uow.cms_pages.newest(None, newest[-1].id, 3))
    assert [p.id for p in newest + rest] == [p.id for p in reversed(pages)]
    drafts = await fetch(backend, lambda uow: uow.cms_pages.newest(ContentStatus.DRAFT, None, 10))
    assert [p.id for p in drafts] == [pages[3].id, pages[1].id]


async def test_a_banner_round_trips_with_its_window(backend: Backend) -> None:
    banner = a_banner(published=True, starts=-HOUR, ends=HOUR, media_id=new_id())
    await _add(backend, banner)
    stored = await fetch(backend, lambda uow: uow.cms_banners.get(banner.id))
    assert stored is not None
    assert (stored.placement, stored.title, stored.link_url, stored.media_id, stored.status) == (
        "home-hero",
        "Ramadan sale",
        "https://example.com/sale",
        banner.media_id,
        ContentStatus.PUBLISHED,
    )
    assert stored.starts_at == T0 - HOUR and stored.ends_at == T0 + HOUR and is_utc(stored.ends_at)
    assert stored.published_at == T0 - 10 * HOUR and stored.version == 0
    open_ended = a_banner()
    await _add(backend, open_ended)
    stored = await fetch(backend, lambda uow: uow.cms_banners.get(open_ended.id))
    assert stored is not None and stored.starts_at is None and stored.ends_at is None and stored.media_id is None


async def test_banner_saves_are_versioned(backend: Backend) -> None:
    banner = a_banner()
    await _add(backend, banner)
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.cms_banners.get(banner.id), await second.cms_banners.get(banner.id)
        assert mine is not None and theirs is not None
        mine.publish(T0)
        await first.cms_banners.save(mine)
        await first.commit()
        theirs.title = "Lost edit"
        with pytest.raises(ConcurrentUpdate):
            await second.cms_banners.save(theirs)
            await second.commit()


async def test_published_banners_not_ended_are_listed_newest_first(backend: Backend) -> None:
    ended = a_banner(published=True, starts=-2 * HOUR, ends=-HOUR)
    ends_now = a_banner(published=True, ends=timedelta(0))
    live = a_banner(published=True, starts=-HOUR, ends=HOUR)
    upcoming = a_banner("footer", published=True, starts=HOUR, ends=2 * HOUR)
    draft = a_banner()
    forever = a_banner("footer", published=True)
    await _add(backend, ended, ends_now, live, upcoming, draft, forever)
    found = await fetch(backend, lambda uow: uow.cms_banners.published_until(T0))
    assert [b.id for b in found] == [forever.id, upcoming.id, live.id]
    everything = await fetch(backend, lambda uow: uow.cms_banners.newest(None, None, None, 10))
    assert len(everything) == 6
    footer = await fetch(backend, lambda uow: uow.cms_banners.newest("footer", None, None, 10))
    assert [b.id for b in footer] == [forever.id, upcoming.id]
    drafts = await fetch(backend, lambda uow: uow.cms_banners.newest(None, ContentStatus.DRAFT, None, 10))
    assert [b.id for b in drafts] == [draft.id]
    older = await fetch(backend, lambda uow: uow.cms_banners.newest("home-hero", None, live.id, 10))
    assert [b.id for b in older] == [ends_now.id, ended.id]
