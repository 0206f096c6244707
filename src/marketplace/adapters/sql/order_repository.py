"""SQL repository of orders: an order row, its lines in order_lines, its history as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Select, insert, select

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.mappers import Row, postal_from_json, postal_to_json, time_from_json, time_to_json
from marketplace.adapters.sql.tables import checkouts, order_lines, orders
from marketplace.domain.ordering.order import Order, OrderLine, OrderReferral, StatusChange
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.money import Money


def order_to_row(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "checkout_id": order.checkout_id,
        "store_id": order.store_id,
        "buyer_id": order.buyer_id,
        "store_name": order.store_name,
        "shipping_method": order.shipping_method,
        "shipping_fee_amount": order.shipping_fee.amount,
        "shipping_fee_currency": order.shipping_fee.currency,
        "address": postal_to_json(order.address) if order.address else None,
        "status": order.status.value,
        "history": [{"status": change.status.value, "at": time_to_json(change.at)} for change in order.history],
        "created_at": order.created_at,
        "version": order.version,
        "delivered_at": order.delivered_at,
        "fee_bps": order.fee_bps,
        "referral": referral_to_json(order.referral),
        "voided": order.voided,
    }


def referral_to_json(referral: OrderReferral | None) -> dict[str, Any] | None:
    if referral is None:
        return None
    return {
        "affiliate_id": referral.affiliate_id,
        "code": referral.code,
        "rate_bps": referral.rate_bps,
        "line_ids": list(referral.line_ids),
    }


def referral_from_json(data: dict[str, Any] | None) -> OrderReferral | None:
    if data is None:
        return None
    return OrderReferral(
        affiliate_id=data["affiliate_id"],
        code=data["code"],
        rate_bps=data["rate_bps"],
        line_ids=tuple(data["line_ids"]),
    )


def line_to_row(line: OrderLine, order: Order, position: int) -> dict[str, Any]:
    return {
        "id": line.id,
        "order_id": order.id,
        "position": position,
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "title": line.title,
        "quantity": line.quantity,
        "unit_price_amount": line.unit_price.amount,
        "unit_price_currency": line.unit_price.currency,
    }


def line_to_domain(row: Row) -> OrderLine:
    return OrderLine(
        id=row["id"],
        variant_id=row["variant_id"],
        product_id=row["product_id"],
        title=row["title"],
        quantity=row["quantity"],
        unit_price=Money(row["unit_price_amount"], row["unit_price_currency"]),
    )


def order_to_domain(row: Row, line_rows: Sequence[Row]) -> Order:
    return Order(
        id=row["id"],
        checkout_id=row["checkout_id"],
        store_id=row["store_id"],
        buyer_id=row["buyer_id"],
        lines=[line_to_domain(r) for r in line_rows],
        shipping_fee=Money(row["shipping_fee_amount"], row["shipping_fee_currency"]),
        created_at=row["created_at"],
        store_name=row["store_name"],
        shipping_method=row["shipping_method"],
        address=postal_from_json(row["address"]) if row["address"] else None,
        status=OrderStatus(row["status"]),
        history=[StatusChange(OrderStatus(h["status"]), time_from_json(h["at"])) for h in row["history"]],
        version=row["version"],
        fee_bps=row["fee_bps"],
        referral=referral_from_json(row["referral"]),
        voided=row["voided"],
    )


class SqlOrderRepository(SqlRepository):
    """Lines are written once, with the order: they are price snapshots and never change."""

    async def add(self, order: Order) -> None:
        await self._write(insert(orders), order_to_row(order))
        await self._write(insert(order_lines), [line_to_row(line, order, i) for i, line in enumerate(order.lines)])
        self._session.touch(order)

    async def get(self, order_id: str) -> Order | None:
        found = await self._load(select(orders).where(orders.c.id == order_id))
        return found[0] if found else None

    async def save(self, order: Order) -> None:
        await self._update_versioned(orders, order, order_to_row(order))

    async def of_checkout(self, checkout_id: str) -> list[Order]:
        found = await self._load(select(orders).where(orders.c.checkout_id == checkout_id).order_by(orders.c.id))
        row = await self._one(select(checkouts.c.order_ids).where(checkouts.c.id == checkout_id))
        if row is None:  # the checkout is not written yet: ids are made in order
            return found
        position = {order_id: i for i, order_id in enumerate(row["order_ids"])}
        return sorted(found, key=lambda o: position.get(o.id, len(position)))

    async def of_buyer(
        self, buyer_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        return await self._load(
            _newest_first(
                select(orders).where(orders.c.buyer_id == buyer_id, orders.c.voided.is_(False)),
                status,
                before_id,
                limit,
            )
        )

    async def of_store(
        self, store_id: str, status: OrderStatus | None, before_id: str | None, limit: int
    ) -> list[Order]:
        return await self._load(
            _newest_first(
                select(orders).where(orders.c.store_id == store_id, orders.c.voided.is_(False)),
                status,
                before_id,
                limit,
            )
        )

    async def delivered_before(self, cutoff: datetime, limit: int) -> list[str]:
        rows = await self._all(
            select(orders.c.id)
            .where(orders.c.status == OrderStatus.DELIVERED.value, orders.c.delivered_at <= cutoff)
            .order_by(orders.c.delivered_at, orders.c.id)
            .limit(limit)
        )
        return [row["id"] for row in rows]

    async def _load(self, statement: Select[Any]) -> list[Order]:
        """The orders `statement` selects, in its order, with the lines of all of them in one more query."""
        rows = await self._all(statement)
        if not rows:
            return []
        line_rows = await self._all(
            select(order_lines)
            .where(order_lines.c.order_id.in_([row["id"] for row in rows]))
            .order_by(order_lines.c.order_id, order_lines.c.position)
        )
        by_order: dict[str, list[RowMapping]] = {}
        for line in line_rows:
            by_order.setdefault(line["order_id"], []).append(line)
        return [order_to_domain(row, by_order.get(row["id"], [])) for row in rows]


def _newest_first(statement: Select[Any], status: OrderStatus | None, before_id: str | None, limit: int) -> Select[Any]:
    if status is not None:
        statement = statement.where(orders.c.status == status.value)
    if before_id is not None:
        statement = statement.where(orders.c.id < before_id)
    return statement.order_by(orders.c.id.desc()).limit(limit)
