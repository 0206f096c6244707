"""The order state machine: no illegal transition is ever accepted, and the history tells the way taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from marketplace.domain.ordering.order import Order, OrderLine
from marketplace.domain.ordering.policy import FINAL, MOVES, OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.money import Money

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def an_order() -> Order:
    lines = [
        OrderLine(id="l1", variant_id="v1", product_id="p1", title="Batik", quantity=2, unit_price=Money(150_000)),
        OrderLine(id="l2", variant_id="v2", product_id="p2", title="Songket", quantity=1, unit_price=Money(99_500)),
    ]
    return Order(
        id="o1", checkout_id="c1", store_id="s1", buyer_id="b1", lines=lines, shipping_fee=Money(18_000), created_at=T0
    )


def test_totals_are_the_line_snapshots_plus_shipping() -> None:
    order = an_order()
    assert order.subtotal == Money(399_500) and order.total == Money(417_500)


def test_the_happy_path_reaches_completed_and_records_each_step() -> None:
    order = an_order()
    for step in ("pay", "accept", "start_shipping", "deliver", "complete"):
        order.apply(OrderAction(step), T0)
    assert [c.status for c in order.history] == [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.ACCEPTED,
        OrderStatus.SHIPPING,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    ]


def test_a_failed_booking_is_the_one_way_back_and_the_seller_may_ship_again() -> None:
    order = an_order()
    for step in ("pay", "accept", "start_shipping", "booking_failed", "start_shipping", "deliver"):
        order.apply(OrderAction(step), T0)
    assert order.status is OrderStatus.DELIVERED


@pytest.mark.parametrize(
    ("path", "refund"),
    [
        (("pay", "cancel"), True),
        (("cancel",), False),
        (("pay", "reject"), True),
        (("pay", "accept", "start_shipping", "return"), True),
    ],
)
def test_exits_after_payment_say_a_refund_is_due(path: tuple[str, ...], refund: bool) -> None:
    order = an_order()
    for step in path:
        order.apply(OrderAction(step), T0)
    assert order.pull_events()[-1].refund_due is refund  # type: ignore[attr-defined]


def test_lines_need_a_positive_quantity_and_price() -> None:
    with pytest.raises(InvalidValue):
        OrderLine(id="l", variant_id="v", product_id="p", title="x", quantity=0, unit_price=Money(1))
    with pytest.raises(InvalidValue):
        OrderLine(id="l", variant_id="v", product_id="p", title="x", quantity=1, unit_price=Money(0))


class OrderMachine(RuleBasedStateMachine):
    """Random actions against a model of the transition table."""

    def __init__(self) -> None:
        super().__init__()
        self.order = an_order()
        self.expected = OrderStatus.PENDING_PAYMENT
        self.clock = T0
        self.accepted = 0

    @rule(action=st.sampled_from(list(OrderAction)))
    def act(self, action: OrderAction) -> None:
        self.clock += timedelta(minutes=1)
        move = MOVES[action]
        before = list(self.order.history)
        if self.expected in move.sources:
            self.order.apply(action, self.clock)
            self.expected = move.target
            self.accepted += 1
        else:
            with pytest.raises(IllegalTransition):
                self.order.apply(action, self.clock)
            assert self.order.history == before, "a refused action changes nothing"

    @invariant()
    def the_status_is_the_models(self) -> None:
        assert self.order.status is self.expected

    @invariant()
    def the_history_has_one_entry_per_accepted_action_and_ends_at_the_status(self) -> None:
        assert len(self.order.history) == self.accepted + 1
        assert self.order.history[-1].status is self.order.status

    @invariant()
    def nothing_leaves_a_final_status(self) -> None:
        finals = [i for i, change in enumerate(self.order.history) if change.status in FINAL]
        assert not finals or finals[0] == len(self.order.history) - 1


TestOrderMachine = OrderMachine.TestCase
