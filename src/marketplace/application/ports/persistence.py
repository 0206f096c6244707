"""The unit of work and the repositories it owns: one transaction per use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

import msgspec

from marketplace.application.ports.cms import CmsBannerRepository, CmsPageRepository
from marketplace.application.ports.reviews import RatingRepository, ReviewRepository
from marketplace.application.ports.settlement import (
    AffiliateRepository,
    CommissionRepository,
    LedgerRepository,
    PayoutRepository,
)
from marketplace.domain.cart.cart import Cart
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.tokens import RefreshToken
from marketplace.domain.identity.user import Address, User
from marketplace.domain.media.media import MediaObject
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shipping.shipment import Shipment
from marketplace.domain.stores.store import Store


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Raises DuplicateEmail when the email is taken."""
        ...

    async def get(self, user_id: str) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        """Id -> name of those that exist, in one read (for lists showing who wrote what)."""
        ...

    async def save(self, user: User) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def rotate(self, token: RefreshToken) -> bool:
        """Marks the stored token rotated, in one conditional write, if it is still active and no token
        of its family is revoked. True only for the caller whose write changed it, so of concurrent
        callers one wins: in SQL a later one waits for the first to finish and gets False; in memory
        one overtaken between this call and its commit fails at commit with ConcurrentUpdate."""
        ...

    async def revoke_family(self, family_id: str) -> None:
        """Revokes every token of the family, and with that the family: a token added to it later
        (a rotation that raced this) can never be rotated."""
        ...


class AddressRepository(Protocol):
    async def add(self, address: Address) -> None: ...

    async def get(self, address_id: str) -> Address | None: ...

    async def list_for_user(self, user_id: str) -> list[Address]:
        """Oldest first."""
        ...

    async def save(self, address: Address) -> None: ...

    async def delete(self, address_id: str) -> None: ...


class StoreRepository(Protocol):
    async def add(self, store: Store) -> None:
        """Raises DuplicateSlug when the slug is taken."""
        ...

    async def get(self, store_id: str) -> Store | None: ...

    async def get_by_slug(self, slug: str) -> Store | None: ...

    async def names(self, store_ids: list[str]) -> dict[str, str]:
        """Id -> name of those that exist, in one read."""
        ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def ids_owned_by(self, owner_id: str) -> list[str]:
        """Oldest first."""
        ...

    async def save(self, store: Store) -> None: ...

    async def search_active(self, q: str | None, limit: int, before_id: str | None) -> list[Store]:
        """Active stores, newest first, whose name or description contains `q` (any case)."""
        ...


class CategoryRepository(Protocol):
    async def add(self, category: Category) -> None:
        """Raises DuplicateSlug when the slug is taken."""
        ...

    async def get(self, category_id: str) -> Category | None: ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def list_all(self) -> list[Category]: ...


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None:
        """Raises DuplicateSku (per store) or DuplicateSlug."""
        ...

    async def get(self, product_id: str) -> Product | None: ...

    async def get_by_slug(self, slug: str) -> Product | None: ...

    async def save(self, product: Product) -> None:
        """Writes the product and its variants; raises ConcurrentUpdate or DuplicateSku."""
        ...


class MediaRepository(Protocol):
    async def add(self, media: MediaObject) -> None: ...

    async def get(self, media_id: str) -> MediaObject | None: ...

    async def save(self, media: MediaObject) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def delete(self, media_id: str) -> None: ...

    async def pending_before(self, cutoff: datetime, limit: int) -> list[MediaObject]:
        """Uploads never completed, requested before `cutoff`, oldest first."""
        ...

    async def created_before(self, cutoff: datetime, after_id: str | None, limit: int) -> list[MediaObject]:
        """Every media object requested before `cutoff`, by id, after `after_id` (keyset paging)."""
        ...


class CartRepository(Protocol):
    async def get(self, buyer_id: str) -> Cart | None: ...

    async def save(self, cart: Cart) -> None:
        """Creates or replaces the buyer's cart; raises ConcurrentUpdate when it moved on meanwhile."""
        ...


class CheckoutRepository(Protocol):
    async def add(self, checkout: Checkout) -> None: ...

    async def get(self, checkout_id: str) -> Checkout | None: ...

    async def get_by_invoice(self, invoice_id: str) -> Checkout | None: ...

    async def get_by_key(self, buyer_id: str, key: str) -> Checkout | None:
        """The buyer's checkout placed with this Idempotency-Key (a voided one has let its key go)."""
        ...

    async def save(self, checkout: Checkout) -> None:
        """Raises ConcurrentUpdate when the stored version moved on; Conflict when another checkout
        of the buyer holds its Idempotency-Key."""
        ...

    async def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of pending checkouts whose expiry time has come, soonest first."""
        ...

    async def without_invoice(self, created_before: datetime, limit: int) -> list[str]:
        """Ids of pending checkouts created before `created_before` that never got an invoice."""
        ...

    async def unsettled(self, created_before: datetime, limit: int) -> list[str]:
        """Ids of pending checkouts with an invoice, created before `created_before`, the least
        recently checked with the provider first (never checked ones before all)."""
        ...

    async def with_pending_refunds(self, limit: int) -> list[str]:
        """Ids of paid checkouts with a refund still pending, the least recently checked first."""
        ...

    async def ended_unchecked(self, limit: int) -> list[str]:
        """Ids of checkouts that ended (voided, expired, cancelled) with no invoice recorded and were not
        yet looked up at the provider: it may hold an invoice whose creation we never heard back from.
        Oldest first."""
        ...


class ProviderCallback(msgspec.Struct, frozen=True):
    """A provider's callback as we received it, and what became of it."""

    id: str
    provider: str
    kind: str
    reference: str
    status: str
    matched: bool
    note: str | None
    payload: dict[str, Any]
    received_at: datetime


class ProviderCallbackRepository(Protocol):
    async def add(self, callback: ProviderCallback) -> None: ...

    async def recent(self, provider: str, reference: str, limit: int) -> list[ProviderCallback]:
        """This reference's callbacks, newest first."""
        ...


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None: ...

    async def get(self, order_id: str) -> Order | None: ...

    async def save(self, order: Order) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def of_checkout(self, checkout_id: str) -> list[Order]:
        """In the checkout's order."""
        ...

    async def of_buyer(
        self, buyer_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        """Newest first, older than `before_id` when given; voided orders are never listed."""
        ...

    async def of_store(
        self, store_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        """Newest first, older than `before_id` when given; voided orders are never listed."""
        ...

    async def delivered_before(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of orders still `delivered` that were delivered at or before `cutoff`, oldest first."""
        ...


class ShipmentRepository(Protocol):
    """Shipments by order id (one each), findable by any of their bookings' numbers."""

    async def add(self, shipment: Shipment) -> None:
        """Conflict when the order has a shipment already or a booking number is taken."""
        ...

    async def get(self, order_id: str) -> Shipment | None: ...

    async def get_by_booking(self, booking_id: str) -> Shipment | None: ...

    async def save(self, shipment: Shipment) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def quiet(self, heard_before: datetime, limit: int) -> list[str]:
        """Order ids of shipments whose live booking was last heard of before `heard_before`, the
        least recently heard first."""
        ...


class StockRepository(Protocol):
    """Variant stock changed by amounts, never by overwriting: safe under any concurrency."""

    async def reserve(self, quantities: dict[str, int]) -> None:
        """Takes every quantity from its variant's stock, or none: InsufficientStock naming each short
        variant (`variants`: variant_id, requested, available) and nothing taken. Concurrent
        reservations of one variant never take more than its stock."""
        ...

    async def release(self, quantities: dict[str, int]) -> None:
        """Puts quantities back (a variant deleted meanwhile is skipped)."""
        ...


class ProcessedMessages(Protocol):
    """What outbox handlers already did: committed with the handler's own changes."""

    async def claim(self, message_id: str, handler: str) -> bool:
        """False when this handler already handled this message (then do nothing)."""
        ...


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
StockMoved = Callable[[list[str]], Awaitable[None]]
"""What a unit of work calls after a commit that moved stock: the ids and slugs of those products."""
