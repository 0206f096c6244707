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
    """What a client needs to send bytes without passing through the app: a PUT of the bytes with
    `headers`, or a multipart/form-data POST of `fields` followed by the file (`fields` is empty for a PUT)."""

    url: str
    method: str
    headers: dict[str, str]
    fields: dict[str, str]
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

    async def move(self, source: str, target: str) -> None:
        """Puts the object (bytes and content type) at `target`, replacing what is there, and removes
        `source`; nothing happens when `source` is missing."""
        ...

    async def presign_upload(
        self, key: str, content_type: str, max_size: int, expires_seconds: int
    ) -> PresignedRequest:
        """A request that can write only `key`, only as `content_type`, only 1 to `max_size` bytes."""
        ...

    async def presign_get(self, key: str, expires_seconds: int) -> str: ...

    async def ping(self) -> None:
        """Raise BackendUnavailable when the storage cannot be reached."""
        ...
