"""Ports of the catalog context: categories, products, and variant stock changed by amounts."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product


class CategoryRepository(Protocol):
    async def add(self, category: Category) -> None:
        """Raises DuplicateSlug when the slug is taken."""
        ...

    async def get(self, category_id: str) -> Category | None: ...

    async def slug_taken(self, slug: str) -> bool: ...

    async def list_all(self) -> list[Category]: ...


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None:
        """Raises DuplicateSku (per store) or DuplicateSlug."""
        ...

    async def get(self, product_id: str) -> Product | None: ...

    async def get_by_slug(self, slug: str) -> Product | None: ...

    async def save(self, product: Product) -> None:
        """Writes the product and its variants; raises ConcurrentUpdate or DuplicateSku."""
        ...


class StockRepository(Protocol):
    """Variant stock changed by amounts, never by overwriting: safe under any concurrency."""

    async def reserve(self, quantities: dict[str, int]) -> None:
        """Takes every quantity from its variant's stock, or none: InsufficientStock naming each short
        variant (`variants`: variant_id, requested, available) and nothing taken. Concurrent
        reservations of one variant never take more than its stock."""
        ...

    async def release(self, quantities: dict[str, int]) -> None:
        """Puts quantities back (a variant deleted meanwhile is skipped)."""
        ...
