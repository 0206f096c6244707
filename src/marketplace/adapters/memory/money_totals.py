"""Payments received and refunds owed, summed from the in-memory checkouts and orders."""

from __future__ import annotations

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.domain.ordering.checkout import CheckoutStatus, PaymentStatus
from marketplace.domain.ordering.policy import REFUNDED_STATUSES


class MemoryMoneyTotals:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def received(self) -> int:
        return sum(
            c.amount.amount for c in self._db.table("checkouts").values() if c.payment_status is PaymentStatus.PAID
        )

    async def refunded(self) -> int:
        checkouts = self._db.table("checkouts")
        refunded: int = sum(
            o.total.amount
            for o in self._db.table("orders").values()
            if o.status in REFUNDED_STATUSES
            and (c := checkouts.get(o.checkout_id)) is not None
            and c.status is CheckoutStatus.PAID
        )
        late: int = sum(
            c.amount.amount
            for c in checkouts.values()
            if c.payment_status is PaymentStatus.PAID and c.status in (CheckoutStatus.EXPIRED, CheckoutStatus.CANCELLED)
        )
        return refunded + late

    async def refunds_paid(self) -> int:
        return await self._refunds("succeeded")

    async def refunds_requested(self) -> int:
        return await self._refunds("succeeded", "pending")

    async def _refunds(self, *statuses: str) -> int:
        return sum(
            r.amount.amount
            for c in self._db.table("checkouts").values()
            for r in c.refunds
            if r.status.value in statuses
        )
