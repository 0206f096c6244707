"""Add, change and remove a product's variants; `stock` sets the quantity that can be bought."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.commands import VariantChanges, VariantInput
from marketplace.application.catalog.ownership import owned_product
from marketplace.application.catalog.product_writes import CatalogWriter
from marketplace.application.catalog.views import VariantView
from marketplace.application.errors import NotFound
from marketplace.application.shared.views import MoneyView
from marketplace.domain.catalog.product import Product, Variant


def variant_view(variant: Variant) -> VariantView:
    return VariantView(
        id=variant.id,
        sku=variant.sku,
        name=variant.name,
        price=MoneyView.of(variant.price),
        stock=variant.stock,
        weight_grams=variant.weight_grams,
    )


def _variant(product: Product, variant_id: str) -> Variant:
    try:
        return product.variant(variant_id)
    except KeyError:
        raise NotFound("variant", variant_id) from None


@dataclass(frozen=True, slots=True)
class AddVariant:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str, data: VariantInput) -> VariantView:
        w = self.writer
        variant = data.build(w.ids.new_id())
        async with w.uow() as uow:
            product, _ = await owned_product(uow, product_ref, user_id)
            product.add_variant(variant, w.clock.now())
            await uow.products.save(product)
            await uow.commit()
        await w.cache.invalidate()
        return variant_view(variant)


@dataclass(frozen=True, slots=True)
class ChangeVariant:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str, variant_id: str, changes: VariantChanges) -> VariantView:
        w = self.writer
        async with w.uow() as uow:
            product, _ = await owned_product(uow, product_ref, user_id)
            _variant(product, variant_id)
            variant = product.change_variant(
                variant_id, w.clock.now(), name=changes.name, price=changes.price, stock=changes.stock
            )
            await uow.products.save(product)
            await uow.commit()
        await w.cache.invalidate()
        return variant_view(variant)


@dataclass(frozen=True, slots=True)
class RemoveVariant:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str, variant_id: str) -> None:
        w = self.writer
        async with w.uow() as uow:
            product, _ = await owned_product(uow, product_ref, user_id)
            _variant(product, variant_id)
            product.remove_variant(variant_id, w.clock.now())
            await uow.products.save(product)
            await uow.commit()
        await w.cache.invalidate()
