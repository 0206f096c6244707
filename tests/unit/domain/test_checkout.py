"""The Checkout aggregate: settles once, expires on time, never refunds more than was paid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.ordering.checkout import Checkout, CheckoutStatus, PaymentStatus, RefundRecord, RefundState
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import Conflict, IllegalTransition, InvalidValue
from marketplace.domain.shared.money import Money

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
ADDRESS = PostalAddress.create(
    recipient="Ayu",
    phone="081234567890",
    line1="Jl. Sudirman 1",
    city="Jakarta",
    postal_code="10220",
    lat=-6.2,
    lng=106.8,
)


def a_checkout(amount: int = 500_000, orders: tuple[str, ...] = ("o1", "o2")) -> Checkout:
    return Checkout.place(
        id="c1",
        buyer_id="b1",
        order_ids=list(orders),
        address=ADDRESS,
        amount=Money(amount),
        now=T0,
        expires_at=T0 + timedelta(hours=24),
        referral_code=" REF-1 ",
    )


def test_placing_records_the_event_and_cleans_the_referral_code() -> None:
    checkout = a_checkout()
    assert checkout.referral_code == "REF-1" and checkout.is_pending
    assert [e.topic for e in checkout.pull_events()] == ["CheckoutPlaced"]


@pytest.mark.parametrize("code", ["<script>", "a" * 65, "ünï"])
def test_a_referral_code_of_strange_characters_is_refused(code: str) -> None:
    with pytest.raises(InvalidValue):
        Checkout.place(
            id="c1",
            buyer_id="b1",
            order_ids=["o1"],
            address=ADDRESS,
            amount=Money(1),
            now=T0,
            expires_at=T0 + timedelta(seconds=1),
            referral_code=code,
        )


def test_due_only_once_its_time_has_come_and_only_while_pending() -> None:
    checkout = a_checkout()
    assert not checkout.is_due(T0 + timedelta(hours=23, minutes=59))
    assert checkout.is_due(T0 + timedelta(hours=24))
    checkout.pay(T0)
    assert not checkout.is_due(T0 + timedelta(days=2))


@pytest.mark.parametrize("first", ["pay", "expire", "cancel"])
@pytest.mark.parametrize("second", ["pay", "expire", "cancel"])
def test_a_checkout_settles_once(first: str, second: str) -> None:
    checkout = a_checkout()
    getattr(checkout, first)(T0)
    status = checkout.status
    with pytest.raises(IllegalTransition):
        getattr(checkout, second)(T0)
    assert checkout.status is status


def test_cancel_leaves_the_invoice_unpayable() -> None:
    checkout = a_checkout()
    checkout.cancel(T0)
    assert checkout.status is CheckoutStatus.CANCELLED and checkout.payment_status is PaymentStatus.EXPIRED


def _refund(id: str, order: str, amount: int, state: RefundState = RefundState.PENDING) -> RefundRecord:
    return RefundRecord(id=id, order_id=order, amount=Money(amount), status=state, reason="cancelled", created_at=T0)


def test_refunds_need_a_paid_checkout_and_one_of_its_orders() -> None:
    checkout = a_checkout()
    with pytest.raises(IllegalTransition):
        checkout.record_refund(_refund("r1", "o1", 100))
    checkout.pay(T0)
    with pytest.raises(InvalidValue):
        checkout.record_refund(_refund("r1", "o9", 100))


@given(st.lists(st.tuples(st.integers(1, 400_000), st.sampled_from(list(RefundState))), max_size=8))
def test_what_is_refunded_never_exceeds_what_was_paid(refunds: list[tuple[int, RefundState]]) -> None:
    checkout = a_checkout()
    checkout.pay(T0)
    for n, (amount, state) in enumerate(refunds):
        try:
            checkout.record_refund(_refund(f"r{n}", "o1", amount, state))
        except Conflict:
            assert checkout.refunded.amount + amount > 500_000
        assert checkout.refunded.amount <= 500_000


def test_a_refund_update_replaces_it_and_a_repeat_changes_nothing() -> None:
    checkout = a_checkout()
    checkout.pay(T0)
    checkout.pull_events()
    checkout.record_refund(_refund("r1", "o1", 100_000))
    checkout.record_refund(_refund("r1", "o1", 100_000))
    assert len(checkout.refunds) == 1 and len(checkout.pull_events()) == 1
    checkout.record_refund(_refund("r1", "o1", 100_000, RefundState.SUCCEEDED))
    assert [r.status for r in checkout.refunds] == [RefundState.SUCCEEDED]
