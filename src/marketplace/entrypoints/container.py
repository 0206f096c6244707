"""The composition root: the one place that chooses adapters, from Settings."""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from marketplace.adapters.images.pillow import PillowImageProcessor
from marketplace.adapters.memory.back_off import InProcessBackOff
from marketplace.adapters.memory.cache import InProcessCache, InProcessRateLimiter
from marketplace.adapters.memory.catalog_queries import MemoryCatalogQueries
from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.security.argon2_hasher import Argon2PasswordHasher
from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.adapters.security.zxcvbn_policy import ZxcvbnPasswordPolicy
from marketplace.adapters.system import SystemClock, Uuid7Ids
from marketplace.application.affiliate.attribution import AttributionSigner
from marketplace.application.affiliate.program import AffiliateProgram
from marketplace.application.cart.use_cases import CartService
from marketplace.application.catalog.browse_products import BrowseProducts
from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.categories import CreateCategory, ListCategories
from marketplace.application.catalog.create_product import CreateProduct
from marketplace.application.catalog.product_lifecycle import ArchiveProduct, PublishProduct
from marketplace.application.catalog.product_writes import CatalogWriter
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
from marketplace.application.cms.cache import CmsCache
from marketplace.application.cms.pages import CreatePage, EditPage, ListPages, PublishPage, ReadPublicPage, ShowPage
from marketplace.application.identity.addresses import AddAddress, ChangeAddress, ListAddresses, RemoveAddress
from marketplace.application.identity.create_admin import CreateAdmin
from marketplace.application.identity.log_in import LogIn
from marketplace.application.identity.log_out import LogOut
from marketplace.application.identity.login_throttle import LoginThrottle
from marketplace.application.identity.profile import GetProfile, UpdateProfile
from marketplace.application.identity.refresh_session import RefreshSession
from marketplace.application.identity.register_user import RegisterUser
from marketplace.application.media.cleanup import CleanUpMedia
from marketplace.application.media.downloads import DownloadMedia
from marketplace.application.media.uploads import CompleteUpload, RequestUpload
from marketplace.application.notifications.push_updates import PushUpdates
from marketplace.application.ordering.callbacks import ReceiveCallback
from marketplace.application.ordering.checkouts import (
    ApplyInvoice,
    CancelCheckout,
    ExpireCancelledInvoice,
    GetCheckout,
    SyncPayment,
)
from marketplace.application.ordering.expiry import ExpireCheckouts
from marketplace.application.ordering.orders import BuyerOrders, StoreOrders
from marketplace.application.ordering.place_checkout import PlaceCheckout
from marketplace.application.ordering.quote import QuoteCheckout
from marketplace.application.ordering.reconcile import ReconcilePayments
from marketplace.application.ordering.refunds import RefundOrder
from marketplace.application.ports.checkpoints import NoCheckpoints
from marketplace.application.reviews.use_cases import Reviews
from marketplace.application.settlement.payouts import PayoutCallbacks, Payouts
from marketplace.application.settlement.reconcile import ReconcileLedger
from marketplace.application.settlement.store_money import StoreMoney
from marketplace.application.shipping.complete_orders import CompleteDeliveredOrders
from marketplace.application.shipping.ship_order import StoreShipping
from marketplace.application.shipping.show_shipment import GetShipment
from marketplace.application.shipping.track_shipment import ShipmentReports
from marketplace.application.stores.open_store import OpenStore
from marketplace.application.stores.show_stores import BrowseStores, GetStore
from marketplace.application.stores.suspend_store import SetStoreSuspension
from marketplace.application.stores.update_store import UpdateStore
from marketplace.entrypoints.secrets import SigningKeys, signing_keys
from marketplace.entrypoints.settings import Settings, SettingsError


async def sql_engine(settings: Settings) -> AsyncIterator[Any]:
    """The SQLAlchemy engine when the SQL backend is chosen (None otherwise), disposed on shutdown."""
    if settings.backend != "sql":
        yield None
        return
    from marketplace.adapters.sql.engine import create_engine

    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.sql_url, pool_size=settings.database_pool_size)
    try:
        yield engine
    finally:
        await engine.dispose()


async def redis_client(settings: Settings) -> AsyncIterator[Any]:
    if settings.backend != "sql" or settings.redis_url is None:
        yield None
        return
    from redis.asyncio import Redis

    client = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        yield client
    finally:
        await client.aclose()


def _uow_factory(
    settings: Settings, engine: Any, memory_db: MemoryDatabase, clock: SystemClock, ids: Uuid7Ids, catalog: CatalogCache
) -> Any:
    # After a commit that moved stock, the products' cached details go stale (docs/api.md, the catalog).
    moved = catalog.stock_moved if catalog.enabled else None
    if settings.backend == "memory":
        return lambda: MemoryUnitOfWork(memory_db, clock, ids, moved)
    from marketplace.adapters.sql.unit_of_work import SqlUnitOfWork

    return lambda: SqlUnitOfWork(engine, clock, ids, moved)


def _catalog_queries(settings: Settings, engine: Any, memory_db: MemoryDatabase) -> Any:
    if settings.backend == "memory":
        return MemoryCatalogQueries(memory_db, settings.base_url)
    from marketplace.adapters.sql.catalog_queries import SqlCatalogQueries

    return SqlCatalogQueries(engine, settings.base_url)


def _catalog_importer(settings: Settings, engine: Any, memory_db: MemoryDatabase) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.importer import MemoryCatalogImporter

        return MemoryCatalogImporter(memory_db)
    from marketplace.adapters.sql.importer import SqlCatalogImporter

    return SqlCatalogImporter(engine)


async def object_storage(settings: Settings, keys: SigningKeys) -> AsyncIterator[Any]:
    """MinIO/S3 when MARKETPLACE_S3_ENDPOINT is set, else a folder under the data dir (or memory)."""
    if settings.backend == "memory":
        from marketplace.adapters.storage.memory import MemoryObjectStorage

        yield MemoryObjectStorage()
        return
    if settings.s3_endpoint is None:
        from marketplace.adapters.storage.local import LocalObjectStorage

        yield LocalObjectStorage(Path(settings.data_dir) / "media", settings.base_url, keys.media_urls)
        return
    from minio import Minio

    from marketplace.adapters.storage.minio_storage import MinioObjectStorage
    from marketplace.application.errors import BackendUnavailable

    client = Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=settings.s3_secure,
        region=settings.s3_region,
    )
    storage = MinioObjectStorage(client, settings.s3_bucket)
    try:
        await storage.ensure_bucket()
    except BackendUnavailable:
        pass  # start anyway: readiness names the storage as unavailable until it answers
    yield storage


def _idempotency_store(settings: Settings, engine: Any) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.idempotency import MemoryIdempotencyStore

        return MemoryIdempotencyStore()
    from marketplace.adapters.sql.idempotency import SqlIdempotencyStore

    return SqlIdempotencyStore(engine)


def _outbox_store(settings: Settings, engine: Any, memory_db: MemoryDatabase) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.outbox import MemoryOutboxStore

        return MemoryOutboxStore(memory_db)
    from marketplace.adapters.sql.outbox import SqlOutboxStore

    return SqlOutboxStore(engine)


def _seconds(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def _days(days: int) -> timedelta:
    return timedelta(days=days)


class LateAsgi:
    """The HTTP app itself, known only once it is built: the built-in sandboxes call back into it
    in process (through httpx's ASGI transport) instead of over the network."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            raise RuntimeError("the HTTP app is not built yet")
        await self.app(scope, receive, send)


def warn_if_sandbox_forced(settings: Settings) -> None:
    """MARKETPLACE_SANDBOX=on: anyone who reaches this process may pay any invoice and move any parcel
    through the sandboxes' control endpoints. Say so at every start."""
    if settings.sandbox == "on":
        served = [
            name
            for name, used in (("Xendit", uses_builtin_xendit(settings)), ("GoSend", uses_builtin_gosend(settings)))
            if used
        ]
        logging.getLogger("marketplace").warning(
            "MARKETPLACE_SANDBOX=on: the built-in sandboxes (%s) and development secrets for whatever is not set "
            "are served to anyone who can reach this process; never run a real shop like this",
            ", ".join(served) or "none mounted",
        )


def uses_builtin_xendit(settings: Settings) -> bool:
    return settings.backend == "sql" and settings.serves_sandbox and settings.xendit_base_url is None


def _sandbox_state(settings: Settings) -> Path | None:
    """On SQLite (one process) the built-in sandboxes keep their records in the data dir across restarts."""
    return Path(settings.data_dir) / "sandbox" if settings.sql_url.startswith("sqlite") else None


async def xendit_sandbox(settings: Settings, this_app: LateAsgi) -> AsyncIterator[Any]:
    """The Xendit sandbox mounted at /sandbox/xendit on the embedded default (None otherwise)."""
    if not uses_builtin_xendit(settings):
        yield None
        return
    import httpx

    from marketplace.adapters.sandbox.xendit import XenditSandboxConfig, create_xendit_sandbox

    callbacks = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=this_app), base_url=settings.base_url, timeout=httpx.Timeout(10.0)
    )
    sandbox = create_xendit_sandbox(
        XenditSandboxConfig(
            secret_key=settings.xendit_key,
            callback_token=settings.xendit_token,
            callback_url=settings.base_url,
            public_url=f"{settings.base_url}/sandbox/xendit",
            refund_seconds=settings.sandbox_refund_seconds,
            payout_seconds=settings.sandbox_payout_seconds,
            rate_limit=settings.sandbox_rate_limit,
            http=callbacks,
            state_dir=_sandbox_state(settings),
        )
    )
    try:
        await sandbox.startup()
        yield sandbox
    finally:
        await sandbox.shutdown()
        await callbacks.aclose()


async def xendit_http(settings: Settings, sandbox: Any) -> AsyncIterator[Any]:
    """The HTTP client of the Xendit adapter: to Xendit (or a standalone sandbox), or in process to
    the built-in sandbox."""
    if settings.backend != "sql" or (sandbox is None and settings.xendit_base_url is None):
        yield None  # no provider configured: a command that needs none (the app refuses to start)
        return
    import httpx

    from marketplace.adapters.xendit.payments import xendit_client

    if sandbox is not None:
        client = xendit_client("http://xendit.sandbox", settings.xendit_key, transport=httpx.ASGITransport(app=sandbox))
    else:
        client = xendit_client(settings.xendit_base_url or "", settings.xendit_key)
    try:
        yield client
    finally:
        await client.aclose()


def _payment_gateway(settings: Settings, clock: SystemClock, ids: Uuid7Ids, http: Any) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.payments import MemoryPaymentGateway

        return MemoryPaymentGateway(clock, ids, base_url=f"{settings.base_url}/sandbox/xendit")
    from marketplace.adapters.xendit.payments import XenditPaymentGateway

    return XenditPaymentGateway(_configured(http, "MARKETPLACE_XENDIT_BASE_URL"))


def _payout_gateway(settings: Settings, ids: Uuid7Ids, http: Any) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.payouts import MemoryPayoutGateway

        return MemoryPayoutGateway(ids)
    from marketplace.adapters.xendit.payouts import XenditPayoutGateway

    return XenditPayoutGateway(_configured(http, "MARKETPLACE_XENDIT_BASE_URL"))


def _money_totals(settings: Settings, engine: Any, memory_db: MemoryDatabase) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.money_totals import MemoryMoneyTotals

        return MemoryMoneyTotals(memory_db)
    from marketplace.adapters.sql.money_totals import SqlMoneyTotals

    return SqlMoneyTotals(engine)


def uses_builtin_gosend(settings: Settings) -> bool:
    return settings.backend == "sql" and settings.serves_sandbox and settings.gosend_base_url is None


def _configured(http: Any, variable: str) -> Any:
    if http is None:
        raise SettingsError(f"{variable} is required: no provider is configured and the sandboxes are not served")
    return http


async def gosend_sandbox(settings: Settings, this_app: LateAsgi) -> AsyncIterator[Any]:
    """The GoSend sandbox mounted at /sandbox/gosend on the embedded default (None otherwise)."""
    if not uses_builtin_gosend(settings):
        yield None
        return
    import httpx

    from marketplace.adapters.sandbox.gosend import GoSendSandboxConfig, create_gosend_sandbox

    callbacks = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=this_app), base_url=settings.base_url, timeout=httpx.Timeout(10.0)
    )
    sandbox = create_gosend_sandbox(
        GoSendSandboxConfig(
            client_id=settings.gosend_client,
            pass_key=settings.gosend_key,
            webhook_token=settings.gosend_token,
            webhook_header=settings.gosend_webhook_header,
            public_url=f"{settings.base_url}/sandbox/gosend",
            callback_url=settings.base_url,
            pace_seconds=settings.gosend_sandbox_pace_seconds,
            http=callbacks,
            state_dir=_sandbox_state(settings),
        )
    )
    try:
        await sandbox.startup()
        yield sandbox
    finally:
        await sandbox.shutdown()
        await callbacks.aclose()


async def gosend_http(settings: Settings, sandbox: Any) -> AsyncIterator[Any]:
    """The HTTP client of the GoSend adapter: to GoSend (or a standalone sandbox), or in process to
    the built-in sandbox."""
    if settings.backend != "sql" or (sandbox is None and settings.gosend_base_url is None):
        yield None
        return
    import httpx

    from marketplace.adapters.gosend.shipping import gosend_client

    if sandbox is not None:
        client = gosend_client(
            "http://gosend.sandbox",
            settings.gosend_client,
            settings.gosend_key,
            transport=httpx.ASGITransport(app=sandbox),
        )
    else:
        client = gosend_client(settings.gosend_base_url or "", settings.gosend_client, settings.gosend_key)
    try:
        yield client
    finally:
        await client.aclose()


def _shipping_gateway(settings: Settings, http: Any) -> Any:
    if settings.backend == "memory":
        from marketplace.adapters.memory.shipping import MemoryShippingGateway

        return MemoryShippingGateway()
    from marketplace.adapters.gosend.shipping import GoSendShippingGateway

    return GoSendShippingGateway(_configured(http, "MARKETPLACE_GOSEND_BASE_URL"))


async def chat_store(settings: Settings, engine: Any) -> AsyncIterator[Any]:
    """MongoDB when MARKETPLACE_MONGO_URL is set; else the SQL database (or memory)."""
    if settings.mongo_url is not None:
        from marketplace.adapters.mongo.chat_store import open_mongo_chat_store

        client, store = await open_mongo_chat_store(settings.mongo_url)
        try:
            yield store
        finally:
            await client.close()
        return
    if settings.backend == "memory":
        from marketplace.adapters.memory.chat import MemoryChatStore

        yield MemoryChatStore()
        return
    from marketplace.adapters.sql.chat_store import SqlChatStore

    yield SqlChatStore(engine)


def _socket_server(settings: Settings) -> Any:
    from marketplace.entrypoints.realtime.server import create_socket_server

    return create_socket_server(settings)


def _notifier(socket_server: Any) -> Any:
    from marketplace.adapters.socketio.notifier import SocketIONotifier

    return SocketIONotifier(socket_server)


def _cache(settings: Settings, redis: Any) -> Any:
    if redis is not None:
        from marketplace.adapters.redis.cache import RedisCache

        return RedisCache(redis, prefix=settings.redis_prefix)
    return InProcessCache()


def _markup_renderer() -> Any:
    from marketplace.adapters.markup.markdown import MarkdownRenderer

    return MarkdownRenderer()


def _rate_limiter(settings: Settings, redis: Any) -> Any:
    if redis is not None:
        from marketplace.adapters.redis.cache import RedisRateLimiter

        return RedisRateLimiter(redis, prefix=settings.redis_prefix + "rl:")
    return InProcessRateLimiter()


def _back_off(settings: Settings, redis: Any) -> Any:
    if redis is not None:
        from marketplace.adapters.redis.back_off import RedisBackOff

        return RedisBackOff(redis, prefix=settings.redis_prefix + "bo:")
    return InProcessBackOff()


def _catalog_cache(settings: Settings, cache: Any) -> CatalogCache:
    return CatalogCache(cache if settings.catalog_cache else None, ttl_seconds=settings.catalog_cache_seconds)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Ids)
    checkpoints = providers.Singleton(NoCheckpoints)  # the crash tests override it; nothing else does
    memory_db = providers.Singleton(MemoryDatabase)
    engine = providers.Resource(sql_engine, settings)
    redis = providers.Resource(redis_client, settings)
    secrets = providers.Singleton(signing_keys, settings)
    storage = providers.Resource(object_storage, settings, secrets)

    cache = providers.Singleton(_cache, settings, redis)
    rate_limiter = providers.Singleton(_rate_limiter, settings, redis)
    back_off = providers.Singleton(_back_off, settings, redis)
    catalog_cache = providers.Singleton(_catalog_cache, settings, cache)
    uow = providers.Singleton(_uow_factory, settings, engine, memory_db, clock, ids, catalog_cache)
    catalog_queries = providers.Singleton(_catalog_queries, settings, engine, memory_db)
    catalog_importer = providers.Singleton(_catalog_importer, settings, engine, memory_db)
    hasher = providers.Singleton(Argon2PasswordHasher, settings.provided.password_hash_profile)
    password_policy = providers.Singleton(ZxcvbnPasswordPolicy)
    tokens = providers.Singleton(JwtTokenService, secrets.provided.tokens, settings.provided.access_token_seconds)

    # Identity
    register_user = providers.Singleton(
        RegisterUser, uow=uow, hasher=hasher, passwords=password_policy, clock=clock, ids=ids
    )
    login_throttle = providers.Singleton(LoginThrottle, back_off)
    log_in = providers.Singleton(
        LogIn,
        uow=uow,
        hasher=hasher,
        tokens=tokens,
        clock=clock,
        ids=ids,
        refresh_days=settings.provided.refresh_token_days,
        throttle=login_throttle,
    )
    refresh_session = providers.Singleton(
        RefreshSession, uow=uow, tokens=tokens, clock=clock, ids=ids, refresh_days=settings.provided.refresh_token_days
    )
    log_out = providers.Singleton(LogOut, uow=uow)
    create_admin = providers.Singleton(
        CreateAdmin, uow=uow, hasher=hasher, passwords=password_policy, clock=clock, ids=ids
    )
    get_profile = providers.Singleton(GetProfile, uow=uow)
    update_profile = providers.Singleton(UpdateProfile, uow=uow)
    list_addresses = providers.Singleton(ListAddresses, uow=uow)
    add_address = providers.Singleton(AddAddress, uow=uow, clock=clock, ids=ids)
    change_address = providers.Singleton(ChangeAddress, uow=uow)
    remove_address = providers.Singleton(RemoveAddress, uow=uow)

    # Stores
    open_store = providers.Singleton(
        OpenStore, uow=uow, clock=clock, ids=ids, cache=catalog_cache, base_url=settings.provided.base_url
    )
    update_store = providers.Singleton(UpdateStore, uow=uow, cache=catalog_cache, base_url=settings.provided.base_url)
    suspend_store = providers.Singleton(
        SetStoreSuspension, uow=uow, cache=catalog_cache, suspend=True, base_url=settings.provided.base_url
    )
    unsuspend_store = providers.Singleton(
        SetStoreSuspension, uow=uow, cache=catalog_cache, suspend=False, base_url=settings.provided.base_url
    )
    get_store = providers.Singleton(GetStore, uow=uow, base_url=settings.provided.base_url)
    browse_stores = providers.Singleton(BrowseStores, uow=uow, base_url=settings.provided.base_url)

    # Catalog
    catalog_writer = providers.Singleton(
        CatalogWriter, uow=uow, queries=catalog_queries, cache=catalog_cache, clock=clock, ids=ids
    )
    list_categories = providers.Singleton(ListCategories, uow=uow)
    create_category = providers.Singleton(CreateCategory, uow=uow, clock=clock, ids=ids, cache=catalog_cache)
    create_product = providers.Singleton(CreateProduct, writer=catalog_writer)
    update_product = providers.Singleton(UpdateProduct, writer=catalog_writer)
    publish_product = providers.Singleton(PublishProduct, writer=catalog_writer)
    archive_product = providers.Singleton(ArchiveProduct, writer=catalog_writer)
    add_variant = providers.Singleton(AddVariant, writer=catalog_writer)
    change_variant = providers.Singleton(ChangeVariant, writer=catalog_writer)
    remove_variant = providers.Singleton(RemoveVariant, writer=catalog_writer)
    browse_products = providers.Singleton(BrowseProducts, uow=uow, queries=catalog_queries, cache=catalog_cache)
    get_product = providers.Singleton(GetProduct, uow=uow, queries=catalog_queries, cache=catalog_cache)
    list_store_products = providers.Singleton(ListStoreProducts, uow=uow, queries=catalog_queries)

    # Cart
    cart = providers.Singleton(CartService, uow=uow, queries=catalog_queries, clock=clock)

    # Ordering
    this_app = providers.Singleton(LateAsgi)
    xendit_sandbox = providers.Resource(xendit_sandbox, settings, this_app)
    xendit_http = providers.Resource(xendit_http, settings, xendit_sandbox)
    payments = providers.Singleton(_payment_gateway, settings, clock, ids, xendit_http)
    gosend_sandbox = providers.Resource(gosend_sandbox, settings, this_app)
    gosend_http = providers.Resource(gosend_http, settings, gosend_sandbox)
    shipping = providers.Singleton(_shipping_gateway, settings, gosend_http)
    idempotency = providers.Singleton(_idempotency_store, settings, engine)
    outbox = providers.Singleton(_outbox_store, settings, engine, memory_db)
    quote_checkout = providers.Singleton(QuoteCheckout, uow=uow, queries=catalog_queries, shipping=shipping)
    place_checkout = providers.Singleton(
        PlaceCheckout,
        uow=uow,
        queries=catalog_queries,
        shipping=shipping,
        payments=payments,
        clock=clock,
        ids=ids,
        invoice_seconds=settings.provided.invoice_duration_seconds,
        fee_bps=settings.provided.platform_fee_bps,
        checkpoints=checkpoints,
    )
    get_checkout = providers.Singleton(GetCheckout, uow=uow)
    apply_invoice = providers.Singleton(ApplyInvoice, uow=uow, clock=clock)
    sync_payment = providers.Singleton(SyncPayment, uow=uow, payments=payments, apply=apply_invoice)
    cancel_checkout = providers.Singleton(CancelCheckout, uow=uow, clock=clock)
    expire_cancelled_invoice = providers.Singleton(
        ExpireCancelledInvoice, uow=uow, payments=payments, apply=apply_invoice
    )
    expire_checkouts = providers.Singleton(
        ExpireCheckouts, uow=uow, payments=payments, apply=apply_invoice, clock=clock
    )
    buyer_orders = providers.Singleton(BuyerOrders, uow=uow, clock=clock)
    store_orders = providers.Singleton(StoreOrders, uow=uow, clock=clock)
    refund_order = providers.Singleton(RefundOrder, uow=uow, payments=payments, clock=clock)
    receive_callback = providers.Singleton(ReceiveCallback, uow=uow, clock=clock, ids=ids, checkpoints=checkpoints)
    reconcile_payments = providers.Singleton(ReconcilePayments, uow=uow, payments=payments, clock=clock)

    # Shipping
    store_shipping = providers.Singleton(StoreShipping, uow=uow, shipping=shipping, clock=clock)
    shipment_reports = providers.Singleton(
        ShipmentReports,
        uow=uow,
        shipping=shipping,
        clock=clock,
        ids=ids,
        quiet_after=providers.Callable(_seconds, settings.provided.shipment_poll_seconds),
    )
    get_shipment = providers.Singleton(GetShipment, uow=uow)
    complete_delivered_orders = providers.Singleton(
        CompleteDeliveredOrders,
        uow=uow,
        clock=clock,
        after=providers.Callable(_seconds, settings.provided.order_autocomplete_seconds),
    )

    # Marketplace money: ledger, affiliates, payouts
    payout_gateway = providers.Singleton(_payout_gateway, settings, ids, xendit_http)
    money_totals = providers.Singleton(_money_totals, settings, engine, memory_db)
    attribution = providers.Singleton(
        AttributionSigner,
        key=secrets.provided.attribution,
        window=providers.Callable(_days, settings.provided.affiliate_window_days),
    )
    payouts = providers.Singleton(
        Payouts,
        uow=uow,
        gateway=payout_gateway,
        clock=clock,
        ids=ids,
        minimum=settings.provided.payout_minimum,
        checkpoints=checkpoints,
    )
    payout_callbacks = providers.Singleton(PayoutCallbacks, uow=uow, payouts=payouts, clock=clock, ids=ids)
    store_money = providers.Singleton(StoreMoney, uow=uow, payouts=payouts)
    affiliate_program = providers.Singleton(
        AffiliateProgram,
        uow=uow,
        queries=catalog_queries,
        clock=clock,
        signer=attribution,
        payouts=payouts,
        base_url=settings.provided.base_url,
    )
    reconcile_ledger = providers.Singleton(ReconcileLedger, uow=uow, totals=money_totals)

    # Reviews
    reviews = providers.Singleton(
        Reviews,
        uow=uow,
        queries=catalog_queries,
        cache=catalog_cache,
        clock=clock,
        ids=ids,
        base_url=settings.provided.base_url,
        edit_window=providers.Callable(_seconds, settings.provided.review_edit_seconds),
    )

    # Chat and live notifications
    chat = providers.Resource(chat_store, settings, engine)
    socket_server = providers.Singleton(_socket_server, settings)
    notifier = providers.Singleton(_notifier, socket_server)
    conversations = providers.Singleton(Conversations, uow=uow, chat=chat, clock=clock, ids=ids)
    chat_messages = providers.Singleton(
        ChatMessages,
        uow=uow,
        chat=chat,
        notifier=notifier,
        limiter=rate_limiter,
        clock=clock,
        ids=ids,
        max_body=settings.provided.chat_max_body,
        per_minute=settings.provided.chat_rate_limit,
    )
    push_updates = providers.Singleton(PushUpdates, uow=uow, notifier=notifier)

    # CMS (public reads cached in `cache`, Redis when configured; every write invalidates)
    markup = providers.Singleton(_markup_renderer)
    cms_cache = providers.Singleton(CmsCache, cache, ttl_seconds=60)
    create_page = providers.Singleton(CreatePage, uow=uow, renderer=markup, cache=cms_cache, clock=clock, ids=ids)
    edit_page = providers.Singleton(EditPage, uow=uow, renderer=markup, cache=cms_cache, clock=clock)
    publish_page = providers.Singleton(PublishPage, uow=uow, cache=cms_cache, clock=clock, publish=True)
    unpublish_page = providers.Singleton(PublishPage, uow=uow, cache=cms_cache, clock=clock, publish=False)
    show_page = providers.Singleton(ShowPage, uow=uow)
    list_pages = providers.Singleton(ListPages, uow=uow)
    read_public_page = providers.Singleton(ReadPublicPage, uow=uow, cache=cms_cache)
    create_banner = providers.Singleton(
        CreateBanner, uow=uow, cache=cms_cache, clock=clock, ids=ids, base_url=settings.provided.base_url
    )
    edit_banner = providers.Singleton(
        EditBanner, uow=uow, cache=cms_cache, clock=clock, base_url=settings.provided.base_url
    )
    publish_banner = providers.Singleton(
        PublishBanner, uow=uow, cache=cms_cache, clock=clock, base_url=settings.provided.base_url, publish=True
    )
    unpublish_banner = providers.Singleton(
        PublishBanner, uow=uow, cache=cms_cache, clock=clock, base_url=settings.provided.base_url, publish=False
    )
    show_banner = providers.Singleton(ShowBanner, uow=uow, base_url=settings.provided.base_url)
    list_banners = providers.Singleton(ListBanners, uow=uow, base_url=settings.provided.base_url)
    list_live_banners = providers.Singleton(
        ListLiveBanners, uow=uow, cache=cms_cache, clock=clock, base_url=settings.provided.base_url
    )

    # Media
    images = providers.Singleton(PillowImageProcessor)
    request_upload = providers.Singleton(RequestUpload, uow=uow, storage=storage, clock=clock, ids=ids)
    clean_up_media = providers.Singleton(CleanUpMedia, uow=uow, storage=storage, clock=clock)
    download_media = providers.Singleton(DownloadMedia, uow=uow, storage=storage, queries=catalog_queries, chat=chat)
    complete_upload = providers.Singleton(
        CompleteUpload, uow=uow, storage=storage, images=images, clock=clock, base_url=settings.provided.base_url
    )


def build_container(settings: Settings | None = None) -> Container:
    """A container for these settings; call `await container.init_resources()` before use."""
    return Container(settings=settings or Settings.from_env())


async def resolve(provider: providers.Provider[Any]) -> Any:
    """A provider's value whether it is async (it depends on a Resource) or not."""
    value = provider()
    return await value if inspect.isawaitable(value) else value
