"""Bulk loading of new aggregates: one transaction, one executemany per table, no events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql import tables
from marketplace.adapters.sql.engine import is_sqlite
from marketplace.adapters.sql.errors import other_integrity_error, unique_violation
from marketplace.adapters.sql.mappers import category_to_row, product_to_row, store_to_row, user_to_row, variant_to_row
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.user import User
from marketplace.domain.shared.errors import Conflict
from marketplace.domain.stores.store import Store


def parents_first(batch: list[Category]) -> list[Category]:
    """Categories ordered so that a parent in the batch is inserted before its children."""
    by_id = {c.id: c for c in batch}
    ordered: list[Category] = []
    placed: set[str] = set()

    def place(category: Category, seen: frozenset[str]) -> None:
        if category.id in placed or category.id in seen:  # `seen` stops a cycle from looping forever
            return
        parent = by_id.get(category.parent_id) if category.parent_id else None
        if parent is not None:
            place(parent, seen | {category.id})
        placed.add(category.id)
        ordered.append(category)

    for category in batch:
        place(category, frozenset())
    return ordered


class SqlCatalogImporter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def refresh_statistics(self) -> None:
        # Without fresh statistics PostgreSQL plans the first queries as if the tables were empty.
        statement = "ANALYZE" if is_sqlite(self._engine) else "ANALYZE users, stores, categories, products, variants"
        async with self._engine.begin() as connection:
            await connection.exec_driver_sql(statement)

    async def import_batch(
        self, *, users: list[User], stores: list[Store], categories: list[Category], products: list[Product]
    ) -> None:
        plan: list[tuple[Table, list[dict[str, Any]]]] = [
            (tables.users, [user_to_row(u) for u in users]),
            (tables.stores, [store_to_row(s) for s in stores]),
            (tables.categories, [category_to_row(c) for c in parents_first(categories)]),
            (tables.products, [product_to_row(p) for p in products]),
            (tables.variants, [variant_to_row(v, p, i) for p in products for i, v in enumerate(p.variants)]),
        ]
        try:
            async with self._engine.begin() as connection:
                for table, rows in plan:
                    if rows:  # executemany: the driver sends every row of a table in one batch
                        await connection.execute(insert(table), rows)
        except IntegrityError as error:
            key = unique_violation(error)
            raise (Conflict(f"the batch repeats an existing {key}") if key else other_integrity_error(error)) from error
