"""Shared steps of the product write use cases: references checked, detail read back, cache bumped."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.views import ProductDetail
from marketplace.application.errors import NotFound
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id


@dataclass(frozen=True, slots=True)
class CatalogWriter:
    """What every product write needs: the transaction, time, ids, the read side and the cache."""

    uow: UnitOfWorkFactory
    queries: CatalogQueries
    cache: CatalogCache
    clock: Clock
    ids: IdGenerator

    async def finish(self, product_id: str) -> ProductDetail:
        """After a commit: drop stale cache entries and read the product back as clients see it."""
        await self.cache.invalidate()
        record = await self.queries.product(product_id)
        if record is None:  # deleted between our commit and this read
            raise NotFound("product", product_id)
        return record.detail


async def check_category(uow: UnitOfWork, category_id: str | None) -> None:
    if category_id is not None and (not is_id(category_id) or await uow.categories.get(category_id) is None):
        raise InvalidValue("category_id", "no such category")


def check_media(media_ids: list[str], field: str = "media_ids") -> list[str]:
    """Where media cannot be attached yet (store logos): only an empty list is accepted."""
    if media_ids:
        raise InvalidValue(field, f"unknown media id {media_ids[0]!r}")
    return []


PRODUCT_MEDIA = frozenset({Purpose.PRODUCT_IMAGE})
STORE_LOGO = frozenset({Purpose.STORE_LOGO})
