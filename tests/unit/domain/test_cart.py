"""Cart rules: quantities from 1 to the stock available, adds accumulate, lines keep their first time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.cart.cart import MAX_LINES, MAX_QUANTITY, Cart
from marketplace.domain.shared.errors import Conflict, InsufficientStock, InvalidValue

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def a_cart() -> Cart:
    return Cart(buyer_id="b1", updated_at=T0)


def test_adding_twice_accumulates_and_keeps_when_the_line_was_first_added() -> None:
    cart = a_cart()
    cart.add("v1", 2, available=5, now=T0)
    line = cart.add("v1", 3, available=5, now=T0 + timedelta(minutes=5))
    assert line.quantity == 5 and line.added_at == T0


def test_no_line_ever_holds_more_than_is_available() -> None:
    cart = a_cart()
    cart.add("v1", 4, available=5, now=T0)
    with pytest.raises(InsufficientStock):
        cart.add("v1", 2, available=5, now=T0)
    assert cart.quantity_of("v1") == 4, "a refused add changes nothing"


@given(st.lists(st.tuples(st.sampled_from(["v1", "v2", "v3"]), st.integers(-3, 12), st.integers(0, 20)), max_size=30))
def test_quantities_stay_between_one_and_the_stock_seen_when_set(steps: list[tuple[str, int, int]]) -> None:
    cart = a_cart()
    for variant_id, quantity, available in steps:
        before = cart.quantity_of(variant_id)
        try:
            cart.set_quantity(variant_id, quantity, available, T0)
        except (InvalidValue, InsufficientStock):
            assert cart.quantity_of(variant_id) == before
        else:
            assert 1 <= cart.quantity_of(variant_id) == quantity <= available
    assert all(1 <= line.quantity <= MAX_QUANTITY for line in cart.lines.values())


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_quantities_out_of_range_are_refused(quantity: int) -> None:
    with pytest.raises(InvalidValue):
        a_cart().set_quantity("v1", quantity, available=10_000, now=T0)


def test_a_cart_holds_a_bounded_number_of_variants() -> None:
    cart = a_cart()
    for n in range(MAX_LINES):
        cart.add(f"v{n}", 1, available=1, now=T0)
    with pytest.raises(Conflict):
        cart.add("one-more", 1, available=1, now=T0)


def test_removing_and_taking_out_after_checkout() -> None:
    cart = a_cart()
    for variant_id in ("v1", "v2", "v3"):
        cart.add(variant_id, 1, available=1, now=T0)
    cart.remove("v1", T0)
    with pytest.raises(KeyError):
        cart.remove("v1", T0)
    cart.take_out({"v2"}, T0)
    assert list(cart.lines) == ["v3"]
