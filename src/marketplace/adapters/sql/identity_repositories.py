"""SQL repositories of the identity context: users, refresh tokens, saved addresses."""

from __future__ import annotations

from sqlalchemy import exists, insert, select

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.mappers import (
    address_to_domain,
    address_to_row,
    token_to_domain,
    token_to_row,
    user_to_domain,
    user_to_row,
)
from marketplace.adapters.sql.tables import addresses, refresh_tokens, users
from marketplace.domain.identity.tokens import RefreshToken, TokenStatus
from marketplace.domain.identity.user import Address, User
from marketplace.domain.shared.errors import DuplicateEmail

_DUPLICATE_EMAIL = {"users.email": lambda _: DuplicateEmail("an account with this email already exists")}


class SqlUserRepository(SqlRepository):
    async def add(self, user: User) -> None:
        await self._write(insert(users), user_to_row(user), duplicates=_DUPLICATE_EMAIL)
        self._session.touch(user)

    async def get(self, user_id: str) -> User | None:
        row = await self._one(select(users).where(users.c.id == user_id))
        return user_to_domain(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await self._one(select(users).where(users.c.email == email))
        return user_to_domain(row) if row else None

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        if not user_ids:
            return {}
        rows = await self._all(select(users.c.id, users.c.name).where(users.c.id.in_(set(user_ids))))
        return {row["id"]: row["name"] for row in rows}

    async def save(self, user: User) -> None:
        await self._update_versioned(users, user, user_to_row(user), duplicates=_DUPLICATE_EMAIL)


class SqlRefreshTokenRepository(SqlRepository):
    async def add(self, token: RefreshToken) -> None:
        await self._write(insert(refresh_tokens), token_to_row(token))

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        row = await self._one(select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash))
        return token_to_domain(row) if row else None

    async def rotate(self, token: RefreshToken) -> bool:
        # One conditional UPDATE: PostgreSQL makes a concurrent one wait for this row and then re-check
        # the condition; SQLite runs writers one at a time. Either way only one changes the row.
        others = refresh_tokens.alias("others")
        family_revoked = exists().where(
            others.c.family_id == token.family_id, others.c.status == TokenStatus.REVOKED.value
        )
        result = await self._write(
            refresh_tokens.update()
            .where(
                refresh_tokens.c.id == token.id, refresh_tokens.c.status == TokenStatus.ACTIVE.value, ~family_revoked
            )
            .values(status=TokenStatus.ROTATED.value)
        )
        if result.rowcount != 1:
            return False
        token.rotate()
        return True

    async def revoke_family(self, family_id: str) -> None:
        await self._write(
            refresh_tokens.update()
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.status != TokenStatus.REVOKED.value)
            .values(status=TokenStatus.REVOKED.value)
        )


class SqlAddressRepository(SqlRepository):
    async def add(self, address: Address) -> None:
        await self._write(insert(addresses), address_to_row(address))

    async def get(self, address_id: str) -> Address | None:
        row = await self._one(select(addresses).where(addresses.c.id == address_id))
        return address_to_domain(row) if row else None

    async def list_for_user(self, user_id: str) -> list[Address]:
        rows = await self._all(
            select(addresses).where(addresses.c.user_id == user_id).order_by(addresses.c.created_at, addresses.c.id)
        )
        return [address_to_domain(row) for row in rows]

    async def save(self, address: Address) -> None:
        row = address_to_row(address)
        updated = await self._write(addresses.update().where(addresses.c.id == address.id).values(**row))
        if updated.rowcount == 0:
            await self.add(address)

    async def delete(self, address_id: str) -> None:
        await self._write(addresses.delete().where(addresses.c.id == address_id))
