"""Create a product: the store's owner adds a draft with at least one variant."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.commands import CreateProductCommand
from marketplace.application.catalog.product_writes import PRODUCT_MEDIA, CatalogWriter, check_category
from marketplace.application.catalog.views import ProductDetail
from marketplace.application.media.attachments import attach_media
from marketplace.application.stores.lookup import owned_store
from marketplace.domain.catalog.product import Product
from marketplace.domain.shared.errors import DuplicateSku
from marketplace.domain.shared.text import slugify


@dataclass(frozen=True, slots=True)
class CreateProduct:
    writer: CatalogWriter

    async def __call__(self, user_id: str, store_ref: str, command: CreateProductCommand) -> ProductDetail:
        w = self.writer
        product_id = w.ids.new_id()
        variants = [v.build(w.ids.new_id()) for v in command.variants]
        skus = [v.sku for v in variants]
        for sku in skus:
            if skus.count(sku) > 1:
                raise DuplicateSku(sku)
        async with w.uow() as uow:
            store = await owned_store(uow, store_ref, user_id)
            await check_category(uow, command.category_id)
            base = slugify(command.title, fallback="product")[:60].rstrip("-")
            product = Product.draft(
                id=product_id,
                store_id=store.id,
                slug=f"{base}-{product_id[-8:]}",
                title=command.title,
                description=command.description,
                category_id=command.category_id,
                variants=variants,
                now=w.clock.now(),
            )
            product.media_ids = await attach_media(
                uow, user_id, command.media_ids, target=f"product:{product.id}", purposes=PRODUCT_MEDIA
            )
            await uow.products.add(product)
            await uow.commit()
        return await w.finish(product.id)
