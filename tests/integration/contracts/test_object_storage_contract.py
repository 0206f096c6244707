"""ObjectStorage contract over memory, a local folder, and MinIO/S3.

The MinIO adapter runs against moto's S3-compatible server (started here; moto checks neither
signatures nor expiry), or a real MinIO/S3 when MARKETPLACE_TEST_S3_URL is set
(`http://ACCESS:SECRET@host:9000`). Signature and expiry are tested on the local adapter.

Upload tickets: moto's server (5.x) does not enforce POST policy conditions either (it stores a POST
whatever its key, Content-Type or length), so on MinIO the conditions are checked in the policy
document the adapter signs, which real S3 and MinIO enforce; memory and the local folder enforce them
and are tested by sending.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
import pytest
from minio import Minio

from marketplace.adapters.storage.local import LocalObjectStorage
from marketplace.adapters.storage.memory import MemoryObjectStorage
from marketplace.adapters.storage.minio_storage import MinioObjectStorage
from marketplace.application.errors import Forbidden
from marketplace.application.ports.storage import PresignedRequest
from marketplace.domain.shared.errors import InvalidValue

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "storage-test-secret"
STAGED, FINAL = "uploads/u/m/original.png", "media/u/m/original.png"


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
    assert await storage.keys("media/b/") == ["media/b/1", "media/b/2"] == await storage.keys("media/b")
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


async def _send(storage: Any, ticket: PresignedRequest, data: bytes, content_type: str = "image/png") -> bool:
    """Sends `data` as a client does with the ticket; True when the storage took it."""
    if isinstance(storage, MemoryObjectStorage):
        try:
            await storage.receive(ticket.url, data, content_type)
        except Forbidden:
            return False
        return True
    if isinstance(storage, LocalObjectStorage):  # what the app's file route does (its own HTTP tests drive it)
        key, expires, signature, size = _signed(ticket.url)
        try:
            storage.verify("PUT", key, expires, signature, content_type, size)
        except Forbidden:
            return False
        if not 1 <= len(data) <= size:
            return False
        await storage.put(key, data, content_type)
        return True
    async with httpx.AsyncClient() as client:
        if ticket.method == "POST":
            sent = await client.post(
                ticket.url,
                data={**ticket.fields, "Content-Type": content_type},
                files={"file": ("upload", data, content_type)},
            )
        else:
            sent = await client.put(ticket.url, content=data, headers={**ticket.headers, "Content-Type": content_type})
    return sent.status_code in (200, 204)


async def test_an_upload_ticket_names_its_method_and_a_future_expiry_and_lands_at_its_key(storage: Any) -> None:
    ticket = await storage.presign_upload(STAGED, "image/png", len(PNG), 300)
    assert ticket.method in ("PUT", "POST") and ticket.expires_at.timestamp() > time.time() + 200
    sent_with, unused = (ticket.headers, ticket.fields) if ticket.method == "PUT" else (ticket.fields, ticket.headers)
    assert sent_with["Content-Type"] == "image/png" and unused == {}

    assert await _send(storage, ticket, PNG)

    head = await storage.head(STAGED)
    assert (await storage.read(STAGED), head.size, head.content_type) == (PNG, len(PNG), "image/png")
    assert await storage.keys("") == [STAGED]
    assert STAGED in await storage.presign_get(STAGED, 300)


async def test_moving_puts_bytes_and_type_at_the_target_and_removes_the_source(storage: Any) -> None:
    await storage.put(FINAL, b"older", "text/plain")
    await storage.put(STAGED, PNG, "image/png")
    await storage.move(STAGED, FINAL)
    head = await storage.head(FINAL)
    assert (await storage.read(FINAL), head.size, head.content_type) == (PNG, len(PNG), "image/png")
    assert await storage.head(STAGED) is None and await storage.keys("uploads/") == []

    await storage.move(STAGED, FINAL)  # nothing to move: the target stays
    await storage.move(FINAL, FINAL)
    assert await storage.read(FINAL) == PNG


async def test_once_moved_the_object_is_out_of_reach_of_its_upload_ticket(storage: Any) -> None:
    ticket = await storage.presign_upload(STAGED, "image/png", len(PNG), 300)
    assert await _send(storage, ticket, PNG)
    await storage.move(STAGED, FINAL)

    rewrite = b"<svg onload=alert(1)>".ljust(len(PNG))
    await _send(storage, ticket, rewrite)  # the ticket still works, for its own key only

    head = await storage.head(FINAL)
    assert (await storage.read(FINAL), head.content_type) == (PNG, "image/png")
    assert await storage.read(STAGED) in (None, rewrite)


async def test_an_upload_ticket_cannot_be_aimed_at_another_key(storage: Any) -> None:
    ticket = await storage.presign_upload(STAGED, "image/png", len(PNG), 300)
    if isinstance(storage, MinioObjectStorage):  # moto stores any key: the signed policy must pin it
        assert ["eq", "$key", STAGED] in _policy(ticket)["conditions"] and ticket.fields["key"] == STAGED
        return
    aimed = msgspec.structs.replace(ticket, url=ticket.url.replace(STAGED, FINAL))
    assert not await _send(storage, aimed, PNG)
    assert await storage.head(FINAL) is None


async def test_an_upload_ticket_takes_only_its_type_and_one_to_its_size_in_bytes(storage: Any) -> None:
    ticket = await storage.presign_upload(STAGED, "image/png", len(PNG), 300)
    if isinstance(storage, MinioObjectStorage):  # moto does not enforce these: the signed policy must
        conditions = _policy(ticket)["conditions"]
        assert ["eq", "$Content-Type", "image/png"] in conditions and [
            "content-length-range",
            1,
            len(PNG),
        ] in conditions
        return
    for data, content_type in ((PNG + b"\0", "image/png"), (b"", "image/png"), (PNG, "image/svg+xml")):
        assert not await _send(storage, ticket, data, content_type), (len(data), content_type)
    assert await storage.head(STAGED) is None


async def test_an_s3_upload_ticket_is_a_post_policy_on_the_key_type_size_and_expiry(s3_endpoint: Any) -> None:
    endpoint, access, secret, secure = s3_endpoint
    store = MinioObjectStorage(
        Minio(endpoint, access_key=access, secret_key=secret, secure=secure, region="us-east-1"),
        f"test-{uuid.uuid4().hex[:12]}",
    )
    await store.ensure_bucket()
    ticket = await store.presign_upload(STAGED, "image/png", 155, 900)
    assert (ticket.method, ticket.headers) == ("POST", {})
    assert (ticket.fields["key"], ticket.fields["Content-Type"]) == (STAGED, "image/png")
    assert {"policy", "x-amz-signature", "x-amz-credential", "x-amz-date", "x-amz-algorithm"} <= set(ticket.fields)
    policy = _policy(ticket)
    assert ["eq", "$key", STAGED] in policy["conditions"]
    assert ["eq", "$Content-Type", "image/png"] in policy["conditions"]
    assert ["content-length-range", 1, 155] in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert abs((expiration - ticket.expires_at).total_seconds()) < 1
    assert 890 < (ticket.expires_at - datetime.now(UTC)).total_seconds() <= 900


async def test_bytes_sent_with_an_s3_upload_ticket_are_stored(s3_endpoint: Any) -> None:
    endpoint, access, secret, secure = s3_endpoint
    store = MinioObjectStorage(
        Minio(endpoint, access_key=access, secret_key=secret, secure=secure, region="us-east-1"),
        f"test-{uuid.uuid4().hex[:12]}",
    )
    await store.ensure_bucket()
    ticket = await store.presign_upload(STAGED, "image/png", len(PNG), 300)
    async with httpx.AsyncClient() as client:
        sent = await client.post(ticket.url, data=ticket.fields, files={"file": ("upload", PNG, "image/png")})
        assert sent.status_code == 204, sent.text
        fetched = await client.get(await store.presign_get(STAGED, 300))
    assert fetched.content == PNG
    head = await store.head(STAGED)
    assert head is not None
    assert (head.size, head.content_type) == (len(PNG), "image/png")


def _policy(ticket: PresignedRequest) -> dict[str, Any]:
    return json.loads(base64.b64decode(ticket.fields["policy"]))


def _signed(url: str) -> tuple[str, int, str, int]:
    """Key, expiry, signature and most bytes of a local signed URL (0 where it names none)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return (
        parts.path.split("/api/v1/media/files/", 1)[1],
        int(query["expires"][0]),
        query["signature"][0],
        int(query.get("size", ["0"])[0]),
    )


async def test_a_local_signed_url_verifies_only_untampered_and_unexpired(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    store = LocalObjectStorage(tmp_path, "http://127.0.0.1:8000", SECRET, clock=lambda: now[0])
    key, expires, signature, size = _signed(
        (await store.presign_upload("uploads/g/original.png", "image/png", 155, 60)).url
    )
    assert size == 155
    store.verify("PUT", key, expires, signature, "image/png", 155)
    for method, k, e, s, t, n in [
        ("PUT", key, expires, signature, "image/jpeg", 155),  # another content type
        ("PUT", key, expires, signature, "image/png", 3_000_000),  # more bytes
        ("PUT", key, expires, signature, "image/png", None),  # no size
        ("PUT", "uploads/h/original.png", expires, signature, "image/png", 155),  # another key
        ("PUT", key, expires + 3600, signature, "image/png", 155),  # a longer life
        ("PUT", key, expires, "0" * 64, "image/png", 155),  # a forged signature
        ("GET", key, expires, signature, "", None),  # another method
    ]:
        with pytest.raises(Forbidden):
            store.verify(method, k, e, s, t, n)
    get_key, get_expires, get_signature, _ = _signed(await store.presign_get(key, 60))
    store.verify("GET", get_key, get_expires, get_signature)
    now[0] += 61
    with pytest.raises(Forbidden):
        store.verify("PUT", key, expires, signature, "image/png", 155)
