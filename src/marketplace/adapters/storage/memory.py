"""Object storage in memory: for tests and notebooks; presigned URLs point at a fake host."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace.adapters.storage.keys import checked_key
from marketplace.application.errors import Forbidden
from marketplace.application.ports.storage import PresignedRequest, StoredObject


@dataclass(frozen=True, slots=True)
class _Ticket:
    key: str
    content_type: str
    max_size: int
    expires: float


class MemoryObjectStorage:
    """Objects in a dict. The fake host's upload URLs are honoured by `receive`, which holds them to
    their ticket as S3 holds a POST to its policy: that key, that content type, 1 to max_size bytes."""

    def __init__(self, base_url: str = "memory://objects") -> None:
        self._objects: dict[str, tuple[bytes, str]] = {}
        self._tickets: dict[str, _Ticket] = {}
        self._serial = itertools.count(1)
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

    async def move(self, source: str, target: str) -> None:
        found = self._objects.pop(checked_key(source), None)
        if found is not None:
            self._objects[checked_key(target)] = found

    async def presign_upload(
        self, key: str, content_type: str, max_size: int, expires_seconds: int
    ) -> PresignedRequest:
        now = time.time()
        self._tickets = {u: t for u, t in self._tickets.items() if t.expires >= now}  # forget the expired
        expires = now + expires_seconds
        url = f"{self._base_url}/{checked_key(key)}?expires={int(expires)}&ticket={next(self._serial)}"
        self._tickets[url] = _Ticket(key, content_type, max_size, expires)
        return PresignedRequest(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type},
            fields={},
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_seconds),
        )

    async def receive(self, url: str, data: bytes, content_type: str) -> None:
        """The fake host taking a PUT to an upload URL; Forbidden unless it keeps to its ticket."""
        ticket = self._tickets.get(url)
        if ticket is None or time.time() > ticket.expires:
            raise Forbidden("the upload URL is not valid")
        if content_type != ticket.content_type or not 1 <= len(data) <= ticket.max_size:
            raise Forbidden("the upload does not keep to its ticket's content type and size")
        await self.put(ticket.key, data, content_type)

    async def presign_get(self, key: str, expires_seconds: int) -> str:
        return f"{self._base_url}/{checked_key(key)}?expires={int(time.time()) + expires_seconds}"

    async def ping(self) -> None:
        return None
