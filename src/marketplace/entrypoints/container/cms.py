"""The CMS context's use cases (public reads cached in `cache`, Redis when configured; every write
invalidates)."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.cms.banners import (
    CreateBanner,
    EditBanner,
    ListBanners,
    ListLiveBanners,
    PublishBanner,
    ShowBanner,
)
from marketplace.application.cms.cache import CmsCache
from marketplace.application.cms.pages import CreatePage, EditPage, ListPages, PublishPage, ReadPublicPage, ShowPage
from marketplace.entrypoints.container.core import Core

uow, clock, ids, markup = Core.uow, Core.clock, Core.ids, Core.markup
base_url = Core.settings.provided.base_url


class CmsServices(Core):
    cms_cache = providers.Singleton(CmsCache, Core.cache, ttl_seconds=60)
    create_page = providers.Singleton(CreatePage, uow=uow, renderer=markup, cache=cms_cache, clock=clock, ids=ids)
    edit_page = providers.Singleton(EditPage, uow=uow, renderer=markup, cache=cms_cache, clock=clock)
    publish_page = providers.Singleton(PublishPage, uow=uow, cache=cms_cache, clock=clock, publish=True)
    unpublish_page = providers.Singleton(PublishPage, uow=uow, cache=cms_cache, clock=clock, publish=False)
    show_page = providers.Singleton(ShowPage, uow=uow)
    list_pages = providers.Singleton(ListPages, uow=uow)
    read_public_page = providers.Singleton(ReadPublicPage, uow=uow, cache=cms_cache)
    create_banner = providers.Singleton(CreateBanner, uow=uow, cache=cms_cache, clock=clock, ids=ids, base_url=base_url)
    edit_banner = providers.Singleton(EditBanner, uow=uow, cache=cms_cache, clock=clock, base_url=base_url)
    publish_banner = providers.Singleton(
        PublishBanner, uow=uow, cache=cms_cache, clock=clock, base_url=base_url, publish=True
    )
    unpublish_banner = providers.Singleton(
        PublishBanner, uow=uow, cache=cms_cache, clock=clock, base_url=base_url, publish=False
    )
    show_banner = providers.Singleton(ShowBanner, uow=uow, base_url=base_url)
    list_banners = providers.Singleton(ListBanners, uow=uow, base_url=base_url)
    list_live_banners = providers.Singleton(ListLiveBanners, uow=uow, cache=cms_cache, clock=clock, base_url=base_url)
