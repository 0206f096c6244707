"""The ledger follows the orders, in the same transaction as the order change that causes it:

- paid: the sale is booked (the store's line subtotals pending, less the platform's fee and the
  affiliate's commission; the shipping fee to the courier) and the commission recorded as pending;
- completed: what was booked moves from pending to available, the commission is approved;
- cancelled, rejected or returned after payment: the booking is reversed, the commission void.
Each step happens once however often it is asked for (the order's transactions are looked up).
"""

from __future__ import annotations

from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.affiliate.program import Commission, CommissionStatus
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.settlement.ledger import EntryKind, LedgerTransaction
from marketplace.domain.settlement.sale import booked_on_payment, released_on_completion, split
from marketplace.domain.shared.ids import new_id

REFUNDED = frozenset({OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.RETURNED})
BOOKED_FROM = frozenset(
    {OrderStatus.PAID, OrderStatus.ACCEPTED, OrderStatus.SHIPPING, OrderStatus.DELIVERED, OrderStatus.COMPLETED}
)


async def settle_order_money(uow: UnitOfWork, order: Order) -> None:
    """Brings the ledger in line with the order's status; call it after every order move."""
    done = {t.reason: t for t in await uow.ledger.of_order(order.id)}
    paid = done.get("order-paid")
    if paid is None:
        if order.status in BOOKED_FROM or (order.status in REFUNDED and _was_paid(order)):
            paid = booked_on_payment(order, new_id())
            await uow.ledger.post(paid)
            parts = split(order)
            if order.referral is not None:  # attributed: a commission, of 0 when the store's rate is 0
                await uow.commissions.add(
                    Commission(
                        id=new_id(),
                        affiliate_id=order.referral.affiliate_id,
                        order_id=order.id,
                        amount=parts.commission.amount,
                        currency=parts.commission.currency,
                        status=CommissionStatus.PENDING,
                        created_at=paid.created_at,
                    )
                )
        else:
            return
    if order.status is OrderStatus.COMPLETED and "order-completed" not in done:
        release = released_on_completion(order, paid, new_id())
        if release is not None:
            await uow.ledger.post(release)
        for commission in await uow.commissions.of_order(order.id):
            commission.approve()
            await uow.commissions.save(commission)
    elif order.status in REFUNDED and "order-refunded" not in done:
        await uow.ledger.post(_reversal(paid, order))
        for commission in await uow.commissions.of_order(order.id):
            commission.void()
            await uow.commissions.save(commission)


def _was_paid(order: Order) -> bool:
    return any(change.status is OrderStatus.PAID for change in order.history)


def _reversal(paid: LedgerTransaction, order: Order) -> LedgerTransaction:
    return paid.reversed(new_id(), "order-refunded", order.history[-1].at, EntryKind.REFUND)
