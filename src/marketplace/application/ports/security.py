"""Password hashing and access-token ports."""

from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when the password matches; never raises for a wrong password."""
        ...

    async def waste_time(self) -> None:
        """Spend about one verification, so an unknown email costs as much as a wrong password."""
        ...


class TokenService(Protocol):
    lifetime_seconds: int

    def issue_access(self, user_id: str) -> str: ...

    def read_access(self, token: str) -> str:
        """The user id the token names; raises Unauthenticated when invalid or expired."""
        ...

    def read_session(self, token: str) -> tuple[str, float]:
        """The user id and when the token expires (seconds since the epoch); Unauthenticated as above."""
        ...
