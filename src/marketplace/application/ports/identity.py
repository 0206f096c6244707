"""Ports of the identity context: users, their refresh tokens and saved addresses."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.identity.tokens import RefreshToken
from marketplace.domain.identity.user import Address, User


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Raises DuplicateEmail when the email is taken."""
        ...

    async def get(self, user_id: str) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        """Id -> name of those that exist, in one read (for lists showing who wrote what)."""
        ...

    async def save(self, user: User) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def rotate(self, token: RefreshToken) -> bool:
        """Marks the stored token rotated, in one conditional write, if it is still active and no token
        of its family is revoked. True only for the caller whose write changed it, so of concurrent
        callers one wins: in SQL a later one waits for the first to finish and gets False; in memory
        one overtaken between this call and its commit fails at commit with ConcurrentUpdate."""
        ...

    async def revoke_family(self, family_id: str) -> None:
        """Revokes every token of the family, and with that the family: a token added to it later
        (a rotation that raced this) can never be rotated."""
        ...


class AddressRepository(Protocol):
    async def add(self, address: Address) -> None: ...

    async def get(self, address_id: str) -> Address | None: ...

    async def list_for_user(self, user_id: str) -> list[Address]:
        """Oldest first."""
        ...

    async def save(self, address: Address) -> None: ...

    async def delete(self, address_id: str) -> None: ...
