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
from marketplace.application.events import OutboxMessage
from marketplace.application.ports.cms import CmsBannerRepository, CmsPageRepository
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.ports.persistence import (
    AddressRepository,
    CartRepository,
    CategoryRepository,
    CheckoutRepository,
    MediaRepository,
    OrderRepository,
    ProcessedMessages,
    ProductRepository,
    ProviderCallbackRepository,
    RefreshTokenRepository,
    ShipmentRepository,
    StockMoved,
    StockRepository,
    StoreRepository,
    UserRepository,
)
from marketplace.application.ports.reviews import RatingRepository, ReviewRepository
from marketplace.application.ports.settlement import (
    AffiliateRepository,
    CommissionRepository,
    LedgerRepository,
    PayoutRepository,
)
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
        # Typed as the ports, as in the SQL unit of work: mypy checks each repository against its port.
        self.users: UserRepository = MemoryUserRepository(self)
        self.refresh_tokens: RefreshTokenRepository = MemoryRefreshTokenRepository(self)
        self.addresses: AddressRepository = MemoryAddressRepository(self)
        self.stores: StoreRepository = MemoryStoreRepository(self)
        self.categories: CategoryRepository = MemoryCategoryRepository(self)
        self.products: ProductRepository = MemoryProductRepository(self)
        self.media: MediaRepository = MemoryMediaRepository(self)
        self.carts: CartRepository = MemoryCartRepository(self)
        self.checkouts: CheckoutRepository = MemoryCheckoutRepository(self)
        self.orders: OrderRepository = MemoryOrderRepository(self)
        self.shipments: ShipmentRepository = MemoryShipmentRepository(self)
        self.reviews: ReviewRepository = MemoryReviewRepository(self)
        self.ratings: RatingRepository = MemoryRatingRepository(self)
        self.ledger: LedgerRepository = MemoryLedgerRepository(self)
        self.commissions: CommissionRepository = MemoryCommissionRepository(self)
        self.affiliates: AffiliateRepository = MemoryAffiliateRepository(self)
        self.payouts: PayoutRepository = MemoryPayoutRepository(self)
        self._stock = MemoryStockRepository(self)  # the unit of work applies its reservations on commit
        self.stock: StockRepository = self._stock
        self.processed: ProcessedMessages = MemoryProcessedMessages(self)
        self.callbacks: ProviderCallbackRepository = MemoryProviderCallbackRepository(self)
        self.cms_pages: CmsPageRepository = MemoryCmsPageRepository(self)
        self.cms_banners: CmsBannerRepository = MemoryCmsBannerRepository(self)

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
            self._stock.check(self.table("products"))  # before anything is written: all or nothing
            now = self._clock.now()
            messages = [
                OutboxMessage.of(event, id=self._ids.new_id(), now=now)
                for aggregate in self._touched
                for event in aggregate.pull_events()
            ]  # all made (an unregistered event refused) before anything is written
            for m in messages:
                self._db.outbox[m.id] = OutboxEntry(m.id, m.topic, m.payload, now, attempts=0, available_at=now)
            for table in self._tables.values():
                table.apply()
            moved = self._stock.apply(self._db.table("products"))
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
        self._stock.forget()
        for aggregate in self._touched:
            aggregate.pull_events()
        self._touched.clear()
