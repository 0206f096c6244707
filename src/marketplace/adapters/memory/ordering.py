"""In-memory repositories of ordering: checkouts, orders, variant stock and handled-message marks."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace.adapters.memory.database import StagedTable, Staging
from marketplace.adapters.memory.repositories import _Repository
from marketplace.application.ports.persistence import ProviderCallback
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import Conflict, InsufficientStock, InvalidValue
from marketplace.domain.shipping.shipment import Shipment


class MemoryCheckoutRepository(_Repository[Checkout]):
    table_name, versioned = "checkouts", True

    def _check_unique(self, checkout: Checkout) -> None:
        if checkout.invoice_id is not None and any(
            c.invoice_id == checkout.invoice_id and c.id != checkout.id for c in self._table.rows()
        ):
            raise Conflict(f"invoice {checkout.invoice_id} belongs to another checkout")
        if checkout.idempotency_key is not None and any(
            c.buyer_id == checkout.buyer_id and c.idempotency_key == checkout.idempotency_key and c.id != checkout.id
            for c in self._table.rows()
        ):
            raise Conflict("another checkout was placed with this Idempotency-Key")

    async def add(self, checkout: Checkout) -> None:
        self._check_unique(checkout)
        self._insert(checkout)

    async def get(self, checkout_id: str) -> Checkout | None:
        return self._get(checkout_id)

    async def get_by_invoice(self, invoice_id: str) -> Checkout | None:
        found = next((c for c in self._table.rows() if c.invoice_id == invoice_id), None)
        return self._get(found.id) if found else None

    async def get_by_key(self, buyer_id: str, key: str) -> Checkout | None:
        found = next((c for c in self._table.rows() if c.buyer_id == buyer_id and c.idempotency_key == key), None)
        return self._get(found.id) if found else None

    async def save(self, checkout: Checkout) -> None:
        self._check_unique(checkout)
        self._update(checkout)

    async def due(self, now: datetime, limit: int) -> list[str]:
        due = sorted((c for c in self._table.rows() if c.is_due(now)), key=lambda c: (c.expires_at, c.id))
        return [c.id for c in due[:limit]]

    async def unsettled(self, created_before: datetime, limit: int) -> list[str]:
        found = sorted(
            (
                c
                for c in self._table.rows()
                if c.is_pending and c.invoice_id is not None and c.created_at < created_before
            ),
            key=lambda c: (c.checked_at is not None, c.checked_at or c.created_at, c.id),
        )
        return [c.id for c in found[:limit]]

    async def with_pending_refunds(self, limit: int) -> list[str]:
        found = sorted(
            (c for c in self._table.rows() if any(r.status.value == "pending" for r in c.refunds)),
            key=lambda c: (c.checked_at is not None, c.checked_at or c.created_at, c.id),
        )
        return [c.id for c in found[:limit]]

    async def without_invoice(self, created_before: datetime, limit: int) -> list[str]:
        orphans = sorted(
            (c for c in self._table.rows() if c.is_pending and c.invoice_id is None and c.created_at < created_before),
            key=lambda c: (c.created_at, c.id),
        )
        return [c.id for c in orphans[:limit]]

    async def ended_unchecked(self, limit: int) -> list[str]:
        found = sorted(
            (c for c in self._table.rows() if not c.is_pending and c.invoice_id is None and c.checked_at is None),
            key=lambda c: (c.created_at, c.id),
        )
        return [c.id for c in found[:limit]]


class MemoryOrderRepository(_Repository[Order]):
    table_name, versioned = "orders", True

    async def add(self, order: Order) -> None:
        self._insert(order)

    async def get(self, order_id: str) -> Order | None:
        return self._get(order_id)

    async def save(self, order: Order) -> None:
        self._update(order)

    async def of_checkout(self, checkout_id: str) -> list[Order]:
        checkout = self._uow.table("checkouts").get(checkout_id)
        position = {order_id: i for i, order_id in enumerate(checkout.order_ids if checkout else [])}
        mine = sorted(
            (o for o in self._table.rows() if o.checkout_id == checkout_id),
            key=lambda o: (position.get(o.id, len(position)), o.id),
        )
        return [self._present(o.id) for o in mine]

    async def of_buyer(
        self, buyer_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        return self._newest_first(
            (o for o in self._table.rows() if o.buyer_id == buyer_id and not o.voided), status, before_id, limit
        )

    async def of_store(
        self, store_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        return self._newest_first(
            (o for o in self._table.rows() if o.store_id == store_id and not o.voided), status, before_id, limit
        )

    async def delivered_before(self, cutoff: datetime, limit: int) -> list[str]:
        due = sorted(
            (o.delivered_at, o.id)
            for o in self._table.rows()
            if o.delivered_at is not None and o.delivered_at <= cutoff
        )
        return [order_id for _, order_id in due[:limit]]

    def _newest_first(
        self, candidates: Iterable[Order], status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        found = [
            o for o in candidates if (status is None or o.status is status) and (before_id is None or o.id < before_id)
        ]
        return [self._present(o.id) for o in sorted(found, key=lambda o: o.id, reverse=True)[:limit]]


def _positive(quantities: dict[str, int]) -> None:
    for variant_id, quantity in quantities.items():
        if type(quantity) is not int or quantity <= 0:
            raise InvalidValue("quantity", f"variant {variant_id}: must be a positive whole number")


def _stock_of(products: Iterable[Any], wanted: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Variant id -> (its product's id, its stock), for the wanted variants that exist."""
    wanted = set(wanted)
    found: dict[str, tuple[str, int]] = {}
    for product in products:
        for variant in product.variants:
            if variant.id in wanted:
                found[variant.id] = (product.id, variant.stock)
    return found


def _short(available: dict[str, int], requested: dict[str, int]) -> InsufficientStock | None:
    """The error naming every variant with less available than requested (0 when it is gone), if any."""
    short = sorted(v for v, quantity in requested.items() if quantity > available.get(v, 0))
    if not short:
        return None
    error = InsufficientStock(
        "not enough stock for "
        + ", ".join(f"variant {v}: {requested[v]} requested, {available.get(v, 0)} available" for v in short)
    )
    error.variants = [{"variant_id": v, "requested": requested[v], "available": available.get(v, 0)} for v in short]
    return error


class MemoryStockRepository:
    """Stock changes kept as deltas until commit, then applied to the stored products.

    `reserve` checks at once, as the SQL adapter does; commit checks again under the database lock,
    since another unit of work may have taken the same stock meanwhile. Applying a delta moves the
    product's version on: products are stored whole, so a save based on an older read must fail
    rather than put the old stock back.
    """

    def __init__(self, uow: Staging) -> None:
        self._uow = uow
        self._deltas: dict[str, int] = {}

    async def reserve(self, quantities: dict[str, int]) -> None:
        _positive(quantities)
        stock = _stock_of(self._uow.table("products").rows(), quantities)
        # What this unit of work already took or put back counts, as its own writes do in SQL.
        available = {v: count + self._deltas.get(v, 0) for v, (_, count) in stock.items()}
        error = _short(available, quantities)
        if error is not None:
            raise error
        for variant_id, quantity in quantities.items():
            self._deltas[variant_id] = self._deltas.get(variant_id, 0) - quantity

    async def release(self, quantities: dict[str, int]) -> None:
        _positive(quantities)
        known = _stock_of(self._uow.table("products").rows(), quantities)
        for variant_id, quantity in quantities.items():
            if variant_id in known:
                self._deltas[variant_id] = self._deltas.get(variant_id, 0) + quantity

    def check(self, products: StagedTable) -> None:
        """Raises InsufficientStock when what this unit of work takes no longer fits what is stored."""
        taken = {v: -delta for v, delta in self._deltas.items() if delta < 0}
        if taken:
            stock = _stock_of(products.rows(), taken)
            error = _short({v: count for v, (_, count) in stock.items()}, taken)
            if error is not None:
                raise error

    def apply(self, committed: dict[str, Any]) -> list[str]:
        """Adds the deltas to the committed products (a vanished variant is skipped): their ids and slugs."""
        deltas = {v: delta for v, delta in self._deltas.items() if delta}
        moved = {product_id for product_id, _ in _stock_of(committed.values(), deltas).values()}
        for product_id in moved:
            product = copy.deepcopy(committed[product_id])
            for variant in product.variants:
                variant.stock += deltas.get(variant.id, 0)
            product.version += 1
            committed[product_id] = product
        self._deltas.clear()
        return sorted({ref for product_id in moved for ref in (product_id, committed[product_id].slug)})

    def forget(self) -> None:
        self._deltas.clear()


@dataclass
class ProcessedMark:
    processed_at: datetime
    version: int = 0


class MemoryProcessedMessages(_Repository[ProcessedMark]):
    table_name = "processed_messages"

    async def claim(self, message_id: str, handler: str) -> bool:
        key = f"{message_id}\x00{handler}"
        if self._table.get(key) is not None:
            return False
        # Another unit of work claiming it meanwhile makes this commit fail, as the primary key would.
        self._uow.remember_version(self.table_name, key, -1)
        self._table.put(key, ProcessedMark(self._uow.now()))
        return True


class MemoryProviderCallbackRepository(_Repository[ProviderCallback]):
    table_name = "provider_callbacks"

    async def add(self, callback: ProviderCallback) -> None:
        self._table.put(callback.id, callback)

    async def recent(self, provider: str, reference: str, limit: int) -> list[ProviderCallback]:
        found = [c for c in self._table.rows() if c.provider == provider and c.reference == reference]
        return sorted(found, key=lambda c: (c.received_at, c.id), reverse=True)[:limit]


class MemoryShipmentRepository(_Repository[Shipment]):
    table_name, versioned = "shipments", True

    def _check_unique(self, shipment: Shipment) -> None:
        mine = {b.booking_id for b in shipment.attempts}
        for other in self._table.rows():
            if other.order_id != shipment.order_id and mine & {b.booking_id for b in other.attempts}:
                raise Conflict("this booking number belongs to another shipment")

    async def add(self, shipment: Shipment) -> None:
        if self._table.get(shipment.order_id) is not None:
            raise Conflict(f"order {shipment.order_id} has a shipment already")
        self._check_unique(shipment)
        # Another unit of work adding one meanwhile makes this commit fail, as the primary key would.
        self._uow.remember_version(self.table_name, shipment.order_id, -1)
        self._insert(shipment)

    async def get(self, order_id: str) -> Shipment | None:
        return self._get(order_id)

    async def get_by_booking(self, booking_id: str) -> Shipment | None:
        found = next((s for s in self._table.rows() if s.booking(booking_id) is not None), None)
        return self._get(found.order_id) if found else None

    async def save(self, shipment: Shipment) -> None:
        self._check_unique(shipment)
        self._update(shipment)

    async def quiet(self, heard_before: datetime, limit: int) -> list[str]:
        found = sorted(
            (
                s
                for s in self._table.rows()
                if s.live is not None and (s.checked_at is None or s.checked_at < heard_before)
            ),
            key=lambda s: (s.checked_at is not None, s.checked_at or s.order_id, s.order_id),
        )
        return [s.order_id for s in found[:limit]]
