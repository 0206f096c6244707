"""The in-memory unit of work: staged writes, optimistic versions, the outbox filled on commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from marketplace.adapters.memory.cms import MemoryCmsBannerRepository, MemoryCmsPageRepository
from marketplace.adapters.memory.database import MemoryDatabase, StagedTable
from marketplace.adapters.memory.ordering import (
    MemoryCheckoutRepository,
    MemoryOrderRepository,
    MemoryProcessedMessages,
    MemoryProviderCallbackRepository,
    MemoryShipmentRepository,
    MemoryStockRepository,
)
from marketplace.adapters.memory.repositories import (
    MemoryAddressRepository,
    MemoryCartRepository,
    MemoryCategoryRepository,
    MemoryMediaRepository,
    MemoryProductRepository,
    MemoryRefreshTokenRepository,
    MemoryStoreRepository,
    MemoryUserRepository,
)
from marketplace.adapters.memory.reviews import MemoryRatingRepository, MemoryReviewRepository
from marketplace.adapters.memory.settlement import (
    MemoryAffiliateRepository,
    MemoryCommissionRepository,
    MemoryLedgerRepository,
    MemoryPayoutRepository,
)
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.ports.persistence import StockMoved
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.shared.errors import ConcurrentUpdate
from marketplace.domain.shared.events import Aggregate


class MemoryUnitOfWork:
    def __init__(
        self, db: MemoryDatabase, clock: Clock, ids: IdGenerator, on_stock_moved: StockMoved | None = None
    ) -> None:
        self._db, self._clock, self._ids = db, clock, ids
        self._on_stock_moved = on_stock_moved
        self._tables: dict[str, StagedTable] = {}
        self._read_versions: dict[tuple[str, str], int] = {}
        self._touched: list[Aggregate] = []
        self._conditions: list[tuple[Callable[[MemoryDatabase], bool], str]] = []
        self.users = MemoryUserRepository(self)
        self.refresh_tokens = MemoryRefreshTokenRepository(self)
        self.addresses = MemoryAddressRepository(self)
        self.stores = MemoryStoreRepository(self)
        self.categories = MemoryCategoryRepository(self)
        self.products = MemoryProductRepository(self)
        self.media = MemoryMediaRepository(self)
        self.carts = MemoryCartRepository(self)
        self.checkouts = MemoryCheckoutRepository(self)
        self.orders = MemoryOrderRepository(self)
        self.shipments = MemoryShipmentRepository(self)
        self.reviews = MemoryReviewRepository(self)
        self.ratings = MemoryRatingRepository(self)
        self.ledger = MemoryLedgerRepository(self)
        self.commissions = MemoryCommissionRepository(self)
        self.affiliates = MemoryAffiliateRepository(self)
        self.payouts = MemoryPayoutRepository(self)
        self.stock = MemoryStockRepository(self)
        self.processed = MemoryProcessedMessages(self)
        self.callbacks = MemoryProviderCallbackRepository(self)
        self.cms_pages = MemoryCmsPageRepository(self)
        self.cms_banners = MemoryCmsBannerRepository(self)

    def table(self, name: str) -> StagedTable:
        if name not in self._tables:
            self._tables[name] = StagedTable(self._db, name)
        return self._tables[name]

    def now(self) -> datetime:
        return self._clock.now()

    def touch(self, aggregate: Any) -> None:
        if isinstance(aggregate, Aggregate) and all(a is not aggregate for a in self._touched):
            self._touched.append(aggregate)

    def remember_version(self, table: str, key: str, version: int) -> None:
        """The version we based a write on; commit fails if the committed one moved since."""
        self._read_versions.setdefault((table, key), version)

    def require(self, holds: Callable[[MemoryDatabase], bool], failure: str) -> None:
        """A condition the committed data must still meet at commit (as a conditional SQL write's
        WHERE clause would); commit raises ConcurrentUpdate(failure) when it no longer does."""
        self._conditions.append((holds, failure))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        async with self._db.lock:
            for (name, key), version in self._read_versions.items():
                current = self._db.table(name).get(key)
                if current is not None and current.version != version:
                    raise ConcurrentUpdate(f"{name} {key} was changed by someone else; try again")
            for holds, failure in self._conditions:
                if not holds(self._db):
                    raise ConcurrentUpdate(failure)
            self.stock.check(self.table("products"))  # before anything is written: all or nothing
            now = self._clock.now()
            for aggregate in self._touched:
                for event in aggregate.pull_events():
                    message_id = self._ids.new_id()
                    self._db.outbox[message_id] = OutboxEntry(
                        id=message_id,
                        topic=event.topic,
                        payload=event.payload(),
                        created_at=now,
                        attempts=0,
                        available_at=now,
                    )
            for table in self._tables.values():
                table.apply()
            moved = self.stock.apply(self._db.table("products"))
        self._read_versions.clear()
        self._conditions.clear()
        self._touched.clear()
        if moved and self._on_stock_moved:
            await self._on_stock_moved(moved)

    async def rollback(self) -> None:
        for table in self._tables.values():
            table.staged.clear()
        self._read_versions.clear()
        self._conditions.clear()
        self.stock.forget()
        for aggregate in self._touched:
            aggregate.pull_events()
        self._touched.clear()
