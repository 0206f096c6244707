"""Payments received and refunds owed, summed in SQL from the checkouts and orders themselves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql.engine import read_only
from marketplace.adapters.sql.tables import checkouts, order_lines, orders
from marketplace.domain.ordering.policy import REFUNDED_STATUSES

REFUNDED = sorted(status.value for status in REFUNDED_STATUSES)  # stored as the enum's values
ENDED = ("expired", "cancelled")


class SqlMoneyTotals:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = read_only(engine)

    async def received(self) -> int:
        return await self._scalar(
            select(func.coalesce(func.sum(checkouts.c.amount), 0)).where(checkouts.c.payment_status == "paid")
        )

    async def refunded(self) -> int:
        lines = (
            select(func.coalesce(func.sum(order_lines.c.quantity * order_lines.c.unit_price_amount), 0))
            .where(order_lines.c.order_id == orders.c.id)
            .scalar_subquery()
        )
        refunded_orders = await self._scalar(
            select(func.coalesce(func.sum(orders.c.shipping_fee_amount + lines), 0))
            .select_from(orders.join(checkouts, checkouts.c.id == orders.c.checkout_id))
            .where(orders.c.status.in_(REFUNDED), checkouts.c.status == "paid")
        )
        late = await self._scalar(
            select(func.coalesce(func.sum(checkouts.c.amount), 0)).where(
                checkouts.c.payment_status == "paid", checkouts.c.status.in_(ENDED)
            )
        )
        return refunded_orders + late

    async def refunds_paid(self) -> int:
        return await self._refunds("succeeded")

    async def refunds_requested(self) -> int:
        return await self._refunds("succeeded", "pending")

    async def _refunds(self, *statuses: str) -> int:
        async with self._engine.connect() as connection:
            rows: Sequence[Any] = (
                (await connection.execute(select(checkouts.c.refunds).where(checkouts.c.payment_status == "paid")))
                .scalars()
                .all()
            )
        total = 0
        for refunds in rows:
            total += sum(int(r["amount"]) for r in refunds or [] if r.get("status") in statuses)
        return total

    async def _scalar(self, statement: Select[tuple[Any]]) -> int:
        async with self._engine.connect() as connection:
            return int((await connection.execute(statement)).scalar() or 0)
