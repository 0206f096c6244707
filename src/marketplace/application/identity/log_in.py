"""Log in: email and password give a new session (a new refresh-token family); guessing backs off."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import Unauthenticated
from marketplace.application.identity.login_throttle import LoginThrottle
from marketplace.application.identity.sessions import issue_session
from marketplace.application.identity.views import TokenPair
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.security import PasswordHasher, TokenService
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.user import normalise_email
from marketplace.domain.shared.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str
    client: str = ""  # the caller's address, for the back-off per account and address


@dataclass(frozen=True, slots=True)
class LogIn:
    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenService
    clock: Clock
    ids: IdGenerator
    refresh_days: int
    throttle: LoginThrottle

    async def __call__(self, command: Credentials) -> TokenPair:
        try:
            email = normalise_email(command.email)
        except InvalidValue:
            email = None
        account = email or command.email.strip().lower()
        # Before the password is looked at: while backing off no guess is even checked.
        await self.throttle.admit(account, command.client)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(email) if email else None
            if user is None:
                await self.hasher.waste_time()
                raise Unauthenticated("the email or the password is wrong")
            if not await self.hasher.verify(user.password_hash, command.password):
                raise Unauthenticated("the email or the password is wrong")
            pair = await issue_session(
                uow,
                user_id=user.id,
                family_id=None,
                tokens=self.tokens,
                clock=self.clock,
                ids=self.ids,
                refresh_days=self.refresh_days,
            )
            await uow.commit()
        await self.throttle.succeeded(account, command.client)
        return pair
