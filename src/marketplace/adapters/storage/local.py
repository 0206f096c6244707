"""Object storage in a local folder (the embedded default), with HMAC-signed URLs the app serves."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from marketplace.adapters.storage.keys import checked_key
from marketplace.application.errors import Forbidden
from marketplace.application.ports.storage import PresignedRequest, StoredObject

FILES_PATH = "/api/v1/media/files"


class LocalObjectStorage:
    """Bytes under `root/objects/<key>`, their content type under `root/types/<key>`.

    Presigned URLs point at the app's own file route and carry an expiry and an HMAC of the
    method, key, expiry and content type, which `verify` checks in constant time.
    """

    def __init__(self, root: str | Path, base_url: str, secret: str, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self._objects = Path(root) / "objects"
        self._types = Path(root) / "types"
        self._base_url = base_url.rstrip("/")
        self._secret = secret.encode()
        self._clock = clock

    def _paths(self, key: str) -> tuple[Path, Path]:
        key = checked_key(key)
        return self._objects / key, self._types / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        data_path, type_path = self._paths(key)
        await asyncio.to_thread(_write_atomically, type_path, content_type.encode())
        await asyncio.to_thread(_write_atomically, data_path, bytes(data))

    async def head(self, key: str) -> StoredObject | None:
        data_path, type_path = self._paths(key)

        def stat() -> StoredObject | None:
            try:
                size = data_path.stat().st_size
                content_type = type_path.read_text() if type_path.exists() else "application/octet-stream"
            except FileNotFoundError:
                return None
            return StoredObject(key=key, size=size, content_type=content_type)

        return await asyncio.to_thread(stat)

    async def read(self, key: str, length: int | None = None) -> bytes | None:
        data_path, _ = self._paths(key)

        def load() -> bytes | None:
            try:
                with data_path.open("rb") as file:
                    return file.read() if length is None else file.read(length)
            except FileNotFoundError:
                return None

        return await asyncio.to_thread(load)

    async def delete(self, key: str) -> None:
        for path in self._paths(key):
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def keys(self, prefix: str) -> list[str]:
        def walk() -> list[str]:
            if not self._objects.exists():
                return []
            found = (p.relative_to(self._objects).as_posix() for p in self._objects.rglob("*") if p.is_file())
            return sorted(k for k in found if k.startswith(prefix) and not k.rsplit("/", 1)[-1].startswith(".tmp"))

        return await asyncio.to_thread(walk)

    def _signature(self, method: str, key: str, expires: int, content_type: str) -> str:
        message = f"{method}\n{key}\n{expires}\n{content_type}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _url(self, method: str, key: str, expires_seconds: int, content_type: str = "") -> tuple[str, int]:
        expires = int(self._clock()) + expires_seconds
        signature = self._signature(method, checked_key(key), expires, content_type)
        return f"{self._base_url}{FILES_PATH}/{quote(key)}?expires={expires}&signature={signature}", expires

    async def presign_put(self, key: str, content_type: str, expires_seconds: int) -> PresignedRequest:
        url, expires = self._url("PUT", key, expires_seconds, content_type)
        return PresignedRequest(url=url, method="PUT", headers={"Content-Type": content_type},
                                expires_at=datetime.fromtimestamp(expires, UTC))

    async def presign_get(self, key: str, expires_seconds: int) -> str:
        return self._url("GET", key, expires_seconds)[0]

    def verify(self, method: str, key: str, expires: int, signature: str, content_type: str = "") -> None:
        """Raises Forbidden unless the URL was signed here for this request and has not expired."""
        expected = self._signature(method, checked_key(key), expires, content_type if method == "PUT" else "")
        if not hmac.compare_digest(expected, signature):
            raise Forbidden("the signed URL is not valid for this request")
        if self._clock() > expires:
            raise Forbidden("the signed URL has expired")

    async def ping(self) -> None:
        await asyncio.to_thread(self._objects.mkdir, parents=True, exist_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old bytes or the new ones, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
