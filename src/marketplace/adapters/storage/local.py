"""Object storage in a local folder (the embedded default), with HMAC-signed URLs the app serves."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from marketplace.adapters.storage.keys import checked_key
from marketplace.application.errors import Forbidden
from marketplace.application.ports.storage import PresignedRequest, StoredObject
from marketplace.domain.shared.errors import InvalidValue

FILES_PATH = "/api/v1/media/files"


class LocalObjectStorage:
    """Bytes under `root/objects/<key>`, their content type under `root/types/<key>`.

    Presigned URLs point at the app's own file route and carry an expiry and an HMAC of the
    method, key, expiry and, for uploads, the content type and most bytes allowed (the `size` query
    parameter), which `verify` checks in constant time. The route enforces the size as it reads.
    """

    def __init__(self, root: str | Path, base_url: str, secret: str, clock: Callable[[], float] = time.time) -> None:
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
        start = self._folder_of(prefix)

        def walk() -> list[str]:
            if not start.exists():
                return []
            found = (p.relative_to(self._objects).as_posix() for p in start.rglob("*") if p.is_file())
            return sorted(k for k in found if k.startswith(prefix) and not k.rsplit("/", 1)[-1].startswith(".tmp"))

        return await asyncio.to_thread(walk)

    def _folder_of(self, prefix: str) -> Path:
        """Where keys starting with `prefix` can be: the hourly clean-up lists `uploads/`, not every object."""
        try:
            return self._objects / checked_key(prefix.rpartition("/")[0])
        except InvalidValue:
            return self._objects  # no folder in the prefix (or an odd one): walk all, the filter decides

    async def move(self, source: str, target: str) -> None:
        (source_data, source_type), (target_data, target_type) = self._paths(source), self._paths(target)
        if source_data == target_data:
            return

        def rename() -> None:
            target_data.parent.mkdir(parents=True, exist_ok=True)
            target_type.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(source_data, target_data)
            except FileNotFoundError:
                return  # nothing to move: the target stays as it is
            try:
                os.replace(source_type, target_type)
            except FileNotFoundError:
                target_type.unlink(missing_ok=True)

        await asyncio.to_thread(rename)

    def _signature(self, method: str, key: str, expires: int, content_type: str, max_size: int | None) -> str:
        message = f"{method}\n{key}\n{expires}\n{content_type}"
        if max_size is not None:  # an upload also signs the most bytes it may send
            message += f"\n{max_size}"
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    async def presign_upload(
        self, key: str, content_type: str, max_size: int, expires_seconds: int
    ) -> PresignedRequest:
        expires = int(self._clock()) + expires_seconds
        signature = self._signature("PUT", checked_key(key), expires, content_type, max_size)
        url = f"{self._base_url}{FILES_PATH}/{quote(key)}?expires={expires}&size={max_size}&signature={signature}"
        return PresignedRequest(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type},
            fields={},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def presign_get(self, key: str, expires_seconds: int) -> str:
        expires = int(self._clock()) + expires_seconds
        signature = self._signature("GET", checked_key(key), expires, "", None)
        return f"{self._base_url}{FILES_PATH}/{quote(key)}?expires={expires}&signature={signature}"

    def verify(
        self, method: str, key: str, expires: int, signature: str, content_type: str = "", max_size: int | None = None
    ) -> None:
        """Raises Forbidden unless the URL was signed here for this request and has not expired: an
        upload's content type and most bytes are part of what was signed."""
        if method == "PUT":
            expected = self._signature("PUT", checked_key(key), expires, content_type, max_size)
        else:
            expected = self._signature(method, checked_key(key), expires, "", None)
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
