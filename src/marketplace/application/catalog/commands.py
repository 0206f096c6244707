"""Commands of the catalog's write use cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.domain.catalog.product import Variant
from marketplace.domain.shared.money import Money, price


@dataclass(frozen=True, slots=True)
class VariantInput:
    sku: str
    name: str
    price_amount: int
    stock: int
    weight_grams: int
    currency: str = "IDR"

    def build(self, variant_id: str) -> Variant:
        return Variant.create(
            id=variant_id,
            sku=self.sku,
            name=self.name,
            price=price(self.price_amount, self.currency),
            stock=self.stock,
            weight_grams=self.weight_grams,
        )


@dataclass(frozen=True, slots=True)
class CreateProductCommand:
    title: str
    description: str
    category_id: str | None
    variants: list[VariantInput]
    media_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProductChanges:
    title: str | None = None
    description: str | None = None
    category_id: str | None = None
    clear_category: bool = False
    media_ids: list[str] | None = None


@dataclass(frozen=True, slots=True)
class VariantChanges:
    name: str | None = None
    price: Money | None = None
    stock: int | None = None
