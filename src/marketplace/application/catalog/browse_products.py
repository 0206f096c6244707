"""Browse and search the public catalog: filters, sorts, cursor pages, served from the cache."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.views import ProductCard, ProductQuery, Sort
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.shared.cursor import check_limit
from marketplace.application.shared.views import Page
from marketplace.domain.catalog.category import Category, descendants
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id

MAX_QUERY = 200


class BrowseParams(msgspec.Struct, frozen=True):
    q: str | None = None
    category: str | None = None
    store: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: Sort | None = None
    limit: int = 20
    cursor: str | None = None


def _checked(params: BrowseParams) -> BrowseParams:
    check_limit(params.limit)
    q = (params.q or "").strip() or None
    if q is not None and len(q) > MAX_QUERY:
        raise InvalidValue("q", f"must be at most {MAX_QUERY} characters")
    for field in ("min_price", "max_price"):
        value = getattr(params, field)
        if value is not None and value < 0:
            raise InvalidValue(field, "must not be negative")
    if params.min_price is not None and params.max_price is not None and params.min_price > params.max_price:
        raise InvalidValue("min_price", "must not be above max_price")
    for field in ("category", "store"):
        value = getattr(params, field)
        if value is not None and not is_id(value):
            raise InvalidValue(field, "must be an id")
    sort = params.sort or (Sort.RELEVANCE if q else Sort.NEWEST)
    if sort is Sort.RELEVANCE and q is None:
        sort = Sort.NEWEST
    return msgspec.structs.replace(params, q=q, sort=sort)


@dataclass(frozen=True, slots=True)
class BrowseProducts:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    cache: CatalogCache

    async def __call__(self, params: BrowseParams) -> Page[ProductCard]:
        params = _checked(params)
        if not self.cache.enabled:
            return await self._query(params)
        lookup = await self.cache.read("list", params, Page[ProductCard])
        if lookup.value is not None:
            return lookup.value
        page = await self._query(params)
        await self.cache.write(lookup, page)
        return page

    async def _categories(self) -> list[Category]:
        """The category tree, from the cache when there is one (it changes far less than it is read)."""
        lookup = await self.cache.read("categories", "all", list[Category]) if self.cache.enabled else None
        if lookup is not None and lookup.value is not None:
            return lookup.value
        async with self.uow() as uow:
            categories = await uow.categories.list_all()
        if lookup is not None:
            await self.cache.write(lookup, categories)
        return categories

    async def _query(self, params: BrowseParams) -> Page[ProductCard]:
        category_ids: tuple[str, ...] | None = None
        if params.category is not None:
            category_ids = tuple(sorted(descendants(params.category, await self._categories())))
        assert params.sort is not None
        return await self.queries.browse(
            ProductQuery(
                q=params.q,
                category_ids=category_ids,
                store_id=params.store,
                min_price=params.min_price,
                max_price=params.max_price,
                sort=params.sort,
                limit=params.limit,
                cursor=params.cursor,
            )
        )
