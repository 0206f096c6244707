"""The order policy table: every action from every status either is a row of MOVES or is refused, the
effects of a move are the row's, and the derived status sets say what walking the table shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.ordering.order import Order, OrderLine, OrderStatusChanged
from marketplace.domain.ordering.policy import (
    BOOKED_STATUSES,
    FINAL,
    MONEY_HELD,
    MOVES,
    REFUNDED_STATUSES,
    RESTOCKED_STATUSES,
    RESTOCKING_ACTIONS,
    LedgerEffect,
    OrderAction,
)
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import IllegalTransition
from marketplace.domain.shared.money import Money

T0 = datetime(2026, 11, 25, tzinfo=UTC)
S = OrderStatus
EVERY_PAIR = [(action, status) for action in OrderAction for status in OrderStatus]


def an_order(status: OrderStatus = S.PENDING_PAYMENT) -> Order:
    lines = [
        OrderLine(id="l1", variant_id="v1", product_id="p1", title="Batik", quantity=2, unit_price=Money(150_000)),
        OrderLine(id="l2", variant_id="v1", product_id="p1", title="Batik", quantity=1, unit_price=Money(150_000)),
    ]
    return Order(
        id="o1",
        checkout_id="c1",
        store_id="s1",
        buyer_id="b1",
        lines=lines,
        shipping_fee=Money(18_000),
        created_at=T0,
        status=status,
    )


def test_every_action_has_a_row_and_every_status_is_a_target_or_the_start() -> None:
    assert set(MOVES) == set(OrderAction)
    assert {move.target for move in MOVES.values()} | {S.PENDING_PAYMENT} == set(OrderStatus)


@pytest.mark.parametrize(("action", "status"), EVERY_PAIR, ids=[f"{a.value}-from-{s.value}" for a, s in EVERY_PAIR])
def test_an_action_moves_the_order_as_its_row_says_or_is_refused_and_changes_nothing(
    action: OrderAction, status: OrderStatus
) -> None:
    order, move = an_order(status), MOVES[action]
    if status not in move.sources:
        with pytest.raises(IllegalTransition, match=f"an order that is {status.value} cannot"):
            order.apply(action, T0 + timedelta(hours=1))
        assert order.status is status and len(order.history) == 1 and order.pull_events() == []
        return
    effects = order.apply(action, T0 + timedelta(hours=1))
    assert (effects.source, effects.target, order.status) == (status, move.target, move.target)
    assert order.history[-1].status is move.target and order.history[-1].at == T0 + timedelta(hours=1)
    assert effects.released == ({"v1": 3} if move.releases_stock else {})
    refunded = move.ledger is LedgerEffect.REVERSE and status in MONEY_HELD
    assert effects.refund == (Money(468_000) if refunded else None)
    assert effects.ledger is (
        LedgerEffect.NONE if move.ledger is LedgerEffect.REVERSE and not refunded else move.ledger
    )
    [event] = order.pull_events()
    assert isinstance(event, OrderStatusChanged) and effects.events == (event,)
    assert (event.status, event.refund_due, event.amount) == (move.target.value, refunded, 468_000)


# What the table means, written out by hand (docs/api.md, Statuses): a change to the table that moves
# one of these sets must be made here too, on purpose.
def test_the_derived_sets_are_the_documented_ones() -> None:
    assert REFUNDED_STATUSES == {S.CANCELLED, S.REJECTED, S.RETURNED}
    assert RESTOCKED_STATUSES == {S.EXPIRED, S.CANCELLED, S.REJECTED}
    assert RESTOCKING_ACTIONS == {OrderAction.EXPIRE, OrderAction.CANCEL, OrderAction.REJECT}
    assert MONEY_HELD == {S.PAID, S.ACCEPTED, S.SHIPPING, S.DELIVERED}
    assert BOOKED_STATUSES == MONEY_HELD | {S.COMPLETED}
    assert FINAL == {S.COMPLETED, S.EXPIRED, S.CANCELLED, S.REJECTED, S.RETURNED}


def _walks(depth: int) -> list[tuple[OrderAction, ...]]:
    """Every sequence of legal actions from a new order, up to `depth` long."""
    walks: list[tuple[OrderAction, ...]] = [()]
    frontier: list[tuple[tuple[OrderAction, ...], OrderStatus]] = [((), S.PENDING_PAYMENT)]
    for _ in range(depth):
        frontier = [
            ((*path, action), move.target)
            for path, status in frontier
            for action, move in MOVES.items()
            if status in move.sources
        ]
        walks.extend(path for path, _ in frontier)
    return walks


@pytest.mark.parametrize("path", _walks(7), ids=lambda path: "-".join(a.value for a in path) or "new")
def test_walking_the_table_agrees_with_the_derived_sets(path: tuple[OrderAction, ...]) -> None:
    """Money is held from a booking to its release or reversal; a refund is due exactly when a move
    lands in a refunded status while money is held; stock is held unless a restocking move was made;
    nothing leaves a final status; the ledger never books twice nor undoes what it did not book."""
    order, held, booked, restocked = an_order(), False, False, False
    for step, action in enumerate(path, start=1):
        assert order.status not in FINAL
        effects = order.apply(action, T0 + timedelta(minutes=step))
        assert (effects.refund is not None) is (held and order.status in REFUNDED_STATUSES)
        if effects.ledger is LedgerEffect.BOOK:
            assert not booked
            held = booked = True
        elif effects.ledger in (LedgerEffect.RELEASE, LedgerEffect.REVERSE):
            assert held
            held = False
        restocked = restocked or bool(effects.released)
        assert held is (order.status in MONEY_HELD)
        assert booked or order.status not in BOOKED_STATUSES
        assert order.holds_stock is not restocked and restocked is (order.status in RESTOCKED_STATUSES)
