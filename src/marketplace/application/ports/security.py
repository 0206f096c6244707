"""Password hashing, password strength and access-token ports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when the password matches; never raises for a wrong password."""
        ...

    async def waste_time(self) -> None:
        """Spend about one verification, so an unknown email costs as much as a wrong password."""
        ...


class PasswordPolicy(Protocol):
    async def weakness(self, password: str, user_inputs: Sequence[str]) -> str | None:
        """Why the password is too easy to guess, in plain words; None when it is strong enough.
        `user_inputs` are the user's own details (email, name): a password made of them is weak."""
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
