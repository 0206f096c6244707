"""CMS use cases in memory: admins only, sanitised HTML, the public cache invalidated by writes, windows by the clock."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers
from PIL import Image

from marketplace.application.cms.commands import BannerChanges, BannerInput, PageChanges, PageInput
from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.identity.register_user import Register
from marketplace.application.media.uploads import UploadRequest
from marketplace.application.media.views import UploadTicket
from marketplace.domain.shared.errors import DuplicateSlug, IllegalTransition, InvalidValue
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

HOUR = timedelta(hours=1)
EVIL = "# Hello\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[win](javascript:alert(1)) [home](/)\n"


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 27, 9, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class Cms:
    def __init__(self, container: Any, clock: ManualClock) -> None:
        self.container, self.clock = container, clock

    async def __call__(self, name: str, *args: Any) -> Any:
        return await (await resolve(getattr(self.container, name)))(*args)

    async def user(self, name: str, admin: bool = False) -> str:
        if admin:
            return str((await self("create_admin", f"{name}@example.com", PASSWORD)).id)
        return str((await self("register_user", Register(f"{name}@example.com", PASSWORD, name))).id)


@pytest.fixture
async def cms() -> AsyncIterator[Cms]:
    clock = ManualClock()
    container = build_container(
        Settings.in_memory(public_url="http://shop.test", jwt_secret="a-unit-test-master-secret-of-32-chars")
    )
    container.clock.override(providers.Object(clock))
    await container.init_resources()
    try:
        yield Cms(container, clock)
    finally:
        await container.shutdown_resources()


async def test_an_admin_writes_and_publishes_a_page_whose_html_is_sanitised(cms: Cms) -> None:
    admin = await cms.user("admin", admin=True)
    page = await cms("create_page", admin, PageInput("about-us", "About us", EVIL, seo_title="About"))
    assert page.status == "draft" and page.body == EVIL
    assert "<h1>Hello</h1>" in page.html and '<a href="/"' in page.html
    assert "script" not in page.html and "onerror" not in page.html and "javascript" not in page.html
    with pytest.raises(NotFound):
        await cms("read_public_page", "about-us")
    published = await cms("publish_page", admin, page.id)
    assert published.status == "published" and published.published_at == cms.clock.at
    public = await cms("read_public_page", "about-us")
    assert (public.id, public.html, public.status, public.published_at) == (
        published.id,
        published.html,
        "published",
        published.published_at,
    )
    assert not hasattr(public, "body"), "the public page is its sanitised HTML only"
    with pytest.raises(IllegalTransition):
        await cms("publish_page", admin, page.id)


async def test_only_admins_write_or_read_drafts(cms: Cms) -> None:
    admin, user = await cms.user("admin", admin=True), await cms.user("someone")
    page = await cms("create_page", admin, PageInput("faq", "FAQ", "Ask"))
    banner = await cms("create_banner", admin, BannerInput("home-hero", "Sale", "/sale"))
    for name, args in [
        ("create_page", (PageInput("x", "X", "x"),)),
        ("edit_page", (page.id, PageChanges(title="Mine"))),
        ("publish_page", (page.id,)),
        ("unpublish_page", (page.id,)),
        ("show_page", (page.id,)),
        ("list_pages", (None, 20, None)),
        ("create_banner", (BannerInput("home", "B", "/"),)),
        ("edit_banner", (banner.id, BannerChanges(title="Mine"))),
        ("publish_banner", (banner.id,)),
        ("show_banner", (banner.id,)),
        ("list_banners", (None, None, 20, None)),
    ]:
        with pytest.raises(Forbidden):
            await cms(name, user, *args)
    assert (await cms("show_page", admin, page.id)).title == "FAQ"


async def test_a_slug_is_taken_once(cms: Cms) -> None:
    admin = await cms.user("admin", admin=True)
    await cms("create_page", admin, PageInput("terms", "Terms", "T"))
    other = await cms("create_page", admin, PageInput("privacy", "Privacy", "P"))
    with pytest.raises(DuplicateSlug):
        await cms("create_page", admin, PageInput("terms", "Terms again", "T"))
    with pytest.raises(DuplicateSlug):
        await cms("edit_page", admin, other.id, PageChanges(slug="terms"))
    with pytest.raises(InvalidValue):
        await cms("create_page", admin, PageInput("Not A Slug", "Terms", "T"))


async def test_the_public_page_is_cached_until_a_write_invalidates_it(cms: Cms) -> None:
    admin = await cms.user("admin", admin=True)
    page = await cms("create_page", admin, PageInput("shipping", "Shipping", "Old"))
    await cms("publish_page", admin, page.id)
    assert "Old" in (await cms("read_public_page", "shipping")).html
    async with (await resolve(cms.container.uow))() as uow:  # behind the use cases' back: no invalidation
        stored = await uow.cms_pages.get(page.id)
        stored.title = "Changed quietly"
        await uow.cms_pages.save(stored)
        await uow.commit()
    assert (await cms("read_public_page", "shipping")).title == "Shipping", "served from the cache"
    cms.clock.at += HOUR
    edited = await cms("edit_page", admin, page.id, PageChanges(body="**New**", seo_description="Fees"))
    assert edited.status == "published" and edited.updated_at == cms.clock.at
    shown = await cms("read_public_page", "shipping")
    assert "<strong>New</strong>" in shown.html and shown.title == "Changed quietly" and shown.seo_description == "Fees"
    await cms("edit_page", admin, page.id, PageChanges(slug="delivery"))
    with pytest.raises(NotFound):
        await cms("read_public_page", "shipping")
    assert (await cms("read_public_page", "delivery")).id == page.id
    await cms("unpublish_page", admin, page.id)
    with pytest.raises(NotFound):
        await cms("read_public_page", "delivery")


async def test_a_cached_404_ends_when_the_page_is_published(cms: Cms) -> None:
    admin = await cms.user("admin", admin=True)
    with pytest.raises(NotFound):
        await cms("read_public_page", "careers")
    page = await cms("create_page", admin, PageInput("careers", "Careers", "Join us"))
    await cms("publish_page", admin, page.id)
    assert (await cms("read_public_page", "careers")).id == page.id
    with pytest.raises(NotFound):
        await cms("read_public_page", "../etc/passwd")


async def test_banners_appear_and_disappear_with_their_window_whatever_the_cache_holds(cms: Cms) -> None:
    admin, t0 = await cms.user("admin", admin=True), cms.clock.at
    later = await cms(
        "create_banner", admin, BannerInput("home-hero", "Later", "/later", None, t0 + HOUR, t0 + 2 * HOUR)
    )
    always = await cms("create_banner", admin, BannerInput("footer", "Always", "https://example.com/x"))
    draft = await cms("create_banner", admin, BannerInput("home-hero", "Draft", "/draft"))
    await cms("publish_banner", admin, later.id)
    await cms("publish_banner", admin, always.id)

    async def live(placement: str | None = None) -> list[str]:
        return [b.title for b in (await cms("list_live_banners", placement, 20, None)).items]

    assert await live() == ["Always"] and await live("home-hero") == []
    cms.clock.at = t0 + HOUR  # no write in between: the cached list is filtered by the clock
    assert await live() == ["Always", "Later"] and await live("home-hero") == ["Later"]
    cms.clock.at = t0 + 2 * HOUR
    assert await live() == ["Always"]
    assert draft.id not in [b.id for b in (await cms("list_live_banners", None, 20, None)).items]
    with pytest.raises(IllegalTransition):
        await cms("publish_banner", admin, later.id)  # already published
    await cms("unpublish_banner", admin, later.id)
    await cms("publish_banner", admin, later.id)  # its window has ended: published, never listed
    assert await live("home-hero") == []
    await cms("unpublish_banner", admin, later.id)
    await cms("edit_banner", admin, later.id, BannerChanges(ends_at=None))
    await cms("publish_banner", admin, later.id)
    assert await live("home-hero") == ["Later"]
    await cms("edit_banner", admin, always.id, BannerChanges(ends_at=cms.clock.at))  # ended early, still published
    assert await live() == ["Later"]
    assert (await cms("show_banner", admin, always.id)).status == "published"


async def test_live_banners_page_newest_first(cms: Cms) -> None:
    admin = await cms.user("admin", admin=True)
    for i in range(5):
        banner = await cms("create_banner", admin, BannerInput("home-hero", f"B{i}", f"/b{i}"))
        await cms("publish_banner", admin, banner.id)
    first = await cms("list_live_banners", "home-hero", 3, None)
    rest = await cms("list_live_banners", "home-hero", 3, first.next_cursor)
    assert [b.title for b in first.items + rest.items] == ["B4", "B3", "B2", "B1", "B0"] and rest.next_cursor is None
    with pytest.raises(InvalidValue):
        await cms("list_live_banners", "home-hero", 3, "bogus")
    with pytest.raises(InvalidValue):
        await cms("list_live_banners", "Not a placement", 3, None)
    admin_list = await cms("list_banners", admin, "home-hero", "published", 2, None)
    assert [b.title for b in admin_list.items] == ["B4", "B3"] and admin_list.next_cursor


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def _upload(cms: Cms, user: str, purpose: str = "cms_image", complete: bool = True) -> str:
    data = _png()
    ticket: UploadTicket = await cms("request_upload", user, UploadRequest("hero.png", "image/png", len(data), purpose))
    storage = await resolve(cms.container.storage)
    await storage.receive(ticket.upload_url, data, "image/png")  # what the client does with the ticket
    if complete:
        await cms("complete_upload", user, ticket.media_id)
    return ticket.media_id


async def test_a_banner_image_is_the_admins_own_completed_cms_image_and_public_once_published(cms: Cms) -> None:
    admin, other_admin, user = await cms.user("admin", True), await cms.user("second", True), await cms.user("user")
    for media_id in (
        await _upload(cms, admin, "product_image"),
        await _upload(cms, admin, complete=False),
        await _upload(cms, other_admin),
        "0190aaaa-0000-7000-8000-000000000000",
        "nope",
    ):
        with pytest.raises(InvalidValue) as refused:
            await cms("create_banner", admin, BannerInput("home-hero", "Sale", "/sale", media_id))
        assert refused.value.field == "media_id"
    image = await _upload(cms, admin)
    banner = await cms("create_banner", admin, BannerInput("home-hero", "Sale", "/sale", image))
    assert banner.image_url == f"http://shop.test/api/v1/media/{image}" and banner.media_id == image
    with pytest.raises(NotFound):
        await cms("download_media", user, image)
    await cms("publish_banner", admin, banner.id)
    assert await cms("download_media", None, image)
    assert await cms("download_media", user, image)
    cms.clock.at += HOUR
    cleanup = await cms("clean_up_media", timedelta(minutes=1))
    assert image not in cleanup.removed and len(cleanup.removed) == 3, "a banner's image is in use, the rest not"
    cleared = await cms("edit_banner", admin, banner.id, BannerChanges(media_id=None))
    assert cleared.image_url is None
