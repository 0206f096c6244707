"""Suspend and reinstate a store: admins only; a suspended store's products disappear."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.errors import NotFound
from marketplace.application.identity.actors import require_admin
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.stores.lookup import find_store
from marketplace.application.stores.views import StoreView


@dataclass(frozen=True, slots=True)
class SetStoreSuspension:
    uow: UnitOfWorkFactory
    cache: CatalogCache
    suspend: bool
    base_url: str

    async def __call__(self, admin_id: str, store_ref: str) -> StoreView:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            store = await find_store(uow, store_ref)
            if store is None:
                raise NotFound("store", store_ref)
            store.suspend() if self.suspend else store.unsuspend()
            await uow.stores.save(store)
            await uow.commit()
        await self.cache.invalidate()
        return StoreView.of(store, self.base_url)
