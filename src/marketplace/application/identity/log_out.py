"""Log out: the refresh token's family is revoked, so no token of this session refreshes again."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.identity.sessions import hash_refresh_token
from marketplace.application.ports.persistence import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class LogOut:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, refresh_token: str) -> None:
        async with self.uow() as uow:
            token = await uow.refresh_tokens.get_by_hash(hash_refresh_token(refresh_token))
            # Someone else's or an unknown token: say nothing about it, change nothing.
            if token is None or token.user_id != user_id:
                return
            await uow.refresh_tokens.revoke_family(token.family_id)
            await uow.commit()
