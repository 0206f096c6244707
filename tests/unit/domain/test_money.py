"""Money: integer minor units in one currency; arithmetic, allocation and percentages."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.money import Money, price

amounts = st.integers(min_value=-(10**15), max_value=10**15)
currencies = st.sampled_from(["IDR", "USD", "SGD"])
ratio_lists = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(lambda r: sum(r) > 0)
rates = st.integers(min_value=0, max_value=10_000)


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    currency = draw(currencies)
    return [Money(draw(amounts), currency) for _ in range(count)]


@given(same_currency(2))
def test_addition_is_commutative(pair: list[Money]) -> None:
    a, b = pair
    assert a + b == b + a


@given(same_currency(3))
def test_addition_is_associative(triple: list[Money]) -> None:
    a, b, c = triple
    assert (a + b) + c == a + (b + c)


@given(same_currency(2))
def test_subtraction_undoes_addition(pair: list[Money]) -> None:
    a, b = pair
    assert (a + b) - b == a
    assert (a - b).amount == a.amount - b.amount


@given(amounts, currencies)
def test_zero_is_the_identity_of_addition(amount: int, currency: str) -> None:
    money = Money(amount, currency)
    assert money + Money.zero(currency) == money


@given(amounts, amounts, st.sampled_from([("IDR", "USD"), ("USD", "SGD"), ("SGD", "IDR")]))
def test_money_in_different_currencies_cannot_be_combined(a: int, b: int, pair: tuple[str, str]) -> None:
    left, right = Money(a, pair[0]), Money(b, pair[1])
    for combine in (lambda: left + right, lambda: left - right, lambda: left < right, lambda: left <= right):
        with pytest.raises(InvalidValue) as raised:
            combine()
        assert raised.value.field == "currency"


@given(st.one_of(st.floats(allow_nan=False), st.booleans(), st.decimals(allow_nan=False).map(str)))
def test_money_refuses_floats_bools_and_strings_as_amounts(amount: object) -> None:
    with pytest.raises(InvalidValue):
        Money(amount)  # type: ignore[arg-type]


@given(amounts, st.one_of(st.floats(allow_nan=False), st.booleans()))
def test_money_is_multiplied_by_whole_numbers_only(amount: int, factor: object) -> None:
    with pytest.raises(InvalidValue):
        Money(amount) * factor  # type: ignore[operator]


@given(amounts, st.integers(min_value=-1000, max_value=1000))
def test_multiplying_by_a_whole_number_scales_the_amount(amount: int, factor: int) -> None:
    assert (Money(amount) * factor).amount == amount * factor
    assert factor * Money(amount) == Money(amount) * factor


@pytest.mark.parametrize("currency", ["idr", "ID", "IDRX", ""])
def test_a_currency_must_be_a_three_letter_upper_case_code(currency: str) -> None:
    with pytest.raises(InvalidValue):
        Money(100, currency)


@given(amounts)
def test_a_price_must_be_positive(amount: int) -> None:
    if amount > 0:
        assert price(amount) == Money(amount, "IDR")
    else:
        with pytest.raises(InvalidValue):
            price(amount)


def test_a_price_must_be_in_a_currency_sold_here() -> None:
    with pytest.raises(InvalidValue):
        price(100, "USD")


@given(amounts, currencies, ratio_lists)
def test_allocated_parts_always_sum_to_the_whole(amount: int, currency: str, ratios: list[int]) -> None:
    parts = Money(amount, currency).allocate(ratios)
    assert len(parts) == len(ratios)
    assert sum(p.amount for p in parts) == amount
    assert {p.currency for p in parts} == {currency}


@given(amounts, ratio_lists)
@example(amount=-1, ratios=[1, 1])
@example(amount=100, ratios=[1, 1, 1])
def test_an_allocated_part_never_differs_from_its_exact_share_by_one_or_more(amount: int, ratios: list[int]) -> None:
    total = sum(ratios)
    for part, ratio in zip(Money(amount).allocate(ratios), ratios, strict=True):
        assert abs(Fraction(part.amount) - Fraction(amount * ratio, total)) < 1


@given(amounts, ratio_lists)
def test_allocating_a_negative_amount_mirrors_the_positive_one(amount: int, ratios: list[int]) -> None:
    assert Money(-amount).allocate(ratios) == [Money(-p.amount) for p in Money(amount).allocate(ratios)]


@given(amounts, ratio_lists)
def test_a_zero_ratio_receives_nothing(amount: int, ratios: list[int]) -> None:
    for part, ratio in zip(Money(amount).allocate(ratios), ratios, strict=True):
        if ratio == 0:
            assert part.amount == 0


def test_allocation_hands_leftover_units_to_the_largest_remainders() -> None:
    assert [m.amount for m in Money(100).allocate([1, 1, 1])] == [34, 33, 33]
    assert [m.amount for m in Money(5).allocate([3, 7])] == [2, 3]  # 1.5 / 3.5: a tie, the earliest wins
    assert [m.amount for m in Money(-5).allocate([3, 7])] == [-2, -3]


@pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1], [-3]])
def test_allocation_refuses_empty_negative_or_all_zero_ratios(ratios: list[int]) -> None:
    with pytest.raises(InvalidValue):
        Money(100).allocate(ratios)


@given(amounts, rates)
@example(amount=1, rate_bps=5_000)
@example(amount=3, rate_bps=6_000)
@example(amount=-3, rate_bps=6_000)
def test_a_percentage_is_the_exact_share_rounded_toward_zero(amount: int, rate_bps: int) -> None:
    share = Money(amount).percent_bps(rate_bps)
    exact = Fraction(amount * rate_bps, 10_000)
    assert 0 <= abs(exact) - abs(share.amount) < 1
    assert share.amount == 0 or (share.amount > 0) == (amount > 0)


@given(st.integers(min_value=0, max_value=10**15), rates, rates)
def test_a_higher_rate_never_gives_a_smaller_share(amount: int, low: int, high: int) -> None:
    low, high = sorted((low, high))
    assert Money(amount).percent_bps(low) <= Money(amount).percent_bps(high)


@given(amounts)
def test_zero_and_full_rates_give_nothing_and_everything(amount: int) -> None:
    assert Money(amount).percent_bps(0) == Money(0)
    assert Money(amount).percent_bps(10_000) == Money(amount)


@pytest.mark.parametrize("rate_bps", [-1, 10_001])
def test_a_rate_outside_zero_to_ten_thousand_basis_points_is_refused(rate_bps: int) -> None:
    with pytest.raises(InvalidValue):
        Money(100).percent_bps(rate_bps)
