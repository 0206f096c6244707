"""Argon2id password hashes, computed off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's floor for argon2id: 19 MiB, 2 passes, 1 lane. `light` is for tests only.
PROFILES = {
    "standard": {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1},
    "light": {"time_cost": 1, "memory_cost": 1_024, "parallelism": 1},
}


class Argon2PasswordHasher:
    def __init__(self, profile: str = "standard") -> None:
        settings = PROFILES[profile]
        self._argon = _Argon2(
            time_cost=settings["time_cost"], memory_cost=settings["memory_cost"], parallelism=settings["parallelism"]
        )
        self._dummy = self._argon.hash("a password nobody has")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self._argon.verify(password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)

    async def waste_time(self) -> None:
        await self.verify(self._dummy, "not the password")
