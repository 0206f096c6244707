"""The money of an order: splits add up to the whole to the rupiah, commissions are the store's rate
on the referred lines, and paying, completing and refunding keep every transaction balanced."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.ordering.order import Order, OrderLine, OrderReferral
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.settlement.ledger import CLEARING, REVENUE, SHIPPING, EntryKind, LedgerTransaction, Posting
from marketplace.domain.settlement.sale import booked_on_payment, released_on_completion, split
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.money import Money

T0 = datetime(2026, 11, 26, 9, tzinfo=UTC)


def an_order(
    prices: list[tuple[int, int]],
    fee_bps: int = 500,
    rate_bps: int | None = None,
    referred: list[int] | None = None,
    fee: int = 15_000,
) -> Order:
    lines = [
        OrderLine(id=f"l{i}", variant_id=f"v{i}", product_id=f"p{i}", title=f"t{i}", quantity=q, unit_price=Money(p))
        for i, (p, q) in enumerate(prices)
    ]
    referral = None
    if rate_bps is not None:
        referral = OrderReferral(
            affiliate_id="aff",
            code="CODE",
            rate_bps=rate_bps,
            line_ids=tuple(f"l{i}" for i in (referred if referred is not None else range(len(prices)))),
        )
    order = Order(
        id="o1",
        checkout_id="c1",
        store_id="s1",
        buyer_id="b1",
        lines=lines,
        shipping_fee=Money(fee),
        created_at=T0,
        fee_bps=fee_bps,
        referral=referral,
    )
    order.apply(OrderAction.PAY, T0)
    return order


def test_a_referred_sale_splits_into_fee_commission_and_the_store_part() -> None:
    order = an_order([(200_000, 1)], rate_bps=1_000)
    parts = split(order)
    assert (parts.fee.amount, parts.commission.amount, parts.store_net.amount) == (10_000, 20_000, 170_000)
    booked = booked_on_payment(order, "t1")
    assert booked.net("store:s1:pending") == 170_000 and booked.net("affiliate:aff:pending") == 20_000
    assert booked.net(REVENUE) == 10_000 and booked.net(SHIPPING) == 15_000 and booked.net(CLEARING) == -215_000
    released = released_on_completion(order, booked, "t2")
    assert released is not None and released.net("store:s1:available") == 170_000
    assert released.net("affiliate:aff:available") == 20_000 and released.net("store:s1:pending") == -170_000
    undone = booked.reversed("t3", "order-refunded", T0, EntryKind.REFUND)
    assert all(a.amount == -b.amount for a, b in zip(undone.postings, booked.postings, strict=True))


def test_only_the_referred_lines_earn_and_the_rate_never_eats_the_fee() -> None:
    parts = split(an_order([(100_000, 1), (50_000, 2)], rate_bps=1_000, referred=[1]))
    assert parts.commission.amount == 10_000 and parts.fee.amount == 10_000
    capped = split(an_order([(100_000, 1)], rate_bps=10_000))
    assert capped.fee.amount == 5_000 and capped.commission.amount == 95_000 and capped.store_net.amount == 0
    mixed = split(an_order([(10_010, 1), (10_010, 1)], rate_bps=1_000, referred=[0]))
    assert mixed.fee.amount == 1_001 and mixed.commission.amount == 1_001  # the fee is taken once, on the whole
    nobody = split(an_order([(100_000, 1)]))
    assert nobody.commission.amount == 0 and nobody.affiliate_id is None


def test_unbalanced_or_empty_transactions_are_refused() -> None:
    with pytest.raises(InvalidValue):
        LedgerTransaction(
            id="t",
            reason="x",
            currency="IDR",
            created_at=T0,
            postings=(Posting("a", 5, EntryKind.SALE), Posting("b", -4, EntryKind.SALE)),
        )
    with pytest.raises(InvalidValue):
        LedgerTransaction(
            id="t", reason="x", currency="IDR", created_at=T0, postings=(Posting("a", 0, EntryKind.SALE),)
        )


@given(
    st.lists(st.tuples(st.integers(1, 5_000_000), st.integers(1, 5)), min_size=1, max_size=6),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.data(),
)
def test_every_split_adds_up_to_the_subtotal_and_books_balanced(
    prices: list[tuple[int, int]], fee_bps: int, rate_bps: int, data: st.DataObject
) -> None:
    referred = data.draw(st.lists(st.integers(0, len(prices) - 1), unique=True))
    order = an_order(prices, fee_bps=fee_bps, rate_bps=rate_bps, referred=referred)
    parts = split(order)
    assert parts.fee.amount + parts.commission.amount + parts.store_net.amount == order.subtotal.amount
    assert min(parts.fee.amount, parts.commission.amount, parts.store_net.amount) >= 0
    referred_total = sum(order.lines[i].total.amount for i in referred)
    assert abs(parts.fee.amount - order.subtotal.amount * fee_bps / 10_000) < 1
    wanted = referred_total * rate_bps / 10_000
    assert (
        abs(parts.commission.amount - wanted) < 1 or parts.commission.amount == order.subtotal.amount - parts.fee.amount
    )
    booked = booked_on_payment(order, "t1")
    assert sum(p.amount for p in booked.postings) == 0
    assert -booked.net(CLEARING) == order.total.amount
