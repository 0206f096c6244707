"""The stores, catalog and cart contexts' use cases."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.cart.use_cases import CartService
from marketplace.application.catalog.browse_products import BrowseProducts
from marketplace.application.catalog.categories import CreateCategory, ListCategories
from marketplace.application.catalog.create_product import CreateProduct
from marketplace.application.catalog.product_lifecycle import ArchiveProduct, PublishProduct
from marketplace.application.catalog.product_writes import CatalogWriter
from marketplace.application.catalog.show_product import GetProduct, ListStoreProducts
from marketplace.application.catalog.update_product import UpdateProduct
from marketplace.application.catalog.variants import AddVariant, ChangeVariant, RemoveVariant
from marketplace.application.stores.open_store import OpenStore
from marketplace.application.stores.show_stores import BrowseStores, GetStore
from marketplace.application.stores.suspend_store import SetStoreSuspension
from marketplace.application.stores.update_store import UpdateStore
from marketplace.entrypoints.container.core import Core

uow, clock, ids, queries, cache = Core.uow, Core.clock, Core.ids, Core.catalog_queries, Core.catalog_cache
base_url = Core.settings.provided.base_url


class StoreServices(Core):
    open_store = providers.Singleton(OpenStore, uow=uow, clock=clock, ids=ids, cache=cache, base_url=base_url)
    update_store = providers.Singleton(UpdateStore, uow=uow, cache=cache, base_url=base_url)
    suspend_store = providers.Singleton(SetStoreSuspension, uow=uow, cache=cache, suspend=True, base_url=base_url)
    unsuspend_store = providers.Singleton(SetStoreSuspension, uow=uow, cache=cache, suspend=False, base_url=base_url)
    get_store = providers.Singleton(GetStore, uow=uow, base_url=base_url)
    browse_stores = providers.Singleton(BrowseStores, uow=uow, base_url=base_url)


class CatalogServices(Core):
    catalog_writer = providers.Singleton(CatalogWriter, uow=uow, queries=queries, cache=cache, clock=clock, ids=ids)
    list_categories = providers.Singleton(ListCategories, uow=uow)
    create_category = providers.Singleton(CreateCategory, uow=uow, clock=clock, ids=ids, cache=cache)
    create_product = providers.Singleton(CreateProduct, writer=catalog_writer)
    update_product = providers.Singleton(UpdateProduct, writer=catalog_writer)
    publish_product = providers.Singleton(PublishProduct, writer=catalog_writer)
    archive_product = providers.Singleton(ArchiveProduct, writer=catalog_writer)
    add_variant = providers.Singleton(AddVariant, writer=catalog_writer)
    change_variant = providers.Singleton(ChangeVariant, writer=catalog_writer)
    remove_variant = providers.Singleton(RemoveVariant, writer=catalog_writer)
    browse_products = providers.Singleton(BrowseProducts, uow=uow, queries=queries, cache=cache)
    get_product = providers.Singleton(GetProduct, uow=uow, queries=queries, cache=cache)
    list_store_products = providers.Singleton(ListStoreProducts, uow=uow, queries=queries)


class CartServices(Core):
    cart = providers.Singleton(CartService, uow=uow, queries=queries, clock=clock)
