"""Open a store: any user may; owning it makes them its seller at once."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.product_writes import STORE_LOGO
from marketplace.application.identity.actors import current_user
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.media.attachments import attach_media
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.stores.views import StoreView
from marketplace.domain.shared.errors import Conflict, DuplicateSlug
from marketplace.domain.shared.text import slugify
from marketplace.domain.stores.store import MAX_STORES_PER_OWNER, Store


@dataclass(frozen=True, slots=True)
class OpenStoreCommand:
    name: str
    description: str
    pickup_address: AddressInput
    logo_media_id: str | None = None


async def free_slug(uow: UnitOfWork, name: str, suffix: str) -> str:
    """The name's slug, or the slug with a short suffix when the plain one is taken."""
    slug = slugify(name, fallback="store")
    if not await uow.stores.slug_taken(slug):
        return slug
    candidate = f"{slug[:70].rstrip('-')}-{suffix}"
    if await uow.stores.slug_taken(candidate):
        raise DuplicateSlug(f"the store slug {slug!r} is taken")
    return candidate


@dataclass(frozen=True, slots=True)
class OpenStore:
    uow: UnitOfWorkFactory
    base_url: str
    clock: Clock
    ids: IdGenerator
    cache: CatalogCache

    async def __call__(self, user_id: str, command: OpenStoreCommand) -> StoreView:
        pickup = command.pickup_address.to_address()
        store_id = self.ids.new_id()
        async with self.uow() as uow:
            await current_user(uow, user_id)
            if len(await uow.stores.ids_owned_by(user_id)) >= MAX_STORES_PER_OWNER:
                raise Conflict(f"one user may own at most {MAX_STORES_PER_OWNER} stores")
            store = Store.open(
                id=store_id,
                owner_id=user_id,
                slug=await free_slug(uow, command.name, store_id[-6:]),
                name=command.name,
                description=command.description,
                pickup_address=pickup,
                now=self.clock.now(),
            )
            if command.logo_media_id:
                await attach_media(
                    uow,
                    user_id,
                    [command.logo_media_id],
                    target=f"store:{store.id}",
                    purposes=STORE_LOGO,
                    field="logo_media_id",
                )
                store.logo_media_id = command.logo_media_id
            await uow.stores.add(store)
            await uow.commit()
        await self.cache.invalidate()
        return StoreView.of(store, self.base_url)
