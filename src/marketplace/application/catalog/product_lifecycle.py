"""Publish and archive a product (draft -> active -> archived; an archived one may be published again)."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.ownership import owned_product
from marketplace.application.catalog.product_writes import CatalogWriter
from marketplace.application.catalog.views import ProductDetail


@dataclass(frozen=True, slots=True)
class PublishProduct:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str) -> ProductDetail:
        async with self.writer.uow() as uow:
            product, store = await owned_product(uow, product_ref, user_id)
            store.ensure_trading("publish products")
            product.publish(self.writer.clock.now())
            await uow.products.save(product)
            await uow.commit()
        return await self.writer.finish(product.id)


@dataclass(frozen=True, slots=True)
class ArchiveProduct:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str) -> ProductDetail:
        async with self.writer.uow() as uow:
            product, _ = await owned_product(uow, product_ref, user_id)
            product.archive(self.writer.clock.now())
            await uow.products.save(product)
            await uow.commit()
        return await self.writer.finish(product.id)
