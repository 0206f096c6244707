"""The memory backend (MARKETPLACE_BACKEND=memory): every port in the process, nothing to open."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.adapters.memory.back_off import InProcessBackOff
from marketplace.adapters.memory.cache import InProcessCache, InProcessRateLimiter
from marketplace.adapters.memory.catalog_queries import MemoryCatalogQueries
from marketplace.adapters.memory.chat import MemoryChatStore
from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.idempotency import MemoryIdempotencyStore
from marketplace.adapters.memory.importer import MemoryCatalogImporter
from marketplace.adapters.memory.money_totals import MemoryMoneyTotals
from marketplace.adapters.memory.notifications import MemoryNotificationStore
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.storage.memory import MemoryObjectStorage
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


def units_of_work(db: MemoryDatabase, clock: Clock, ids: IdGenerator) -> UnitsOfWork:
    def made(on_stock_moved: StockMoved | None) -> UnitOfWorkFactory:
        return lambda: MemoryUnitOfWork(db, clock, ids, on_stock_moved)

    return made


class MemoryBackend(Backend):
    memory_db = providers.Singleton(MemoryDatabase)
    engine = providers.Object[None](None)
    redis = providers.Object[None](None)

    units_of_work = providers.Singleton[UnitsOfWork](units_of_work, memory_db, Backend.clock, Backend.ids)
    catalog_queries = providers.Singleton[CatalogQueries](
        MemoryCatalogQueries, memory_db, Backend.settings.provided.base_url
    )
    catalog_importer = providers.Singleton[CatalogImporter](MemoryCatalogImporter, memory_db)
    idempotency = providers.Singleton[IdempotencyStore](MemoryIdempotencyStore)
    outbox = providers.Singleton[OutboxStore](MemoryOutboxStore, memory_db)
    money_totals = providers.Singleton[MoneyTotals](MemoryMoneyTotals, memory_db)
    storage = providers.Singleton[ObjectStorage](MemoryObjectStorage)
    chat = providers.Singleton[ChatStore](MemoryChatStore)
    notifications = providers.Singleton[NotificationStore](MemoryNotificationStore)

    cache = providers.Singleton[Cache](InProcessCache)
    rate_limiter = providers.Singleton[RateLimiter](InProcessRateLimiter)
    back_off = providers.Singleton[BackOff](InProcessBackOff)
