"""Finding a product for its owner: 404 for what the caller may not see, 403 for what they may."""

from __future__ import annotations

from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.identity.actors import viewer_of
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.catalog.product import Product
from marketplace.domain.catalog.visibility import can_see_product
from marketplace.domain.shared.ids import is_id
from marketplace.domain.stores.store import Store


async def owned_product(uow: UnitOfWork, ref: str, user_id: str) -> tuple[Product, Store]:
    product = await uow.products.get(ref) if is_id(ref) else await uow.products.get_by_slug(ref)
    store = await uow.stores.get(product.store_id) if product else None
    if product is None or store is None:
        raise NotFound("product", ref)
    viewer = await viewer_of(uow, user_id)
    if not can_see_product(viewer, owner_id=store.owner_id, product_status=product.status, store_status=store.status):
        raise NotFound("product", ref)
    if not store.is_owned_by(user_id):
        raise Forbidden("only the store's owner may change its products")
    return product, store
