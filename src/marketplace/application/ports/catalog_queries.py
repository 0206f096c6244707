"""The catalog's read side: listing, search and detail in a bounded number of queries."""

from __future__ import annotations

from typing import Protocol

from marketplace.application.catalog.views import ProductCard, ProductQuery, ProductRecord, VariantSnapshot
from marketplace.application.shared.views import Page


class CatalogQueries(Protocol):
    async def browse(self, query: ProductQuery) -> Page[ProductCard]:
        """Products matching the query, in its sort, one page at a time (cursor paging).

        With `public_only`, only active products of active stores; `statuses` narrows further.
        Text search (`q`) matches title and description; `Sort.RELEVANCE` ranks title hits first.
        """
        ...

    async def product(self, ref: str) -> ProductRecord | None:
        """A product by id or slug, whatever its status; the caller decides who may see it."""
        ...

    async def variants(self, variant_ids: list[str]) -> list[VariantSnapshot]:
        """The current state of these variants (unknown ids are left out), in one query."""
        ...

    async def ping(self) -> None:
        """Raise when the database cannot be reached."""
        ...
