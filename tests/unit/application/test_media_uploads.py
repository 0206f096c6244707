"""Uploads in memory: announced, sent straight to storage, completed only when the bytes are right."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image

from marketplace.application.errors import NotFound
from marketplace.application.identity.register_user import Register
from marketplace.application.media.uploads import UploadRequest
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.media.media import MediaObject
from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shared.ids import new_id
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

SHELL = b"#!/bin/sh\necho gotcha\n" * 4
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def _png(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def app() -> AsyncIterator[Any]:
    container = build_container(
        Settings.in_memory(public_url="http://shop.test", jwt_secret="a-unit-test-master-secret-of-32-chars")
    )
    await container.init_resources()
    yield container
    await container.shutdown_resources()


async def _user(app: Any, name: str) -> str:
    registered = await (await resolve(app.register_user))(Register(f"{name}@example.com", PASSWORD, name))
    return str(registered.id)


async def _announce(app: Any, user: str, data: bytes, content_type: str = "image/png", **extra: Any) -> Any:
    request = UploadRequest(
        filename=extra.get("filename", "batik.png"),
        content_type=content_type,
        size=extra.get("size", len(data)),
        purpose=extra.get("purpose", "product_image"),
    )
    return await (await resolve(app.request_upload))(user, request)


async def _send(app: Any, ticket: Any, data: bytes) -> None:
    """What the client does with the ticket: memory's fake host holds it to its key, type and size."""
    await (await resolve(app.storage)).receive(ticket.upload_url, data, ticket.headers["Content-Type"])


async def test_a_png_upload_completes_with_a_thumbnail_beside_it(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    data = _png()
    ticket = await _announce(app, seller, data)
    assert (ticket.method, ticket.headers, ticket.fields) == ("PUT", {"Content-Type": "image/png"}, {})
    await _send(app, ticket, data)

    done = await (await resolve(app.complete_upload))(seller, ticket.media_id)

    assert (done.size, done.content_type, done.status) == (len(data), "image/png", "ready")
    assert done.url == f"http://shop.test/api/v1/media/{ticket.media_id}"
    assert done.thumbnail_url == f"{done.url}/thumbnail"
    thumbnail = await storage.read(f"media/{seller}/{ticket.media_id}/thumbnail.webp")
    assert thumbnail is not None and max(Image.open(io.BytesIO(thumbnail)).size) == 320
    again = await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert again == done


async def test_a_shell_script_named_png_is_refused_and_its_object_deleted(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    ticket = await _announce(app, seller, SHELL, filename="innocent.png")
    await _send(app, ticket, SHELL)
    with pytest.raises(InvalidValue) as refused:
        await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert refused.value.field == "content_type"
    assert await storage.keys(f"media/{seller}/") == [] and await storage.keys(f"uploads/{seller}/") == []


async def test_bytes_of_another_size_than_announced_are_refused(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    data = _png()
    ticket = await _announce(app, seller, data, size=len(data) + 10)
    await _send(app, ticket, data)
    with pytest.raises(InvalidValue):
        await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert await storage.keys(f"media/{seller}/") == []


async def test_an_image_header_over_broken_bytes_is_refused(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20
    ticket = await _announce(app, seller, broken)
    await _send(app, ticket, broken)
    with pytest.raises(InvalidValue):
        await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert await storage.keys(f"media/{seller}/") == []


@pytest.mark.parametrize(
    "extra",
    [
        {"purpose": "avatar"},
        {"size": 0},
        {"size": 50 * 1024 * 1024},
        {"filename": "../"},
        {"content_type": "image/gif"},
    ],
)
async def test_bad_announcements_are_refused_before_anything_is_stored(app: Any, extra: dict[str, Any]) -> None:
    seller = await _user(app, "seller")
    with pytest.raises(InvalidValue):
        await _announce(app, seller, _png(), **extra)


async def test_someone_elses_upload_cannot_be_completed(app: Any) -> None:
    seller, stranger = await _user(app, "seller"), await _user(app, "stranger")
    ticket = await _announce(app, seller, _png())
    with pytest.raises(NotFound):
        await (await resolve(app.complete_upload))(stranger, ticket.media_id)


async def test_completing_before_anything_was_uploaded_is_a_conflict(app: Any) -> None:
    seller = await _user(app, "seller")
    ticket = await _announce(app, seller, _png())
    with pytest.raises(Conflict):
        await (await resolve(app.complete_upload))(seller, ticket.media_id)


async def test_a_completed_upload_moves_out_of_reach_of_its_ticket(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    data = _png()
    ticket = await _announce(app, seller, data)
    staged, final = (f"{prefix}/{seller}/{ticket.media_id}/original.png" for prefix in ("uploads", "media"))
    await _send(app, ticket, data)
    assert await storage.keys("") == [staged]

    await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert await storage.keys("") == [final, f"media/{seller}/{ticket.media_id}/thumbnail.webp"]
    async with (await resolve(app.uow))() as uow:
        assert (await uow.media.get(ticket.media_id)).key == final

    await _send(app, ticket, SVG.ljust(len(data)))  # the ticket still writes, but only its staging key
    assert await storage.read(final) == data
    served = await (await resolve(app.download_media))(seller, ticket.media_id)
    assert served.startswith(f"memory://objects/{final}?")


async def test_bytes_stored_as_another_type_than_announced_are_refused(app: Any) -> None:
    seller = await _user(app, "seller")
    storage = await resolve(app.storage)
    data = _png()
    ticket = await _announce(app, seller, data)
    # where a storage does not hold the upload to its ticket's type (moto's S3 server does not)
    await storage.put(f"uploads/{seller}/{ticket.media_id}/original.png", data, "text/html")
    with pytest.raises(InvalidValue) as refused:
        await (await resolve(app.complete_upload))(seller, ticket.media_id)
    assert refused.value.field == "content_type" and await storage.keys("") == []


async def _old_layout(app: Any, owner: str, data: bytes, ready: bool) -> MediaObject:
    """A media recorded before staging keys: its key is its final key, where the bytes were uploaded."""
    media = MediaObject.request(
        id=new_id(),
        owner_id=owner,
        purpose=Purpose.PRODUCT_IMAGE,
        filename="old.png",
        content_type="image/png",
        size=len(data),
        now=datetime.now(UTC),
    )
    media.key = f"media/{owner}/{media.id}/original.png"
    if ready:
        media.complete(datetime.now(UTC), None)
    async with (await resolve(app.uow))() as uow:
        await uow.media.add(media)
        await uow.commit()
    await (await resolve(app.storage)).put(media.key, data, "image/png")
    return media


async def test_media_recorded_before_staging_keys_keep_working(app: Any) -> None:
    seller = await _user(app, "seller")
    data = _png()
    completed, pending = (
        await _old_layout(app, seller, data, ready=True),
        await _old_layout(app, seller, data, ready=False),
    )

    served = await (await resolve(app.download_media))(seller, completed.id)
    assert served.startswith(f"memory://objects/media/{seller}/{completed.id}/original.png?")
    done = await (await resolve(app.complete_upload))(seller, pending.id)
    assert (done.status, done.size) == ("ready", len(data))
    assert await (await resolve(app.storage)).keys(f"media/{seller}/{pending.id}/") == [
        pending.key,
        f"media/{seller}/{pending.id}/thumbnail.webp",
    ]
