"""Ports of the stores context: the store repository."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.stores.store import Store


class StoreRepository(Protocol):
    async def add(self, store: Store) -> None:
        """Raises DuplicateSlug when the slug is taken."""
        ...

    async def get(self, store_id: str) -> Store | None: ...

    async def get_by_slug(self, slug: str) -> Store | None: ...

    async def names(self, store_ids: list[str]) -> dict[str, str]:
        """Id -> name of those that exist, in one read."""
        ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def ids_owned_by(self, owner_id: str) -> list[str]:
        """Oldest first."""
        ...

    async def save(self, store: Store) -> None: ...

    async def search_active(self, q: str | None, limit: int, before_id: str | None) -> list[Store]:
        """Active stores, newest first, whose name or description contains `q` (any case)."""
        ...
