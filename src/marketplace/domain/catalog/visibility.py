"""Who sees what: anyone sees active products of active stores; owners and admins see the rest."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.catalog.product import ProductStatus
from marketplace.domain.stores.store import StoreStatus


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: anonymous (user_id None), a signed-in user, possibly an admin."""

    user_id: str | None = None
    is_admin: bool = False

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls()


def store_is_public(status: StoreStatus) -> bool:
    return status is StoreStatus.ACTIVE


def product_is_public(product_status: ProductStatus, store_status: StoreStatus) -> bool:
    return product_status is ProductStatus.ACTIVE and store_status is StoreStatus.ACTIVE


def can_see_store(viewer: Viewer, *, owner_id: str, status: StoreStatus) -> bool:
    return store_is_public(status) or viewer.is_admin or viewer.user_id == owner_id


def can_see_product(viewer: Viewer, *, owner_id: str, product_status: ProductStatus, store_status: StoreStatus) -> bool:
    return (
        product_is_public(product_status, store_status)
        or viewer.is_admin
        or (viewer.user_id is not None and viewer.user_id == owner_id)
    )
