"""The Product aggregate: stock never below zero, a lifecycle, at least one variant, unique SKUs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.catalog.product import MAX_STOCK, Product, ProductArchived, ProductPublished, ProductStatus
from marketplace.domain.shared.errors import Conflict, DuplicateSku, IllegalTransition, InsufficientStock, InvalidValue
from marketplace.domain.shared.money import Money
from tests.unit.domain.builders import NOW, product, variant

stock_moves = st.lists(
    st.tuples(st.sampled_from(["take", "put_back"]), st.integers(min_value=1, max_value=30)), max_size=40
)


@given(st.integers(min_value=0, max_value=50), stock_moves)
def test_no_sequence_of_takes_and_put_backs_brings_stock_below_zero(start: int, moves: list[tuple[str, int]]) -> None:
    item = variant(stock=start)
    expected = start
    for action, quantity in moves:
        if action == "put_back":
            item.put_back(quantity)
            expected += quantity
        elif quantity <= expected:
            item.take(quantity)
            expected -= quantity
        else:
            with pytest.raises(InsufficientStock):
                item.take(quantity)
        assert item.stock == expected >= 0


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=1, max_value=200))
def test_taking_more_than_the_stock_raises_and_leaves_the_stock_unchanged(stock: int, extra: int) -> None:
    item = variant(stock=stock)
    with pytest.raises(InsufficientStock):
        item.take(stock + extra)
    assert item.stock == stock


@given(st.one_of(st.integers(max_value=0), st.floats(), st.booleans(), st.decimals(allow_nan=False)))
def test_quantities_taken_or_put_back_must_be_positive_whole_numbers(quantity: object) -> None:
    item = variant(stock=5)
    for move in (item.take, item.put_back):
        with pytest.raises(InvalidValue) as raised:
            move(quantity)  # type: ignore[arg-type]
        assert raised.value.field == "quantity"
    assert item.stock == 5


def test_putting_back_beyond_the_maximum_stock_is_refused() -> None:
    item = variant(stock=MAX_STOCK)
    with pytest.raises(InvalidValue):
        item.put_back(1)
    assert item.stock == MAX_STOCK


@pytest.mark.parametrize(
    "changes",
    [
        {"stock": -1},
        {"stock": MAX_STOCK + 1},
        {"stock": 1.5},
        {"amount": 0},
        {"amount": -100},
        {"sku": "-bad"},
        {"sku": ""},
    ],
)
def test_a_variant_refuses_negative_stock_non_positive_prices_and_bad_skus(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        variant(**changes)  # type: ignore[arg-type]


def test_a_new_product_is_a_draft_with_its_variants() -> None:
    item = product(variant("A"), variant("B"))
    assert item.status is ProductStatus.DRAFT
    assert [v.sku for v in item.variants] == ["A", "B"]
    assert item.published_at is None


def test_a_product_needs_at_least_one_variant() -> None:
    with pytest.raises(InvalidValue) as raised:
        Product.draft(
            id="p", store_id="s", slug="p", title="A product", description="", category_id=None, variants=[], now=NOW
        )
    assert raised.value.field == "variants"


def test_publishing_makes_a_draft_active_and_records_the_event() -> None:
    item = product()
    item.publish(NOW)
    assert item.status is ProductStatus.ACTIVE
    assert item.published_at == NOW
    assert item.pull_events() == [ProductPublished(product_id=item.id, store_id=item.store_id)]


def test_publishing_twice_is_an_illegal_transition() -> None:
    item = product()
    item.publish(NOW)
    item.pull_events()
    with pytest.raises(IllegalTransition):
        item.publish(NOW)
    assert item.status is ProductStatus.ACTIVE
    assert item.pull_events() == []


def test_archiving_twice_is_an_illegal_transition() -> None:
    item = product()
    item.archive(NOW)
    assert item.pull_events() == [ProductArchived(product_id=item.id, store_id=item.store_id)]
    with pytest.raises(IllegalTransition):
        item.archive(NOW)
    assert item.status is ProductStatus.ARCHIVED
    assert item.pull_events() == []


def test_an_archived_product_may_be_published_again_and_keeps_its_first_publication_time() -> None:
    item = product()
    item.publish(NOW)
    item.archive(NOW + timedelta(days=1))
    item.publish(NOW + timedelta(days=2))
    assert item.status is ProductStatus.ACTIVE
    assert item.published_at == NOW


@given(st.lists(st.sampled_from(["publish", "archive"]), max_size=12))
def test_a_transition_is_illegal_exactly_when_the_product_is_already_in_its_target_state(actions: list[str]) -> None:
    item = product()
    target = {"publish": ProductStatus.ACTIVE, "archive": ProductStatus.ARCHIVED}
    for action in actions:
        before = item.status
        if before is target[action]:
            with pytest.raises(IllegalTransition):
                getattr(item, action)(NOW)
            assert item.status is before
        else:
            getattr(item, action)(NOW)
            assert item.status is target[action]


def test_a_product_keeps_at_least_one_variant() -> None:
    item = product(variant("A"), variant("B"))
    item.remove_variant(item.variants[0].id, NOW)
    with pytest.raises(Conflict):
        item.remove_variant(item.variants[0].id, NOW)
    assert [v.sku for v in item.variants] == ["B"]


def test_a_duplicate_sku_in_a_product_is_refused() -> None:
    with pytest.raises(DuplicateSku):
        product(variant("A"), variant("A"))
    item = product(variant("A"))
    with pytest.raises(DuplicateSku):
        item.add_variant(variant("A"), NOW)
    assert len(item.variants) == 1


def test_all_variants_of_a_product_share_one_currency() -> None:
    item = product(variant("A", currency="IDR"))
    with pytest.raises(InvalidValue):
        item.add_variant(variant("B", currency="USD"), NOW)
    with pytest.raises(InvalidValue):
        item.change_variant(item.variants[0].id, NOW, price=Money(5, "USD"))
    assert item.variants[0].price == Money(10_000, "IDR")


@pytest.mark.parametrize(
    "changes",
    [{"name": "new name", "price": Money(5, "USD")}, {"price": Money(99), "stock": -1}, {"name": "x", "stock": -3}],
)
def test_a_refused_variant_change_changes_nothing(changes: dict[str, object]) -> None:
    item = product(variant("A", stock=5, amount=10_000))
    before = (item.variants[0].name, item.variants[0].price, item.variants[0].stock, item.updated_at)
    with pytest.raises(InvalidValue):
        item.change_variant(item.variants[0].id, NOW + timedelta(hours=1), **changes)  # type: ignore[arg-type]
    after = (item.variants[0].name, item.variants[0].price, item.variants[0].stock, item.updated_at)
    assert after == before


def test_price_from_is_the_lowest_variant_price() -> None:
    item = product(variant("A", amount=30_000), variant("B", amount=12_500), variant("C", amount=20_000))
    assert item.price_from == Money(12_500)


def test_a_variant_is_found_by_its_id() -> None:
    item = product(variant("A"), variant("B"))
    assert item.variant(item.variants[1].id).sku == "B"
    with pytest.raises(KeyError):
        item.variant("missing")
