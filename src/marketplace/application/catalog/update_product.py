"""Update a product: title, description, category, media; its slug stays as it was."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.commands import ProductChanges
from marketplace.application.catalog.ownership import owned_product
from marketplace.application.catalog.product_writes import PRODUCT_MEDIA, CatalogWriter, check_category
from marketplace.application.catalog.views import ProductDetail
from marketplace.application.media.attachments import attach_media


@dataclass(frozen=True, slots=True)
class UpdateProduct:
    writer: CatalogWriter

    async def __call__(self, user_id: str, product_ref: str, changes: ProductChanges) -> ProductDetail:
        w = self.writer
        async with w.uow() as uow:
            product, _ = await owned_product(uow, product_ref, user_id)
            now = w.clock.now()
            if changes.title is not None:
                product.retitle(changes.title, now)
            if changes.description is not None:
                product.redescribe(changes.description, now)
            if changes.category_id is not None or changes.clear_category:
                await check_category(uow, changes.category_id)
                product.recategorise(changes.category_id, now)
            if changes.media_ids is not None:
                product.media_ids = await attach_media(
                    uow, user_id, changes.media_ids, target=f"product:{product.id}", purposes=PRODUCT_MEDIA
                )
            await uow.products.save(product)
            await uow.commit()
        return await w.finish(product.id)
