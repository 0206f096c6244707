"""CMS banners: admins create, edit, publish and unpublish them; anyone lists those live now.

A banner is served while it is published and inside its window (`starts_at <= now < ends_at`, an
open end being no limit). The cache holds every published banner whose window has not ended when
the entry is made, with their windows; each read filters them against the clock, so a banner
appears at its start and disappears at its end whatever the cache holds. Editing a published
banner keeps it published (the cache is invalidated right after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.cms.cache import CmsCache
from marketplace.application.cms.commands import BannerChanges, BannerInput, kept
from marketplace.application.cms.listing import before_id, status_of
from marketplace.application.cms.views import BannerView
from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import require_admin
from marketplace.application.media.attachments import attach_media
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.shared.cursor import check_limit, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.domain.cms.banner import CmsBanner, check_placement
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.shared.ids import is_id

CMS_IMAGE = frozenset({Purpose.CMS_IMAGE})
LIVE_KEY = "banners:published"


async def _banner(uow: UnitOfWork, banner_id: str) -> CmsBanner:
    banner = await uow.cms_banners.get(banner_id) if is_id(banner_id) else None
    if banner is None:
        raise NotFound("banner", banner_id)
    return banner


async def _image(uow: UnitOfWork, admin_id: str, banner: CmsBanner, media_id: str) -> None:
    """The admin's own completed `cms_image` upload, attached to the banner (anything else: 422)."""
    await attach_media(uow, admin_id, [media_id], target=f"banner:{banner.id}", purposes=CMS_IMAGE, field="media_id")


@dataclass(frozen=True, slots=True)
class CreateBanner:
    uow: UnitOfWorkFactory
    cache: CmsCache
    clock: Clock
    ids: IdGenerator
    base_url: str

    async def __call__(self, admin_id: str, command: BannerInput) -> BannerView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            banner = CmsBanner.draft(
                id=self.ids.new_id(),
                placement=command.placement,
                title=command.title,
                link_url=command.link_url,
                media_id=command.media_id,
                starts_at=command.starts_at,
                ends_at=command.ends_at,
                now=self.clock.now(),
            )
            if banner.media_id is not None:
                await _image(uow, admin_id, banner, banner.media_id)
            await uow.cms_banners.add(banner)
            await uow.commit()
        await self.cache.invalidate()
        return BannerView.of(banner, self.base_url)


@dataclass(frozen=True, slots=True)
class EditBanner:
    uow: UnitOfWorkFactory
    cache: CmsCache
    clock: Clock
    base_url: str

    async def __call__(self, admin_id: str, banner_id: str, changes: BannerChanges) -> BannerView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            banner = await _banner(uow, banner_id)
            previous, media_id = banner.media_id, kept(changes.media_id, banner.media_id)
            banner.edit(
                placement=kept(changes.placement, banner.placement),
                title=kept(changes.title, banner.title),
                link_url=kept(changes.link_url, banner.link_url),
                media_id=media_id,
                starts_at=kept(changes.starts_at, banner.starts_at),
                ends_at=kept(changes.ends_at, banner.ends_at),
                now=self.clock.now(),
            )
            if media_id is not None and media_id != previous:
                await _image(uow, admin_id, banner, media_id)
            await uow.cms_banners.save(banner)
            await uow.commit()
        await self.cache.invalidate()
        return BannerView.of(banner, self.base_url)


@dataclass(frozen=True, slots=True)
class PublishBanner:
    """Publishes a draft (`publish`; refused once its window has ended), or takes it back to draft."""

    uow: UnitOfWorkFactory
    cache: CmsCache
    clock: Clock
    base_url: str
    publish: bool = True

    async def __call__(self, admin_id: str, banner_id: str) -> BannerView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            banner = await _banner(uow, banner_id)
            banner.publish(self.clock.now()) if self.publish else banner.unpublish(self.clock.now())
            await uow.cms_banners.save(banner)
            await uow.commit()
        await self.cache.invalidate()
        return BannerView.of(banner, self.base_url)


@dataclass(frozen=True, slots=True)
class ShowBanner:
    """One banner by id, drafts and ended ones included (admins)."""

    uow: UnitOfWorkFactory
    base_url: str

    async def __call__(self, admin_id: str, banner_id: str) -> BannerView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            return BannerView.of(await _banner(uow, banner_id), self.base_url)


@dataclass(frozen=True, slots=True)
class ListBanners:
    """Every banner, newest first, drafts and ended ones included (admins)."""

    uow: UnitOfWorkFactory
    base_url: str

    async def __call__(
        self, admin_id: str, placement: str | None, status: str | None, limit: int, cursor: str | None
    ) -> Page[BannerView]:
        limit = check_limit(limit)
        wanted = status_of(status)
        before = before_id(cursor, "cms-banners")
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            banners = await uow.cms_banners.newest(placement, wanted, before, limit + 1)
        more, banners = len(banners) > limit, banners[:limit]
        return Page(
            items=[BannerView.of(b, self.base_url) for b in banners],
            next_cursor=encode_cursor({"k": "cms-banners", "id": banners[-1].id}) if more else None,
        )


@dataclass(frozen=True, slots=True)
class ListLiveBanners:
    """Published banners inside their window now, newest first, at one placement or all (anyone)."""

    uow: UnitOfWorkFactory
    cache: CmsCache
    clock: Clock
    base_url: str

    async def __call__(self, placement: str | None, limit: int, cursor: str | None) -> Page[BannerView]:
        limit = check_limit(limit)
        if placement is not None:
            check_placement(placement)
        before = before_id(cursor, "live-banners")
        lookup = await self.cache.read(LIVE_KEY, list[BannerView])
        published = lookup.value
        if published is None:
            async with self.uow() as uow:
                banners = await uow.cms_banners.published_until(self.clock.now())
            published = [BannerView.of(b, self.base_url) for b in banners]
            await self.cache.write(lookup, published)
        now = self.clock.now()
        live = [
            b
            for b in published
            if b.in_window(now)
            and (placement is None or b.placement == placement)
            and (before is None or b.id < before)
        ][: limit + 1]
        more, live = len(live) > limit, live[:limit]
        return Page(items=live, next_cursor=encode_cursor({"k": "live-banners", "id": live[-1].id}) if more else None)
