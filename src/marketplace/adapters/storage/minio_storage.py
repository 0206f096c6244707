"""Object storage on MinIO or any S3-compatible server, through the blocking minio client in threads."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from minio import Minio
from minio.commonconfig import CopySource
from minio.datatypes import PostPolicy
from minio.error import S3Error
from urllib3.exceptions import HTTPError

from marketplace.adapters.storage.keys import checked_key
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.storage import PresignedRequest, StoredObject

T = TypeVar("T")

_MISSING = {"NoSuchKey", "NoSuchObject", "NotFound", "NoSuchBucket"}


class MinioObjectStorage:
    """Uploads are presigned POST policies, which S3 and MinIO enforce (unlike a presigned PUT): the
    exact key and Content-Type, and a content-length-range of 1 to the announced size."""

    def __init__(self, client: Minio, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except (HTTPError, OSError) as error:
            raise BackendUnavailable("the object storage is unavailable") from error

    async def ensure_bucket(self) -> None:
        if not await self._call(self._client.bucket_exists, self._bucket):
            try:
                await self._call(self._client.make_bucket, self._bucket)
            except S3Error as error:
                if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            self._client.put_object,
            self._bucket,
            checked_key(key),
            io.BytesIO(data),
            len(data),
            content_type=content_type,
        )

    async def head(self, key: str) -> StoredObject | None:
        try:
            stat = await self._call(self._client.stat_object, self._bucket, checked_key(key))
        except S3Error as error:
            if error.code in _MISSING:
                return None
            raise
        return StoredObject(
            key=key, size=int(stat.size or 0), content_type=stat.content_type or "application/octet-stream"
        )

    async def read(self, key: str, length: int | None = None) -> bytes | None:
        def fetch() -> bytes:
            response = self._client.get_object(self._bucket, checked_key(key), length=length or 0)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        try:
            data: bytes = await self._call(fetch)
        except S3Error as error:
            if error.code in _MISSING:
                return None
            raise
        return data if length is None else data[:length]

    async def delete(self, key: str) -> None:
        await self._call(self._client.remove_object, self._bucket, checked_key(key))

    async def keys(self, prefix: str) -> list[str]:
        def listing() -> list[str]:
            return sorted(o.object_name for o in self._client.list_objects(self._bucket, prefix=prefix, recursive=True))

        return await self._call(listing)

    async def move(self, source: str, target: str) -> None:
        if checked_key(source) == checked_key(target):
            return
        try:  # a server-side copy keeps the content type; a later write to `source` cannot reach `target`
            await self._call(self._client.copy_object, self._bucket, target, CopySource(self._bucket, source))
        except S3Error as error:
            if error.code in _MISSING:
                return
            raise
        await self.delete(source)

    async def presign_upload(
        self, key: str, content_type: str, max_size: int, expires_seconds: int
    ) -> PresignedRequest:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_seconds)
        policy = PostPolicy(self._bucket, expires_at)
        policy.add_equals_condition("key", checked_key(key))
        policy.add_equals_condition("Content-Type", content_type)
        policy.add_content_length_range_condition(1, max_size)
        form: dict[str, str] = await self._call(self._client.presigned_post_policy, policy)
        return PresignedRequest(
            url=await self._bucket_url(key),
            method="POST",
            headers={},
            fields={"key": key, "Content-Type": content_type, **form},
            expires_at=expires_at,
        )

    async def _bucket_url(self, key: str) -> str:
        """Where a POST goes: the bucket's URL, in the path or virtual-host style the client uses, read off
        a presigned URL of `key` (a checked key needs no quoting, so it ends the path as it is)."""
        url = await self.presign_get(key, 60)
        return url.split("?", 1)[0].removesuffix("/" + key)

    async def presign_get(self, key: str, expires_seconds: int) -> str:
        url: str = await self._call(
            self._client.presigned_get_object,
            self._bucket,
            checked_key(key),
            expires=timedelta(seconds=expires_seconds),
        )
        return url

    async def ping(self) -> None:
        await self._call(self._client.bucket_exists, self._bucket)
