"""The unit of work and the repositories it owns: one transaction per use case. Each repository's
port lives with its context (identity.py, stores.py, catalog.py, ...); they are all importable from here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self

from marketplace.application.ports.cart import CartRepository
from marketplace.application.ports.catalog import CategoryRepository, ProductRepository, StockRepository
from marketplace.application.ports.cms import CmsBannerRepository, CmsPageRepository
from marketplace.application.ports.identity import AddressRepository, RefreshTokenRepository, UserRepository
from marketplace.application.ports.media import MediaRepository
from marketplace.application.ports.ordering import (
    CheckoutRepository,
    OrderRepository,
    ProviderCallback,
    ProviderCallbackRepository,
)
from marketplace.application.ports.outbox import ProcessedMessages
from marketplace.application.ports.reviews import RatingRepository, ReviewRepository
from marketplace.application.ports.settlement import (
    AffiliateRepository,
    CommissionRepository,
    LedgerRepository,
    PayoutRepository,
)
from marketplace.application.ports.shipments import ShipmentRepository
from marketplace.application.ports.stores import StoreRepository


class UnitOfWork(Protocol):
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    addresses: AddressRepository
    stores: StoreRepository
    categories: CategoryRepository
    products: ProductRepository
    media: MediaRepository
    carts: CartRepository
    checkouts: CheckoutRepository
    orders: OrderRepository
    shipments: ShipmentRepository
    reviews: ReviewRepository
    ratings: RatingRepository
    ledger: LedgerRepository
    commissions: CommissionRepository
    affiliates: AffiliateRepository
    payouts: PayoutRepository
    stock: StockRepository
    processed: ProcessedMessages
    callbacks: ProviderCallbackRepository
    cms_pages: CmsPageRepository
    cms_banners: CmsBannerRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Rolls back unless committed."""
        ...

    async def commit(self) -> None:
        """Writes the changes and the events of every touched aggregate to the outbox, atomically."""
        ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]

__all__ = [
    "AddressRepository",
    "AffiliateRepository",
    "CartRepository",
    "CategoryRepository",
    "CheckoutRepository",
    "CmsBannerRepository",
    "CmsPageRepository",
    "CommissionRepository",
    "LedgerRepository",
    "MediaRepository",
    "OrderRepository",
    "PayoutRepository",
    "ProcessedMessages",
    "ProductRepository",
    "ProviderCallback",
    "ProviderCallbackRepository",
    "RatingRepository",
    "RefreshTokenRepository",
    "ReviewRepository",
    "ShipmentRepository",
    "StockRepository",
    "StockMoved",
    "StoreRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]

StockMoved = Callable[[list[str]], Awaitable[None]]
"""What a unit of work calls after a commit that moved stock: the ids and slugs of those products."""
