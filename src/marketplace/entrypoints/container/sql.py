"""The SQL backend: SQLite or PostgreSQL, with Redis, MinIO/S3 and the providers (or their built-in
sandboxes) where configured (docs/architecture.md, "Configuration and the deployment rule")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.memory.back_off import InProcessBackOff
from marketplace.adapters.memory.cache import InProcessCache, InProcessRateLimiter
from marketplace.adapters.sql.catalog_queries import SqlCatalogQueries
from marketplace.adapters.sql.chat_store import SqlChatStore
from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.idempotency import SqlIdempotencyStore
from marketplace.adapters.sql.importer import SqlCatalogImporter
from marketplace.adapters.sql.money_totals import SqlMoneyTotals
from marketplace.adapters.sql.notifications import SqlNotificationStore
from marketplace.adapters.sql.outbox import SqlOutboxStore
from marketplace.adapters.sql.unit_of_work import SqlUnitOfWork
from marketplace.application.ports.cache import Cache
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.idempotency import IdempotencyStore
from marketplace.application.ports.importer import CatalogImporter
from marketplace.application.ports.notifications import NotificationStore
from marketplace.application.ports.outbox import OutboxStore
from marketplace.application.ports.persistence import StockMoved, UnitOfWorkFactory
from marketplace.application.ports.rate_limit import BackOff, RateLimiter
from marketplace.application.ports.settlement import MoneyTotals
from marketplace.application.ports.storage import ObjectStorage
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.entrypoints.container.bundle import Backend, UnitsOfWork
from marketplace.entrypoints.secrets import SigningKeys
from marketplace.entrypoints.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis


async def sql_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The SQLAlchemy engine, disposed on shutdown."""
    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.sql_url, pool_size=settings.database_pool_size)
    try:
        yield engine
    finally:
        await engine.dispose()


async def redis_client(settings: Settings) -> AsyncIterator[Redis | None]:
    """Redis when MARKETPLACE_REDIS_URL is set (None otherwise: everything it serves stays in process)."""
    if settings.redis_url is None:
        yield None
        return
    from redis.asyncio import Redis

    client = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        yield client
    finally:
        await client.aclose()


async def object_storage(settings: Settings, keys: SigningKeys) -> AsyncIterator[ObjectStorage]:
    """MinIO/S3 when MARKETPLACE_S3_ENDPOINT is set, else a folder under the data dir."""
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


def units_of_work(engine: AsyncEngine, clock: Clock, ids: IdGenerator) -> UnitsOfWork:
    def made(on_stock_moved: StockMoved | None) -> UnitOfWorkFactory:
        return lambda: SqlUnitOfWork(engine, clock, ids, on_stock_moved)

    return made


def make_cache(settings: Settings, redis: Redis | None) -> Cache:
    if redis is None:
        return InProcessCache()
    from marketplace.adapters.redis.cache import RedisCache

    return RedisCache(redis, prefix=settings.redis_prefix)


def make_rate_limiter(settings: Settings, redis: Redis | None) -> RateLimiter:
    if redis is None:
        return InProcessRateLimiter()
    from marketplace.adapters.redis.cache import RedisRateLimiter

    return RedisRateLimiter(redis, prefix=settings.redis_prefix + "rl:")


def make_back_off(settings: Settings, redis: Redis | None) -> BackOff:
    if redis is None:
        return InProcessBackOff()
    from marketplace.adapters.redis.back_off import RedisBackOff

    return RedisBackOff(redis, prefix=settings.redis_prefix + "bo:")


class SqlBackend(Backend):
    memory_db = providers.Object[None](None)
    engine = providers.Resource(sql_engine, Backend.settings)
    redis = providers.Resource(redis_client, Backend.settings)

    units_of_work = providers.Singleton[UnitsOfWork](units_of_work, engine, Backend.clock, Backend.ids)
    catalog_queries = providers.Singleton[CatalogQueries](SqlCatalogQueries, engine, Backend.settings.provided.base_url)
    catalog_importer = providers.Singleton[CatalogImporter](SqlCatalogImporter, engine)
    idempotency = providers.Singleton[IdempotencyStore](SqlIdempotencyStore, engine)
    outbox = providers.Singleton[OutboxStore](SqlOutboxStore, engine)
    money_totals = providers.Singleton[MoneyTotals](SqlMoneyTotals, engine)
    storage = providers.Resource(object_storage, Backend.settings, Backend.keys)
    chat = providers.Singleton[ChatStore](SqlChatStore, engine)
    notifications = providers.Singleton[NotificationStore](SqlNotificationStore, engine)

    cache = providers.Singleton(make_cache, Backend.settings, redis)
    rate_limiter = providers.Singleton(make_rate_limiter, Backend.settings, redis)
    back_off = providers.Singleton(make_back_off, Backend.settings, redis)
