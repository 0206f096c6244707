"""The typed boundary between the controllers (HTTP and Socket.IO) and the core, built from the container."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from litestar.datastructures import State

from marketplace.application.affiliate.attribution import AttributionSigner
from marketplace.application.affiliate.program import AffiliateProgram
from marketplace.application.cart.use_cases import CartService
from marketplace.application.catalog.browse_products import BrowseProducts
from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.categories import CreateCategory, ListCategories
from marketplace.application.catalog.create_product import CreateProduct
from marketplace.application.catalog.product_lifecycle import ArchiveProduct, PublishProduct
from marketplace.application.catalog.show_product import GetProduct, ListStoreProducts
from marketplace.application.catalog.update_product import UpdateProduct
from marketplace.application.catalog.variants import AddVariant, ChangeVariant, RemoveVariant
from marketplace.application.chat.conversations import Conversations
from marketplace.application.chat.messages import ChatMessages
from marketplace.application.cms.banners import (
    CreateBanner,
    EditBanner,
    ListBanners,
    ListLiveBanners,
    PublishBanner,
    ShowBanner,
)
from marketplace.application.cms.pages import CreatePage, EditPage, ListPages, PublishPage, ReadPublicPage, ShowPage
from marketplace.application.identity.addresses import AddAddress, ChangeAddress, ListAddresses, RemoveAddress
from marketplace.application.identity.log_in import LogIn
from marketplace.application.identity.log_out import LogOut
from marketplace.application.identity.profile import GetProfile, UpdateProfile
from marketplace.application.identity.refresh_session import RefreshSession
from marketplace.application.identity.register_user import RegisterUser
from marketplace.application.media.downloads import DownloadMedia
from marketplace.application.media.uploads import CompleteUpload, RequestUpload
from marketplace.application.notifications.inbox import (
    ChangePreferences,
    CountUnread,
    GetPreferences,
    ListNotifications,
    MarkRead,
)
from marketplace.application.ordering.callbacks import ReceiveCallback
from marketplace.application.ordering.checkouts import CancelCheckout, GetCheckout
from marketplace.application.ordering.orders import BuyerOrders, StoreOrders
from marketplace.application.ordering.place_checkout import PlaceCheckout
from marketplace.application.ordering.quote import QuoteCheckout
from marketplace.application.ports.cache import Cache
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.idempotency import IdempotencyStore
from marketplace.application.ports.rate_limit import RateLimiter
from marketplace.application.ports.security import TokenService
from marketplace.application.ports.storage import ObjectStorage
from marketplace.application.ports.system import Clock
from marketplace.application.reviews.use_cases import Reviews
from marketplace.application.settlement.payouts import PayoutCallbacks
from marketplace.application.settlement.store_money import StoreMoney
from marketplace.application.shipping.ship_order import StoreShipping
from marketplace.application.shipping.show_shipment import GetShipment
from marketplace.application.shipping.track_shipment import ShipmentReports
from marketplace.application.stores.open_store import OpenStore
from marketplace.application.stores.show_stores import BrowseStores, GetStore
from marketplace.application.stores.suspend_store import SetStoreSuspension
from marketplace.application.stores.update_store import UpdateStore
from marketplace.entrypoints.container import Container

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpServices:
    """Each use case or port a controller may call, by its type: mypy checks every call across the boundary."""

    # identity
    register_user: RegisterUser
    log_in: LogIn
    refresh_session: RefreshSession
    log_out: LogOut
    get_profile: GetProfile
    update_profile: UpdateProfile
    list_addresses: ListAddresses
    add_address: AddAddress
    change_address: ChangeAddress
    remove_address: RemoveAddress
    tokens: TokenService
    rate_limiter: RateLimiter
    # stores
    open_store: OpenStore
    update_store: UpdateStore
    suspend_store: SetStoreSuspension
    unsuspend_store: SetStoreSuspension
    get_store: GetStore
    browse_stores: BrowseStores
    # catalog
    list_categories: ListCategories
    create_category: CreateCategory
    create_product: CreateProduct
    update_product: UpdateProduct
    publish_product: PublishProduct
    archive_product: ArchiveProduct
    add_variant: AddVariant
    change_variant: ChangeVariant
    remove_variant: RemoveVariant
    browse_products: BrowseProducts
    get_product: GetProduct
    list_store_products: ListStoreProducts
    catalog_queries: CatalogQueries
    catalog_cache: CatalogCache
    cache: Cache
    # media
    request_upload: RequestUpload
    complete_upload: CompleteUpload
    download_media: DownloadMedia
    storage: ObjectStorage
    # cart, ordering, shipping
    cart: CartService
    quote_checkout: QuoteCheckout
    place_checkout: PlaceCheckout
    get_checkout: GetCheckout
    cancel_checkout: CancelCheckout
    buyer_orders: BuyerOrders
    store_orders: StoreOrders
    receive_callback: ReceiveCallback
    store_shipping: StoreShipping
    shipment_reports: ShipmentReports
    get_shipment: GetShipment
    idempotency: IdempotencyStore
    clock: Clock
    # chat
    conversations: Conversations
    chat_messages: ChatMessages
    # reviews, affiliates, store money
    reviews: Reviews
    affiliate_program: AffiliateProgram
    store_money: StoreMoney
    payout_callbacks: PayoutCallbacks
    attribution: AttributionSigner
    # cms
    create_page: CreatePage
    edit_page: EditPage
    publish_page: PublishPage
    unpublish_page: PublishPage
    show_page: ShowPage
    list_pages: ListPages
    read_public_page: ReadPublicPage
    create_banner: CreateBanner
    edit_banner: EditBanner
    publish_banner: PublishBanner
    unpublish_banner: PublishBanner
    show_banner: ShowBanner
    list_banners: ListBanners
    list_live_banners: ListLiveBanners
    # notifications
    list_notifications: ListNotifications
    count_unread: CountUnread
    mark_read: MarkRead
    get_notification_preferences: GetPreferences
    change_notification_preferences: ChangePreferences


async def _resolve(provider: Callable[[], T]) -> T:
    """A provider's value: awaited when it depends on an async Resource (dependency-injector then
    hands back an awaitable of the value its type names)."""
    value = provider()
    return cast(T, await value) if inspect.isawaitable(value) else value


async def http_services(c: Container) -> HttpServices:
    """The services, resolved once when the app starts (after `init_resources`)."""
    return HttpServices(
        register_user=await _resolve(c.register_user),
        log_in=await _resolve(c.log_in),
        refresh_session=await _resolve(c.refresh_session),
        log_out=await _resolve(c.log_out),
        get_profile=await _resolve(c.get_profile),
        update_profile=await _resolve(c.update_profile),
        list_addresses=await _resolve(c.list_addresses),
        add_address=await _resolve(c.add_address),
        change_address=await _resolve(c.change_address),
        remove_address=await _resolve(c.remove_address),
        tokens=await _resolve(c.tokens),
        rate_limiter=await _resolve(c.rate_limiter),
        open_store=await _resolve(c.open_store),
        update_store=await _resolve(c.update_store),
        suspend_store=await _resolve(c.suspend_store),
        unsuspend_store=await _resolve(c.unsuspend_store),
        get_store=await _resolve(c.get_store),
        browse_stores=await _resolve(c.browse_stores),
        list_categories=await _resolve(c.list_categories),
        create_category=await _resolve(c.create_category),
        create_product=await _resolve(c.create_product),
        update_product=await _resolve(c.update_product),
        publish_product=await _resolve(c.publish_product),
        archive_product=await _resolve(c.archive_product),
        add_variant=await _resolve(c.add_variant),
        change_variant=await _resolve(c.change_variant),
        remove_variant=await _resolve(c.remove_variant),
        browse_products=await _resolve(c.browse_products),
        get_product=await _resolve(c.get_product),
        list_store_products=await _resolve(c.list_store_products),
        catalog_queries=await _resolve(c.catalog_queries),
        catalog_cache=await _resolve(c.catalog_cache),
        cache=await _resolve(c.cache),
        request_upload=await _resolve(c.request_upload),
        complete_upload=await _resolve(c.complete_upload),
        download_media=await _resolve(c.download_media),
        storage=await _resolve(c.storage),
        cart=await _resolve(c.cart),
        quote_checkout=await _resolve(c.quote_checkout),
        place_checkout=await _resolve(c.place_checkout),
        get_checkout=await _resolve(c.get_checkout),
        cancel_checkout=await _resolve(c.cancel_checkout),
        buyer_orders=await _resolve(c.buyer_orders),
        store_orders=await _resolve(c.store_orders),
        receive_callback=await _resolve(c.receive_callback),
        store_shipping=await _resolve(c.store_shipping),
        shipment_reports=await _resolve(c.shipment_reports),
        get_shipment=await _resolve(c.get_shipment),
        idempotency=await _resolve(c.idempotency),
        clock=await _resolve(c.clock),
        conversations=await _resolve(c.conversations),
        chat_messages=await _resolve(c.chat_messages),
        reviews=await _resolve(c.reviews),
        affiliate_program=await _resolve(c.affiliate_program),
        store_money=await _resolve(c.store_money),
        payout_callbacks=await _resolve(c.payout_callbacks),
        attribution=await _resolve(c.attribution),
        create_page=await _resolve(c.create_page),
        edit_page=await _resolve(c.edit_page),
        publish_page=await _resolve(c.publish_page),
        unpublish_page=await _resolve(c.unpublish_page),
        show_page=await _resolve(c.show_page),
        list_pages=await _resolve(c.list_pages),
        read_public_page=await _resolve(c.read_public_page),
        create_banner=await _resolve(c.create_banner),
        edit_banner=await _resolve(c.edit_banner),
        publish_banner=await _resolve(c.publish_banner),
        unpublish_banner=await _resolve(c.unpublish_banner),
        show_banner=await _resolve(c.show_banner),
        list_banners=await _resolve(c.list_banners),
        list_live_banners=await _resolve(c.list_live_banners),
        list_notifications=await _resolve(c.list_notifications),
        count_unread=await _resolve(c.count_unread),
        mark_read=await _resolve(c.mark_read),
        get_notification_preferences=await _resolve(c.get_notification_preferences),
        change_notification_preferences=await _resolve(c.change_notification_preferences),
    )


def started_services(state: State) -> HttpServices:
    """The services the app resolved at start-up (stored in its state by the lifespan)."""
    services = state.get("services")
    if not isinstance(services, HttpServices):
        raise RuntimeError("the app has not started: its services are not resolved yet")
    return services
