"""Object storage in memory: for tests and notebooks; presigned URLs point at a fake host."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from marketplace.adapters.storage.keys import checked_key
from marketplace.application.ports.storage import PresignedRequest, StoredObject


class MemoryObjectStorage:
    def __init__(self, base_url: str = "memory://objects") -> None:
        self._objects: dict[str, tuple[bytes, str]] = {}
        self._base_url = base_url.rstrip("/")

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self._objects[checked_key(key)] = (bytes(data), content_type)

    async def head(self, key: str) -> StoredObject | None:
        found = self._objects.get(checked_key(key))
        return None if found is None else StoredObject(key=key, size=len(found[0]), content_type=found[1])

    async def read(self, key: str, length: int | None = None) -> bytes | None:
        found = self._objects.get(checked_key(key))
        if found is None:
            return None
        return found[0] if length is None else found[0][:length]

    async def delete(self, key: str) -> None:
        self._objects.pop(checked_key(key), None)

    async def keys(self, prefix: str) -> list[str]:
        return sorted(k for k in self._objects if k.startswith(prefix))

    async def presign_put(self, key: str, content_type: str, expires_seconds: int) -> PresignedRequest:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_seconds)
        return PresignedRequest(
            url=f"{self._base_url}/{checked_key(key)}?expires={int(time.time()) + expires_seconds}",
            method="PUT", headers={"Content-Type": content_type}, expires_at=expires_at,
        )

    async def presign_get(self, key: str, expires_seconds: int) -> str:
        return f"{self._base_url}/{checked_key(key)}?expires={int(time.time()) + expires_seconds}"

    async def ping(self) -> None:
        return None
