"""Create an administrator (from the CLI): a new admin account, or an existing one promoted."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.identity.password_strength import require_strong_password
from marketplace.application.identity.views import Profile
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.security import PasswordHasher, PasswordPolicy
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.user import User, check_password, normalise_email


@dataclass(frozen=True, slots=True)
class CreateAdmin:
    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    passwords: PasswordPolicy
    clock: Clock
    ids: IdGenerator

    async def __call__(self, email: str, password: str, name: str = "Administrator") -> Profile:
        """The account ends as an admin whose password is `password` (hard to guess: admins are targets)."""
        email = normalise_email(email)
        await require_strong_password(self.passwords, check_password(password), email=email, name=name)
        password_hash = await self.hasher.hash(password)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                user = User.register(
                    id=self.ids.new_id(), email=email, name=name, password_hash=password_hash, now=self.clock.now()
                )
                user.grant_admin()
                await uow.users.add(user)
            else:
                user.grant_admin()
                user.password_hash = password_hash
                await uow.users.save(user)
            await uow.commit()
            return Profile.of(user, await uow.stores.ids_owned_by(user.id))
