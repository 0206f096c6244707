"""Small builders of domain objects for the unit tests."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.domain.catalog.product import Product, Variant
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def variant(sku: str = "SKU-1", *, stock: int = 5, amount: int = 10_000, currency: str = "IDR") -> Variant:
    return Variant.create(
        id=new_id(), sku=sku, name=f"variant {sku}", price=Money(amount, currency), stock=stock, weight_grams=200
    )


def product(*variants: Variant) -> Product:
    return Product.draft(
        id=new_id(),
        store_id=new_id(),
        slug="a-product",
        title="A product",
        description="",
        category_id=None,
        variants=list(variants) or [variant()],
        now=NOW,
    )
