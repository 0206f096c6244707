"""Refresh: a refresh token is exchanged once (one conditional write decides who); reuse revokes its family."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import Unauthenticated
from marketplace.application.identity.sessions import hash_refresh_token, issue_session
from marketplace.application.identity.views import TokenPair
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.security import TokenService
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.identity.tokens import TokenUse


@dataclass(frozen=True, slots=True)
class RefreshSession:
    uow: UnitOfWorkFactory
    tokens: TokenService
    clock: Clock
    ids: IdGenerator
    refresh_days: int

    async def __call__(self, refresh_token: str) -> TokenPair:
        async with self.uow() as uow:
            token = await uow.refresh_tokens.get_by_hash(hash_refresh_token(refresh_token))
            if token is None:
                raise Unauthenticated("the refresh token is not valid")
            use = token.assess(self.clock.now())
            if use is TokenUse.DEAD:
                raise Unauthenticated("the refresh token is expired or revoked")
            if use is TokenUse.VALID and await uow.users.get(token.user_id) is None:
                raise Unauthenticated("the account no longer exists")
            # A rotated token came back, or another request rotated this one first (or its family was
            # revoked): someone holds a copy. End every session of the family, tokens issued since included.
            if use is TokenUse.REUSED or not await uow.refresh_tokens.rotate(token):
                await uow.refresh_tokens.revoke_family(token.family_id)
                await uow.commit()
                raise Unauthenticated("the refresh token was already used; the session is revoked")
            pair = await issue_session(
                uow,
                user_id=token.user_id,
                family_id=token.family_id,
                tokens=self.tokens,
                clock=self.clock,
                ids=self.ids,
                refresh_days=self.refresh_days,
            )
            await uow.commit()
        return pair
