"""Finding a store by id or slug, with the visibility and ownership rules applied."""

from __future__ import annotations

from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.identity.actors import viewer_of
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.domain.catalog.visibility import can_see_store
from marketplace.domain.shared.ids import is_id
from marketplace.domain.stores.store import Store


async def find_store(uow: UnitOfWork, ref: str) -> Store | None:
    return await uow.stores.get(ref) if is_id(ref) else await uow.stores.get_by_slug(ref)


async def visible_store(uow: UnitOfWork, ref: str, user_id: str | None) -> Store:
    store = await find_store(uow, ref)
    if store is None or not can_see_store(await viewer_of(uow, user_id), owner_id=store.owner_id, status=store.status):
        raise NotFound("store", ref)
    return store


async def owned_store(uow: UnitOfWork, ref: str, user_id: str) -> Store:
    """The store if the user owns it; 403 when they may see it, 404 when they may not."""
    store = await visible_store(uow, ref, user_id)
    if not store.is_owned_by(user_id):
        raise Forbidden("only the store's owner may do this")
    return store
