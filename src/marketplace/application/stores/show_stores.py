"""Show one store (owners and admins see a suspended one) and browse active stores."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import Page, RatingView
from marketplace.application.stores.lookup import visible_store
from marketplace.application.stores.views import StoreView
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id


@dataclass(frozen=True, slots=True)
class GetStore:
    uow: UnitOfWorkFactory
    base_url: str

    async def __call__(self, store_ref: str, user_id: str | None) -> StoreView:
        async with self.uow() as uow:
            store = await visible_store(uow, store_ref, user_id)
            summary = await uow.ratings.get("store", store.id)
        return StoreView.of(store, self.base_url, RatingView(average=summary.average, count=summary.count))


@dataclass(frozen=True, slots=True)
class BrowseStores:
    uow: UnitOfWorkFactory
    base_url: str

    async def __call__(self, q: str | None, limit: int, cursor: str | None) -> Page[StoreView]:
        limit = check_limit(limit)
        position = decode_cursor(cursor, kind="stores")
        before = str(position.get("id")) if position else None
        if before is not None and not is_id(before):
            raise InvalidValue("cursor", "is not a cursor this list made")
        async with self.uow() as uow:
            stores = await uow.stores.search_active((q or "").strip() or None, limit + 1, before)
            more = len(stores) > limit
            stores = stores[:limit]
            ratings = await uow.ratings.get_many("store", [s.id for s in stores])
        next_cursor = encode_cursor({"k": "stores", "id": stores[-1].id}) if more else None
        return Page(
            items=[
                StoreView.of(s, self.base_url, RatingView(average=ratings[s.id].average, count=ratings[s.id].count))
                for s in stores
            ],
            next_cursor=next_cursor,
        )
