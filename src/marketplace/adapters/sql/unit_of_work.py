"""The SQL unit of work: one connection and transaction; commit writes the outbox in it too."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy import Executable, insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from marketplace.adapters.sql.affiliate_repository import SqlAffiliateRepository, SqlCommissionRepository
from marketplace.adapters.sql.base import Params
from marketplace.adapters.sql.cart_repository import SqlCartRepository
from marketplace.adapters.sql.checkout_repository import SqlCheckoutRepository, SqlProviderCallbackRepository
from marketplace.adapters.sql.cms_repository import SqlCmsBannerRepository, SqlCmsPageRepository
from marketplace.adapters.sql.engine import BEGIN_MODE, DEFERRED, IMMEDIATE, is_sqlite
from marketplace.adapters.sql.errors import busy_as_conflict
from marketplace.adapters.sql.identity_repositories import (
    SqlAddressRepository,
    SqlRefreshTokenRepository,
    SqlUserRepository,
)
from marketplace.adapters.sql.media_repository import SqlMediaRepository
from marketplace.adapters.sql.order_repository import SqlOrderRepository
from marketplace.adapters.sql.product_repository import SqlProductRepository
from marketplace.adapters.sql.review_repository import SqlRatingRepository, SqlReviewRepository
from marketplace.adapters.sql.settlement_repository import SqlLedgerRepository, SqlPayoutRepository
from marketplace.adapters.sql.shipment_repository import SqlShipmentRepository
from marketplace.adapters.sql.stock_repository import SqlProcessedMessages, SqlStockRepository
from marketplace.adapters.sql.store_repositories import SqlCategoryRepository, SqlStoreRepository
from marketplace.adapters.sql.tables import outbox
from marketplace.application.events import OutboxMessage
from marketplace.application.ports.cms import CmsBannerRepository, CmsPageRepository
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
from marketplace.domain.shared.events import Aggregate


class SqlUnitOfWork:
    """Repositories run their statements at once, so unique violations surface at add/save.

    On SQLite reads share a deferred snapshot; the first write ends it and opens a BEGIN IMMEDIATE
    transaction, which waits for the write lock instead of failing (see engine.py). Aggregates are
    versioned, so data read before that point cannot be overwritten unnoticed.
    """

    def __init__(
        self, engine: AsyncEngine, clock: Clock, ids: IdGenerator, on_stock_moved: StockMoved | None = None
    ) -> None:
        self._engine, self._clock, self._ids = engine, clock, ids
        self._on_stock_moved = on_stock_moved
        self._sqlite = is_sqlite(engine)
        self._connection: AsyncConnection | None = None
        self._writing = False
        self._touched: list[Aggregate] = []
        # Typed as the ports: the unit of work then satisfies UnitOfWork, and mypy checks each repository.
        self.users: UserRepository = SqlUserRepository(self)
        self.refresh_tokens: RefreshTokenRepository = SqlRefreshTokenRepository(self)
        self.addresses: AddressRepository = SqlAddressRepository(self)
        self.stores: StoreRepository = SqlStoreRepository(self)
        self.categories: CategoryRepository = SqlCategoryRepository(self)
        self.products: ProductRepository = SqlProductRepository(self)
        self.media: MediaRepository = SqlMediaRepository(self)
        self.carts: CartRepository = SqlCartRepository(self)
        self.checkouts: CheckoutRepository = SqlCheckoutRepository(self)
        self.orders: OrderRepository = SqlOrderRepository(self)
        self.shipments: ShipmentRepository = SqlShipmentRepository(self)
        self.reviews: ReviewRepository = SqlReviewRepository(self)
        self.ratings: RatingRepository = SqlRatingRepository(self, engine.dialect.name)
        self.ledger: LedgerRepository = SqlLedgerRepository(self, engine.dialect.name)
        self.commissions: CommissionRepository = SqlCommissionRepository(self)
        self.affiliates: AffiliateRepository = SqlAffiliateRepository(self, engine.dialect.name)
        self.payouts: PayoutRepository = SqlPayoutRepository(self)
        self._stock = SqlStockRepository(self)
        self.stock: StockRepository = self._stock
        self.processed: ProcessedMessages = SqlProcessedMessages(self, clock, engine.dialect.name)
        self.callbacks: ProviderCallbackRepository = SqlProviderCallbackRepository(self)
        self.cms_pages: CmsPageRepository = SqlCmsPageRepository(self)
        self.cms_banners: CmsBannerRepository = SqlCmsBannerRepository(self)

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open")
        with busy_as_conflict():
            connection = await self._engine.connect()
        await self._next_transaction(connection, DEFERRED)
        self._connection = connection
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection, self._connection = self._connection, None
        try:
            if connection is not None and connection.in_transaction():
                await connection.rollback()
        finally:
            self._forget()
            if connection is not None:
                await connection.close()

    async def commit(self) -> None:
        connection = self._open()
        now = self._clock.now()
        rows = [
            _outbox_row(OutboxMessage.of(event, id=self._ids.new_id(), now=now))
            for aggregate in self._touched
            for event in aggregate.pull_events()
        ]
        if rows:
            await self.write(insert(outbox), rows)
        moved = await self._stock.moved_refs() if self._on_stock_moved else []
        with busy_as_conflict():
            await connection.commit()
        self._touched.clear()
        self._stock.forget()
        await self._next_transaction(connection, DEFERRED)
        if moved and self._on_stock_moved:
            await self._on_stock_moved(moved)

    async def rollback(self) -> None:
        connection = self._open()
        await connection.rollback()
        self._forget()
        await self._next_transaction(connection, DEFERRED)

    async def read(self, statement: Executable, params: Params = None) -> CursorResult[Any]:
        return await self._run(statement, params)

    async def write(self, statement: Executable, params: Params = None) -> CursorResult[Any]:
        if self._sqlite and not self._writing:
            # Nothing was written yet, so ending the read snapshot loses nothing.
            connection = self._open()
            await connection.commit()
            await self._next_transaction(connection, IMMEDIATE)
        return await self._run(statement, params)

    def touch(self, aggregate: object) -> None:
        if isinstance(aggregate, Aggregate) and all(a is not aggregate for a in self._touched):
            self._touched.append(aggregate)

    async def _run(self, statement: Executable, params: Params) -> CursorResult[Any]:
        with busy_as_conflict():
            return await self._open().execute(statement, params)

    async def _next_transaction(self, connection: AsyncConnection, mode: str) -> None:
        """What the next statement begins (lazily): on SQLite a read snapshot or the write lock."""
        self._writing = mode == IMMEDIATE
        if self._sqlite:
            await connection.execution_options(**{BEGIN_MODE: mode})

    def _open(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._connection

    def _forget(self) -> None:
        """Drops the events of aggregates whose changes were not committed, and their stock moves."""
        self._stock.forget()
        for aggregate in self._touched:
            aggregate.pull_events()
        self._touched.clear()


def _outbox_row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "topic": message.topic,
        "payload": message.payload,
        "created_at": message.created_at,
        "available_at": message.created_at,
        "attempts": 0,
    }
