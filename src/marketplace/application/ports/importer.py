"""Bulk loading of whole aggregates (demo data, imports) without a use case per row."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.user import User
from marketplace.domain.stores.store import Store


class CatalogImporter(Protocol):
    async def import_batch(
        self, *, users: list[User], stores: list[Store], categories: list[Category], products: list[Product]
    ) -> None:
        """Insert new aggregates in one transaction, fast (executemany); no events are recorded."""
        ...

    async def refresh_statistics(self) -> None:
        """After a load: let the database's planner see the new rows (a no-op where there is none)."""
        ...
