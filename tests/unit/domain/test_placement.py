"""Placing a checkout: one order per store with the price snapshots and fee rate frozen, a checkout for
their total, and the referral on the lines it covers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.affiliate.program import ReferralLink, TargetKind
from marketplace.domain.ordering.checkout import CheckoutPlaced
from marketplace.domain.ordering.placement import ChosenLine, Placement, StoreChoice, StoreTerms, place
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.money import Money

T0 = datetime(2026, 11, 25, tzinfo=UTC)
ADDRESS = PostalAddress("Home", "Ayu", "+6281234567890", "Jl. Braga 1", "Bandung", "40111", None)


def _store(store_id: str, *lines: tuple[str, int, int], owner: str = "owner", rate: int = 1_000) -> StoreChoice:
    return StoreChoice(
        store_id=store_id,
        store_name=f"Toko {store_id}",
        lines=tuple(ChosenLine(v, f"p-{v}", f"Kain {v}", q, Money(price)) for v, q, price in lines),
        shipping_method="instant",
        shipping_fee=Money(18_000),
        terms=StoreTerms(owner, rate),
    )


def _ids() -> itertools.count[int]:
    return itertools.count(1)


def _place(*stores: StoreChoice, link: ReferralLink | None = None, buyer: str = "buyer") -> Placement:
    counter = _ids()
    return place(
        new_id=lambda: f"id-{next(counter):02d}",
        buyer_id=buyer,
        address=ADDRESS,
        stores=stores,
        fee_bps=500,
        now=T0,
        expires_at=T0 + timedelta(minutes=30),
        link=link,
        idempotency_key="key-1",
    )


def test_one_order_per_store_and_a_checkout_for_their_total() -> None:
    placed = _place(_store("s1", ("v1", 2, 150_000), ("v2", 1, 99_500)), _store("s2", ("v1", 1, 150_000)))
    first, second = placed.orders
    assert [o.id for o in placed.orders] == ["id-01", "id-04"], "an order's id, then its lines'"
    assert placed.checkout.id == "id-06" and placed.checkout.order_ids == ["id-01", "id-04"]
    assert {o.checkout_id for o in placed.orders} == {"id-06"} and {o.fee_bps for o in placed.orders} == {500}
    assert first.total == Money(399_500 + 18_000) and second.total == Money(168_000)
    assert placed.checkout.amount == first.total + second.total
    assert placed.checkout.expires_at == T0 + timedelta(minutes=30) and placed.checkout.idempotency_key == "key-1"
    assert [(line.variant_id, line.quantity, line.unit_price) for line in first.lines] == [
        ("v1", 2, Money(150_000)),
        ("v2", 1, Money(99_500)),
    ]
    assert first.address == ADDRESS and first.shipping_method == "instant" and first.store_name == "Toko s1"
    assert placed.quantities == {"v1": 3, "v2": 1}
    assert [type(e) for e in placed.checkout.pull_events()] == [CheckoutPlaced]


def test_a_referral_covers_the_lines_it_targets_at_each_stores_rate_never_the_affiliates_own() -> None:
    link = ReferralLink("AYU-1", "affiliate", TargetKind.MARKETPLACE, None, T0)
    placed = _place(
        _store("s1", ("v1", 1, 10_000), rate=700),
        _store("s2", ("v2", 1, 10_000), owner="affiliate"),
        StoreChoice("s3", "Toko s3", (ChosenLine("v3", "p3", "x", 1, Money(5_000)),), "instant", Money(1), None),
        link=link,
    )
    covered, own_store, unknown_store = placed.orders
    assert covered.referral is not None and covered.referral.rate_bps == 700
    assert covered.referral.line_ids == tuple(line.id for line in covered.lines)
    assert own_store.referral is None and unknown_store.referral is None
    assert placed.checkout.referral_code == "AYU-1"
    assert all(o.referral is None for o in _place(_store("s1", ("v1", 1, 1)), link=link, buyer="affiliate").orders)


def test_nothing_to_place_is_refused() -> None:
    with pytest.raises(InvalidValue):
        _place()
