"""MoneyTotals contract over memory, SQLite and PostgreSQL: what the payment records say is received and
owed back, summed from the checkouts and orders (the refunded statuses are the order policy's)."""

from __future__ import annotations

from collections import deque
from datetime import timedelta

import pytest

from marketplace.domain.ordering.checkout import Checkout, RefundRecord, RefundState
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import MOVES, REFUNDED_STATUSES, OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from tests.integration.contracts.conftest import T0, Backend, a_checkout, a_store, a_user, an_order, seed


def _path_to(status: OrderStatus) -> tuple[OrderAction, ...]:
    """The shortest walk of the order policy from a paid order to `status`."""
    paths: deque[tuple[OrderStatus, tuple[OrderAction, ...]]] = deque([(OrderStatus.PAID, ())])
    seen = {OrderStatus.PAID}
    while paths:
        at, path = paths.popleft()
        if at is status:
            return path
        for action, move in MOVES.items():
            if at in move.sources and move.target not in seen:
                seen.add(move.target)
                paths.append((move.target, (*path, action)))
    raise AssertionError(f"{status.value} cannot be reached once paid")


PAID_STATUSES = [s for s in OrderStatus if s is not OrderStatus.PENDING_PAYMENT and s is not OrderStatus.EXPIRED]


async def _paid_checkout(backend: Backend, *statuses: OrderStatus, fee: int = 15_000) -> tuple[Checkout, list[Order]]:
    """A paid checkout with one order per status given, each walked there by the policy."""
    buyer = a_user()
    store = a_store(buyer)
    checkout_id = new_id()
    orders = [an_order(buyer, store, checkout_id, fee=fee) for _ in statuses]
    checkout = a_checkout(buyer, orders)
    checkout.pay(T0 + timedelta(minutes=1))
    for order, status in zip(orders, statuses, strict=True):
        order.apply(OrderAction.PAY, T0 + timedelta(minutes=1))
        for step, action in enumerate(_path_to(status), start=2):
            order.apply(action, T0 + timedelta(minutes=step))
    await seed(backend, buyer, store, checkout, *orders)
    return checkout, orders


async def test_nothing_recorded_sums_to_nothing(backend: Backend) -> None:
    totals = backend.money_totals
    assert (await totals.received(), await totals.refunded()) == (0, 0)
    assert (await totals.refunds_paid(), await totals.refunds_requested()) == (0, 0)


async def test_received_counts_paid_checkouts_late_ones_included_and_nothing_unpaid(backend: Backend) -> None:
    paid, _ = await _paid_checkout(backend, OrderStatus.PAID, OrderStatus.ACCEPTED)
    buyer = a_user()
    store = a_store(buyer)
    pending_id, late_id, expired_id = new_id(), new_id(), new_id()
    pending = a_checkout(buyer, [an_order(buyer, store, pending_id)])
    late = a_checkout(buyer, [an_order(buyer, store, late_id, fee=1_000)])
    late.expire(T0 + timedelta(minutes=31))
    late.receive_late_payment(T0 + timedelta(minutes=40))
    expired = a_checkout(buyer, [an_order(buyer, store, expired_id)])
    expired.expire(T0 + timedelta(minutes=31))
    await seed(backend, buyer, store, pending, late, expired)
    assert await backend.money_totals.received() == paid.amount.amount + late.amount.amount
    assert await backend.money_totals.refunded() == late.amount.amount, "a late payment goes back whole"


@pytest.mark.parametrize("status", PAID_STATUSES, ids=lambda s: s.value)
async def test_a_paid_order_is_owed_back_exactly_when_its_status_is_a_refunded_one(
    backend: Backend, status: OrderStatus
) -> None:
    _, [order, _accepted] = await _paid_checkout(backend, status, OrderStatus.ACCEPTED, fee=12_345)
    owed = order.total.amount if status in REFUNDED_STATUSES else 0
    assert await backend.money_totals.refunded() == owed


async def test_orders_cancelled_with_their_unpaid_checkout_are_owed_nothing(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    checkout_id = new_id()
    order = an_order(buyer, store, checkout_id)
    checkout = a_checkout(buyer, [order])
    checkout.cancel(T0 + timedelta(minutes=1))
    order.apply(OrderAction.CANCEL, T0 + timedelta(minutes=1))
    await seed(backend, buyer, store, checkout, order)
    assert (await backend.money_totals.received(), await backend.money_totals.refunded()) == (0, 0)


async def test_refunds_paid_count_succeeded_ones_and_requested_add_pending_ones_never_failed(backend: Backend) -> None:
    checkout, orders = await _paid_checkout(
        backend, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.RETURNED, OrderStatus.PAID
    )
    amounts = {RefundState.SUCCEEDED: 1_000, RefundState.PENDING: 20_000, RefundState.FAILED: 300_000}
    async with backend.uow() as uow:
        stored = await uow.checkouts.get(checkout.id)
        assert stored is not None
        for order, (state, amount) in zip(orders, amounts.items(), strict=False):
            stored.record_refund(
                RefundRecord(new_id(), order.id, Money(amount), state, "order refunded", T0 + timedelta(hours=1))
            )
        await uow.checkouts.save(stored)
        await uow.commit()
    assert await backend.money_totals.refunds_paid() == 1_000
    assert await backend.money_totals.refunds_requested() == 21_000
