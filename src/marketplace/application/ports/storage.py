"""Object storage for media bytes: MinIO/S3, a local folder, or memory."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec


class StoredObject(msgspec.Struct, frozen=True):
    key: str
    size: int
    content_type: str


class PresignedRequest(msgspec.Struct, frozen=True):
    """What a client needs to send bytes (or fetch them) without passing through the app."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


class ObjectStorage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def head(self, key: str) -> StoredObject | None:
        """Size and content type of a stored object, None when there is none."""
        ...

    async def read(self, key: str, length: int | None = None) -> bytes | None:
        """The object's bytes (only the first `length` when given), None when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Removes the object; removing a missing one is not an error."""
        ...

    async def keys(self, prefix: str) -> list[str]:
        """Every stored key that starts with `prefix`, sorted."""
        ...

    async def presign_put(self, key: str, content_type: str, expires_seconds: int) -> PresignedRequest: ...

    async def presign_get(self, key: str, expires_seconds: int) -> str: ...

    async def ping(self) -> None:
        """Raise BackendUnavailable when the storage cannot be reached."""
        ...
