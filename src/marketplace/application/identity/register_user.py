"""Register: anyone creates an account with a unique email and a password of 8+ characters, hard to guess."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.identity.password_strength import require_strong_password
from marketplace.application.identity.views import RegisteredUser
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.security import PasswordHasher, PasswordPolicy
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.user import User, check_password, normalise_email
from marketplace.domain.shared.errors import DuplicateEmail


@dataclass(frozen=True, slots=True)
class Register:
    email: str
    password: str
    name: str


@dataclass(frozen=True, slots=True)
class RegisterUser:
    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    passwords: PasswordPolicy
    clock: Clock
    ids: IdGenerator

    async def __call__(self, command: Register) -> RegisteredUser:
        email = normalise_email(command.email)
        check_password(command.password)
        await require_strong_password(self.passwords, command.password, email=email, name=command.name)
        password_hash = await self.hasher.hash(command.password)
        async with self.uow() as uow:
            if await uow.users.get_by_email(email) is not None:
                raise DuplicateEmail("an account with this email already exists")
            user = User.register(
                id=self.ids.new_id(), email=email, name=command.name, password_hash=password_hash, now=self.clock.now()
            )
            await uow.users.add(user)
            await uow.commit()
        return RegisteredUser(id=user.id, email=user.email, name=user.name)
