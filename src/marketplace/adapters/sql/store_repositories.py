"""SQL repositories of stores and catalog categories."""

from __future__ import annotations

from sqlalchemy import func, insert, or_, select

from marketplace.adapters.sql.base import Duplicates, SqlRepository
from marketplace.adapters.sql.mappers import category_to_domain, category_to_row, store_to_domain, store_to_row
from marketplace.adapters.sql.tables import categories, stores
from marketplace.domain.catalog.category import Category
from marketplace.domain.shared.errors import DuplicateSlug
from marketplace.domain.stores.store import Store, StoreStatus


def _duplicate_slug(table: str, kind: str, slug: str) -> Duplicates:
    return {f"{table}.slug": lambda _: DuplicateSlug(f"the {kind} slug {slug!r} is taken")}


def _store_slug(store: Store) -> Duplicates:
    return _duplicate_slug("stores", "store", store.slug)


class SqlStoreRepository(SqlRepository):
    async def add(self, store: Store) -> None:
        await self._write(insert(stores), store_to_row(store), duplicates=_store_slug(store))
        self._session.touch(store)

    async def names(self, store_ids: list[str]) -> dict[str, str]:
        if not store_ids:
            return {}
        rows = await self._all(select(stores.c.id, stores.c.name).where(stores.c.id.in_(set(store_ids))))
        return {row["id"]: row["name"] for row in rows}

    async def get(self, store_id: str) -> Store | None:
        row = await self._one(select(stores).where(stores.c.id == store_id))
        return store_to_domain(row) if row else None

    async def get_by_slug(self, slug: str) -> Store | None:
        row = await self._one(select(stores).where(stores.c.slug == slug))
        return store_to_domain(row) if row else None

    async def slug_taken(self, slug: str) -> bool:
        return await self._one(select(stores.c.id).where(stores.c.slug == slug).limit(1)) is not None

    async def ids_owned_by(self, owner_id: str) -> list[str]:
        rows = await self._all(select(stores.c.id).where(stores.c.owner_id == owner_id).order_by(stores.c.id))
        return [row["id"] for row in rows]

    async def save(self, store: Store) -> None:
        await self._update_versioned(stores, store, store_to_row(store), duplicates=_store_slug(store))

    async def search_active(self, q: str | None, limit: int, before_id: str | None) -> list[Store]:
        statement = select(stores).where(stores.c.status == StoreStatus.ACTIVE.value)
        if before_id is not None:
            statement = statement.where(stores.c.id < before_id)
        if q:
            needle = q.lower()
            statement = statement.where(
                or_(
                    func.lower(stores.c.name).contains(needle, autoescape=True),
                    func.lower(stores.c.description).contains(needle, autoescape=True),
                )
            )
        rows = await self._all(statement.order_by(stores.c.id.desc()).limit(limit))
        return [store_to_domain(row) for row in rows]


class SqlCategoryRepository(SqlRepository):
    async def add(self, category: Category) -> None:
        duplicates = _duplicate_slug("categories", "category", category.slug)
        await self._write(insert(categories), category_to_row(category), duplicates=duplicates)

    async def get(self, category_id: str) -> Category | None:
        row = await self._one(select(categories).where(categories.c.id == category_id))
        return category_to_domain(row) if row else None

    async def slug_taken(self, slug: str) -> bool:
        return await self._one(select(categories.c.id).where(categories.c.slug == slug).limit(1)) is not None

    async def list_all(self) -> list[Category]:
        return [category_to_domain(row) for row in await self._all(select(categories).order_by(categories.c.id))]
