"""The ledger follows the orders, in the same transaction as the order move that causes it; what each
move books is its `LedgerEffect` in the order policy (domain/ordering/policy.py):

- book (paid): the sale is booked (the store's line subtotals pending, less the platform's fee and
  the affiliate's commission; the shipping fee to the courier) and the commission recorded as pending;
- release (completed): what was booked moves from pending to available, the commission is approved;
- reverse (cancelled, rejected or returned after payment): the booking is reversed, the commission void.
Each step happens once however often it is asked for (the order's transactions are looked up).
"""

from __future__ import annotations

from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.affiliate.program import Commission, CommissionStatus
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import BOOKED_STATUSES, LedgerEffect
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.settlement.ledger import EntryKind, LedgerTransaction
from marketplace.domain.settlement.sale import booked_on_payment, released_on_completion, split
from marketplace.domain.shared.ids import new_id


async def settle_order_money(uow: UnitOfWork, order: Order, ledger: LedgerEffect) -> None:
    """Books the ledger effect of the move the order just made. A paid order whose sale is missing from
    the ledger (one paid before the ledger existed) has it booked first, whatever the move."""
    if ledger is LedgerEffect.NONE and order.status not in BOOKED_STATUSES:
        return
    done = {t.reason: t for t in await uow.ledger.of_order(order.id)}
    paid = done.get("order-paid")
    if paid is None:
        if order.status not in BOOKED_STATUSES and not _was_paid(order):
            return
        paid = await _book(uow, order)
    if ledger is LedgerEffect.RELEASE and "order-completed" not in done:
        release = released_on_completion(order, paid, new_id())
        if release is not None:
            await uow.ledger.post(release)
        for commission in await uow.commissions.of_order(order.id):
            commission.approve()
            await uow.commissions.save(commission)
    elif ledger is LedgerEffect.REVERSE and "order-refunded" not in done:
        await uow.ledger.post(_reversal(paid, order))
        for commission in await uow.commissions.of_order(order.id):
            commission.void()
            await uow.commissions.save(commission)


async def _book(uow: UnitOfWork, order: Order) -> LedgerTransaction:
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
    return paid


def _was_paid(order: Order) -> bool:
    return any(change.status is OrderStatus.PAID for change in order.history)


def _reversal(paid: LedgerTransaction, order: Order) -> LedgerTransaction:
    return paid.reversed(new_id(), "order-refunded", order.history[-1].at, EntryKind.REFUND)
