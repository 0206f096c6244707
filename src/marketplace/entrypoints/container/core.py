"""What every context's providers build on: settings, time and ids, secrets, the chosen backend's
ports, security and live notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from dependency_injector import containers, providers

from marketplace.adapters.images.pillow import PillowImageProcessor
from marketplace.adapters.security.argon2_hasher import Argon2PasswordHasher
from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.adapters.security.zxcvbn_policy import ZxcvbnPasswordPolicy
from marketplace.adapters.system import SystemClock, Uuid7Ids
from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.ports.cache import Cache
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.checkpoints import NoCheckpoints
from marketplace.application.ports.idempotency import IdempotencyStore
from marketplace.application.ports.images import ImageProcessor
from marketplace.application.ports.mail import Mailer
from marketplace.application.ports.markup import MarkupRenderer
from marketplace.application.ports.notifications import NotificationStore
from marketplace.application.ports.notifier import Notifier
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.rate_limit import RateLimiter
from marketplace.application.ports.security import PasswordHasher, PasswordPolicy, TokenService
from marketplace.application.ports.storage import ObjectStorage
from marketplace.entrypoints.container import gateways, mail, sandboxes
from marketplace.entrypoints.container.backend import open_backend, port
from marketplace.entrypoints.container.bundle import UnitsOfWork
from marketplace.entrypoints.container.sandboxes import LateAsgi
from marketplace.entrypoints.secrets import signing_keys
from marketplace.entrypoints.settings import Settings

if TYPE_CHECKING:
    import socketio


async def chat_store(settings: Settings, backend: containers.Container) -> AsyncIterator[ChatStore]:
    """MongoDB when MARKETPLACE_MONGO_URL is set, whatever the backend; else the backend's own."""
    if settings.mongo_url is None:
        yield await port(backend, "chat")
        return
    from marketplace.adapters.mongo.chat_store import open_mongo_chat_store

    client, store = await open_mongo_chat_store(settings.mongo_url)
    try:
        yield store
    finally:
        await client.close()


def make_socket_server(settings: Settings) -> socketio.AsyncServer:
    from marketplace.entrypoints.realtime.server import create_socket_server

    return create_socket_server(settings)


def socket_notifier(server: socketio.AsyncServer) -> Notifier:
    from marketplace.adapters.socketio.notifier import SocketIONotifier

    return SocketIONotifier(server)


def markdown_renderer() -> MarkupRenderer:
    from marketplace.adapters.markup.markdown import MarkdownRenderer

    return MarkdownRenderer()


def make_catalog_cache(settings: Settings, cache: Cache) -> CatalogCache:
    return CatalogCache(cache if settings.catalog_cache else None, ttl_seconds=settings.catalog_cache_seconds)


def live_stock_units(units: UnitsOfWork, catalog: CatalogCache) -> UnitOfWorkFactory:
    """The backend's units of work; after a commit that moved stock, those products' cached details
    are stale at once (docs/api.md, the catalog: `stock` is what can still be bought)."""
    return units(catalog.stock_moved if catalog.enabled else None)


def seconds(count: float) -> timedelta:
    return timedelta(seconds=count)


def days(count: int) -> timedelta:
    return timedelta(days=count)


class Core(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Ids)
    checkpoints = providers.Singleton(NoCheckpoints)  # the crash tests override it; nothing else does
    secrets = providers.Singleton(signing_keys, settings)
    this_app = providers.Singleton(LateAsgi)

    # The backend (container/backend.py) and its ports. Each is a provider of its own here, so that a
    # test can override one. Those the HTTP boundary reads are typed with their port (called, they hand
    # back an awaitable of it, since the backend is an async Resource; http/services.py awaits it).
    backend = providers.Resource(
        open_backend, settings, clock.provider, ids.provider, secrets.provider, this_app.provider
    )
    memory_db = providers.Singleton(port, backend, "memory_db")
    engine = providers.Singleton(port, backend, "engine")
    redis = providers.Singleton(port, backend, "redis")
    units_of_work = providers.Singleton(port, backend, "units_of_work")
    catalog_queries = cast("providers.Singleton[CatalogQueries]", providers.Singleton(port, backend, "catalog_queries"))
    catalog_importer = providers.Singleton(port, backend, "catalog_importer")
    idempotency = cast("providers.Singleton[IdempotencyStore]", providers.Singleton(port, backend, "idempotency"))
    outbox = providers.Singleton(port, backend, "outbox")
    money_totals = providers.Singleton(port, backend, "money_totals")
    storage = cast("providers.Singleton[ObjectStorage]", providers.Singleton(port, backend, "storage"))
    chat = providers.Resource(chat_store, settings, backend)
    cache = cast("providers.Singleton[Cache]", providers.Singleton(port, backend, "cache"))
    rate_limiter = cast("providers.Singleton[RateLimiter]", providers.Singleton(port, backend, "rate_limiter"))
    back_off = providers.Singleton(port, backend, "back_off")
    notifications = cast("providers.Singleton[NotificationStore]", providers.Singleton(port, backend, "notifications"))

    # The providers, chosen by their own settings (container/gateways.py), whatever the backend.
    xendit_sandbox = providers.Resource(sandboxes.xendit_sandbox, settings, this_app)
    xendit_http = providers.Resource(sandboxes.xendit_http, settings, xendit_sandbox)
    gosend_sandbox = providers.Resource(sandboxes.gosend_sandbox, settings, this_app)
    gosend_http = providers.Resource(sandboxes.gosend_http, settings, gosend_sandbox)
    payments = providers.Singleton(gateways.payment_gateway, settings, clock, ids, xendit_http)
    payout_gateway = providers.Singleton(gateways.payout_gateway, settings, ids, xendit_http)
    shipping = providers.Singleton(gateways.shipping_gateway, settings, gosend_http)
    # Mail (container/mail.py): SMTP, or kept in the data dir (or memory) and listed at /sandbox/mail.
    mailer = providers.Singleton[Mailer](mail.mailer, settings, clock)
    mail_sandbox = providers.Singleton(mail.mail_sandbox, settings, mailer)

    catalog_cache = providers.Singleton(make_catalog_cache, settings, cache)
    uow = providers.Singleton(live_stock_units, units_of_work, catalog_cache)
    hasher = providers.Singleton[PasswordHasher](Argon2PasswordHasher, settings.provided.password_hash_profile)
    password_policy = providers.Singleton[PasswordPolicy](ZxcvbnPasswordPolicy)
    tokens = providers.Singleton[TokenService](
        JwtTokenService, secrets.provided.tokens, settings.provided.access_token_seconds
    )
    images = providers.Singleton[ImageProcessor](PillowImageProcessor)
    markup = providers.Singleton(markdown_renderer)
    socket_server = providers.Singleton(make_socket_server, settings)
    notifier = providers.Singleton(socket_notifier, socket_server)
