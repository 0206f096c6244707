"""Bulk loading into the in-memory database: deep copies written straight to the committed tables."""

from __future__ import annotations

import copy
from typing import Any

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.user import User
from marketplace.domain.stores.store import Store


class MemoryCatalogImporter:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def import_batch(
        self, *, users: list[User], stores: list[Store], categories: list[Category], products: list[Product]
    ) -> None:
        async with self._db.lock:  # the same lock as a commit, so a batch lands whole
            for name, items in (
                ("users", users),
                ("stores", stores),
                ("categories", categories),
                ("products", products),
            ):
                table = self._db.table(name)
                for item in items:
                    table[item.id] = _stored(item)

    async def refresh_statistics(self) -> None:
        return None  # no query planner here


def _stored(item: Any) -> Any:
    stored = copy.deepcopy(item)
    getattr(stored, "__dict__", {}).pop("_pending_events", None)  # imports record no events
    return stored
