"""See and change one's own profile."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.identity.actors import current_user
from marketplace.application.identity.views import Profile
from marketplace.application.ports.persistence import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class GetProfile:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str) -> Profile:
        async with self.uow() as uow:
            user = await current_user(uow, user_id)
            return Profile.of(user, await uow.stores.ids_owned_by(user.id))


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    name: str | None = None
    phone: str | None = None
    clear_phone: bool = False


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, changes: ProfileChanges) -> Profile:
        async with self.uow() as uow:
            user = await current_user(uow, user_id)
            if changes.name is not None:
                user.rename(changes.name)
            if changes.phone is not None or changes.clear_phone:
                user.change_phone(changes.phone)
            await uow.users.save(user)
            await uow.commit()
            return Profile.of(user, await uow.stores.ids_owned_by(user.id))
