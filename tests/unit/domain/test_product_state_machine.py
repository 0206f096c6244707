"""A product's variants under any sequence of adds, stock changes, removals and takes."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from marketplace.domain.shared.errors import Conflict, DuplicateSku, InsufficientStock, InvalidValue
from tests.unit.domain.builders import NOW, product, variant

SKUS = st.sampled_from(["A", "B", "C", "D", "E"])


class ProductVariants(RuleBasedStateMachine):
    """The product against a plain model: SKU -> stock."""

    @initialize(sku=SKUS, stock=st.integers(min_value=0, max_value=20))
    def start(self, sku: str, stock: int) -> None:
        self.product = product(variant(sku, stock=stock))
        self.model = {sku: stock}

    def _id_of(self, sku: str) -> str:
        return next(v.id for v in self.product.variants if v.sku == sku)

    def _pick(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model)), label="sku")

    @rule(sku=SKUS, stock=st.integers(min_value=0, max_value=20))
    def add(self, sku: str, stock: int) -> None:
        if sku in self.model:
            with pytest.raises(DuplicateSku):
                self.product.add_variant(variant(sku, stock=stock), NOW)
        else:
            self.product.add_variant(variant(sku, stock=stock), NOW)
            self.model[sku] = stock

    @rule(data=st.data(), stock=st.integers(min_value=-3, max_value=30))
    def change_stock(self, data: st.DataObject, stock: int) -> None:
        sku = self._pick(data)
        if stock < 0:
            with pytest.raises(InvalidValue):
                self.product.change_variant(self._id_of(sku), NOW, stock=stock)
        else:
            self.product.change_variant(self._id_of(sku), NOW, stock=stock)
            self.model[sku] = stock

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        sku = self._pick(data)
        if len(self.model) == 1:
            with pytest.raises(Conflict):
                self.product.remove_variant(self._id_of(sku), NOW)
        else:
            self.product.remove_variant(self._id_of(sku), NOW)
            del self.model[sku]

    @rule(data=st.data(), quantity=st.integers(min_value=1, max_value=25))
    def take(self, data: st.DataObject, quantity: int) -> None:
        sku = self._pick(data)
        target = self.product.variant(self._id_of(sku))
        if quantity > self.model[sku]:
            with pytest.raises(InsufficientStock):
                target.take(quantity)
        else:
            target.take(quantity)
            self.model[sku] -= quantity

    @invariant()
    def stock_matches_the_model_and_is_never_negative(self) -> None:
        assert {v.sku: v.stock for v in self.product.variants} == self.model
        assert all(v.stock >= 0 for v in self.product.variants)

    @invariant()
    def at_least_one_variant_and_skus_are_unique(self) -> None:
        skus = [v.sku for v in self.product.variants]
        assert skus and len(skus) == len(set(skus))

    @invariant()
    def every_variant_shares_the_product_currency(self) -> None:
        assert {v.price.currency for v in self.product.variants} == {self.product.currency}


ProductVariants.TestCase.settings = settings(ProductVariants.TestCase.settings, stateful_step_count=30)
test_product_variants_keep_their_invariants = ProductVariants.TestCase
