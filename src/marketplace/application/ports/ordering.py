"""Ports of the ordering and payments context: checkouts, orders and the providers' callbacks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import msgspec

from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus


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
