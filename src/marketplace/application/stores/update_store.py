"""Update a store: its owner changes name, description, pickup address."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.product_writes import STORE_LOGO
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.media.attachments import attach_media
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.stores.lookup import owned_store
from marketplace.application.stores.views import StoreView


@dataclass(frozen=True, slots=True)
class StoreChanges:
    name: str | None = None
    description: str | None = None
    pickup_address: AddressInput | None = None
    logo_media_id: str | None = None
    clear_logo: bool = False


@dataclass(frozen=True, slots=True)
class UpdateStore:
    uow: UnitOfWorkFactory
    base_url: str
    cache: CatalogCache

    async def __call__(self, user_id: str, store_ref: str, changes: StoreChanges) -> StoreView:
        async with self.uow() as uow:
            store = await owned_store(uow, store_ref, user_id)
            if changes.name is not None:
                store.rename(changes.name)
            if changes.description is not None:
                store.describe(changes.description)
            if changes.logo_media_id is not None:
                await attach_media(
                    uow,
                    user_id,
                    [changes.logo_media_id],
                    target=f"store:{store.id}",
                    purposes=STORE_LOGO,
                    field="logo_media_id",
                )
                store.logo_media_id = changes.logo_media_id
            elif changes.clear_logo:
                store.logo_media_id = None
            if changes.pickup_address is not None:
                store.move_pickup(changes.pickup_address.to_address())
            await uow.stores.save(store)
            await uow.commit()
        await self.cache.invalidate()
        return StoreView.of(store, self.base_url)
