"""ObjectStorage contract over memory, a local folder, and MinIO/S3.

The MinIO adapter runs against moto's S3-compatible server (started here; moto checks neither
signatures nor expiry), or a real MinIO/S3 when MARKETPLACE_TEST_S3_URL is set
(`http://ACCESS:SECRET@host:9000`). Signature and expiry are tested on the local adapter.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from minio import Minio

from marketplace.adapters.storage.local import LocalObjectStorage
from marketplace.adapters.storage.memory import MemoryObjectStorage
from marketplace.adapters.storage.minio_storage import MinioObjectStorage
from marketplace.application.errors import Forbidden
from marketplace.domain.shared.errors import InvalidValue

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "storage-test-secret"


def _storage(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if kind == "memory":
        return MemoryObjectStorage()
    if kind == "local":
        return LocalObjectStorage(tmp_path / "media", "http://127.0.0.1:8000", SECRET)
    endpoint, access, secret, secure = request.getfixturevalue("s3_endpoint")
    client = Minio(endpoint, access_key=access, secret_key=secret, secure=secure, region="us-east-1")
    return MinioObjectStorage(client, f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["memory", "local", "minio"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    store = _storage(request.param, request, tmp_path)
    if isinstance(store, MinioObjectStorage):
        await store.ensure_bucket()
    return store


async def test_an_object_round_trips_with_its_size_and_type(storage: Any) -> None:
    await storage.put("media/a/original.png", PNG, "image/png")
    assert await storage.read("media/a/original.png") == PNG
    assert await storage.read("media/a/original.png", 8) == PNG[:8]
    head = await storage.head("media/a/original.png")
    assert (head.size, head.content_type) == (len(PNG), "image/png")


async def test_a_missing_object_reads_as_none_and_deleting_it_is_fine(storage: Any) -> None:
    assert await storage.head("media/none") is None
    assert await storage.read("media/none") is None
    await storage.delete("media/none")


async def test_deleting_removes_the_object_and_listing_finds_by_prefix(storage: Any) -> None:
    for key in ("media/b/1", "media/b/2", "media/c/1"):
        await storage.put(key, b"x", "application/octet-stream")
    assert await storage.keys("media/b/") == ["media/b/1", "media/b/2"]
    await storage.delete("media/b/1")
    assert await storage.head("media/b/1") is None
    assert await storage.keys("media/") == ["media/b/2", "media/c/1"]


async def test_writing_again_replaces_the_object(storage: Any) -> None:
    await storage.put("media/d", b"first", "text/plain")
    await storage.put("media/d", b"second!", "image/png")
    head = await storage.head("media/d")
    assert (await storage.read("media/d"), head.size, head.content_type) == (b"second!", 7, "image/png")


@pytest.mark.parametrize("key", ["../etc/passwd", "/absolute", "a//b", "a/../b", "a/./b", "", "a/b/"])
async def test_keys_that_could_escape_are_refused(storage: Any, key: str) -> None:
    with pytest.raises(InvalidValue):
        await storage.put(key, b"x", "text/plain")


async def test_a_presigned_upload_names_the_key_method_type_and_a_future_expiry(storage: Any) -> None:
    request = await storage.presign_put("media/e/original.png", "image/png", 300)
    assert request.method == "PUT" and "media/e/original.png" in request.url
    assert request.headers["Content-Type"] == "image/png"
    assert request.expires_at.timestamp() > time.time() + 200
    assert "media/e/original.png" in await storage.presign_get("media/e/original.png", 300)


async def test_bytes_sent_to_a_presigned_s3_url_are_stored(s3_endpoint: Any) -> None:
    endpoint, access, secret, secure = s3_endpoint
    store = MinioObjectStorage(Minio(endpoint, access_key=access, secret_key=secret, secure=secure, region="us-east-1"),
                               f"test-{uuid.uuid4().hex[:12]}")
    await store.ensure_bucket()
    request = await store.presign_put("media/f/original.png", "image/png", 300)
    async with httpx.AsyncClient() as client:
        sent = await client.put(request.url, content=PNG, headers=request.headers)
        assert sent.status_code == 200
        fetched = await client.get(await store.presign_get("media/f/original.png", 300))
    assert fetched.content == PNG
    assert (await store.head("media/f/original.png")).size == len(PNG)


def _signed(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return parts.path.split("/api/v1/media/files/", 1)[1], int(query["expires"][0]), query["signature"][0]


async def test_a_local_signed_url_verifies_only_untampered_and_unexpired(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    store = LocalObjectStorage(tmp_path, "http://127.0.0.1:8000", SECRET, clock=lambda: now[0])
    key, expires, signature = _signed((await store.presign_put("media/g/original.png", "image/png", 60)).url)
    store.verify("PUT", key, expires, signature, "image/png")
    for method, k, e, s, t in [
        ("PUT", key, expires, signature, "image/jpeg"),  # another content type
        ("PUT", "media/h/original.png", expires, signature, "image/png"),  # another key
        ("PUT", key, expires + 3600, signature, "image/png"),  # a longer life
        ("PUT", key, expires, "0" * 64, "image/png"),  # a forged signature
        ("GET", key, expires, signature, ""),  # another method
    ]:
        with pytest.raises(Forbidden):
            store.verify(method, k, e, s, t)
    now[0] += 61
    with pytest.raises(Forbidden):
        store.verify("PUT", key, expires, signature, "image/png")
