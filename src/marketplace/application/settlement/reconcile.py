"""`marketplace ledger reconcile`: the ledger against the payment records.

Every rupiah buyers paid and were not refunded must sit in exactly one account: a store's or an
affiliate's (pending, available, in flight or paid out), the platform's fees or the courier's
shipping. The clearing account counts what came in (negatively) and what went back, so
`-clearing` must equal payments received minus refunds owed, and the rest of the accounts must add
up to it; no store's or affiliate's balance may be below zero. And every refund owed must have been
asked of the provider: money received and owed back but never requested is kept, a disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.settlement import MoneyTotals
from marketplace.domain.settlement.ledger import CLEARING, is_guarded


@dataclass(frozen=True, slots=True)
class Reconciliation:
    received: int
    refunded: int
    clearing: int
    allocated: int  # the sum of every other account
    negative: dict[str, int] = field(default_factory=dict)
    refunds_paid: int = 0  # what the provider confirmed refunding
    refunds_requested: int = 0  # what the provider was asked to refund and has not refused

    @property
    def unrequested(self) -> int:
        """Money received and owed back that nobody has asked the provider to return: kept, not on its way."""
        return max(0, self.refunded - self.refunds_requested)

    @property
    def expected(self) -> int:
        return self.received - self.refunded

    @property
    def difference(self) -> int:
        return -self.clearing - self.expected

    @property
    def agrees(self) -> bool:
        return self.difference == 0 and self.allocated == -self.clearing and not self.negative and self.unrequested == 0


@dataclass(frozen=True, slots=True)
class ReconcileLedger:
    uow: UnitOfWorkFactory
    totals: MoneyTotals

    async def __call__(self) -> Reconciliation:
        async with self.uow() as uow:
            balances = await uow.ledger.all_balances()
        received, refunded = await self.totals.received(), await self.totals.refunded()
        paid_back, asked = await self.totals.refunds_paid(), await self.totals.refunds_requested()
        clearing = balances.get(CLEARING, 0)
        return Reconciliation(
            received=received,
            refunded=refunded,
            clearing=clearing,
            allocated=sum(amount for name, amount in balances.items() if name != CLEARING),
            negative={name: amount for name, amount in balances.items() if is_guarded(name) and amount < 0},
            refunds_paid=paid_back,
            refunds_requested=asked,
        )
