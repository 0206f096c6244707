"""A product's detail (public ones from the cache) and a store's own product list."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.views import ProductCard, ProductDetail, ProductQuery, Sort
from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import viewer_of
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.shared.cursor import check_limit
from marketplace.application.shared.views import Page
from marketplace.application.stores.lookup import visible_store
from marketplace.domain.catalog.product import ProductStatus
from marketplace.domain.shared.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class GetProduct:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    cache: CatalogCache

    async def __call__(self, ref: str, user_id: str | None) -> ProductDetail:
        if len(ref) > 100:
            raise NotFound("product", ref[:100])
        lookup = None
        if self.cache.enabled:
            lookup = await self.cache.read("product", ref, ProductDetail, watch=self.cache.stock_key(ref))
            if lookup.value is not None:
                return lookup.value
        record = await self.queries.product(ref)
        if record is None:
            raise NotFound("product", ref)
        if record.public:
            if lookup is not None:
                await self.cache.write(lookup, record.detail)
            return record.detail
        async with self.uow() as uow:
            viewer = await viewer_of(uow, user_id)
        if viewer.is_admin or viewer.user_id == record.owner_id:
            return record.detail
        raise NotFound("product", ref)


@dataclass(frozen=True, slots=True)
class ListStoreProducts:
    """Anyone sees a store's active products; its owner (and admins) every status."""

    uow: UnitOfWorkFactory
    queries: CatalogQueries

    async def __call__(
        self, store_ref: str, user_id: str | None, status: str | None, limit: int, cursor: str | None
    ) -> Page[ProductCard]:
        check_limit(limit)
        if status is not None and status not in {s.value for s in ProductStatus}:
            raise InvalidValue("status", "must be one of draft, active, archived")
        async with self.uow() as uow:
            store = await visible_store(uow, store_ref, user_id)
            viewer = await viewer_of(uow, user_id)
        insider = viewer.is_admin or store.is_owned_by(user_id)
        allowed = tuple(s.value for s in ProductStatus) if insider else (ProductStatus.ACTIVE.value,)
        statuses = tuple(s for s in allowed if status is None or s == status)
        if not statuses:
            return Page(items=[], next_cursor=None)
        return await self.queries.browse(
            ProductQuery(
                store_id=store.id,
                statuses=statuses,
                public_only=not insider,
                sort=Sort.NEWEST,
                limit=limit,
                cursor=cursor,
            )
        )
