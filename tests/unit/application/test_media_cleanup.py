"""Clean-up keeps what products show and removes stale uploads, records and bytes alike."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image

from marketplace.application.catalog.commands import CreateProductCommand, ProductChanges, VariantInput
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.media.uploads import UploadRequest
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def app() -> AsyncIterator[Any]:
    container = build_container(Settings.in_memory())
    await container.init_resources()
    yield container
    await container.shutdown_resources()


async def _send(app: Any, ticket: Any, data: bytes) -> None:
    await (await resolve(app.storage)).receive(ticket.upload_url, data, ticket.headers["Content-Type"])


async def _upload(app: Any, user: str, complete: bool) -> str:
    return str((await _ticket(app, user, complete)).media_id)


async def _ticket(app: Any, user: str, complete: bool, purpose: str = "product_image") -> Any:
    data = _png()
    ticket = await (await resolve(app.request_upload))(user, UploadRequest("a.png", "image/png", len(data), purpose))
    await _send(app, ticket, data)
    if complete:
        await (await resolve(app.complete_upload))(user, ticket.media_id)
    return ticket


async def test_cleanup_removes_stale_and_unused_media_and_keeps_what_a_product_shows(app: Any) -> None:
    seller = str((await (await resolve(app.register_user))(Register("s@example.com", PASSWORD, "S"))).id)
    shown, replaced, loose, unfinished = [await _upload(app, seller, complete=c) for c in (True, True, True, False)]
    address = AddressInput(
        recipient="A", phone="0812345678", line1="Jl 1", city="Jakarta", postal_code="10110", lat=-6.2, lng=106.8
    )
    store = await (await resolve(app.open_store))(seller, OpenStoreCommand("Toko", "", address))
    product = await (await resolve(app.create_product))(
        seller, store.id, CreateProductCommand("Kain", "", None, [VariantInput("K-1", "One", 1000, 1, 10)], [replaced])
    )
    await (await resolve(app.update_product))(seller, product.id, ProductChanges(media_ids=[shown]))

    storage = await resolve(app.storage)
    fresh = await (await resolve(app.clean_up_media))(timedelta(hours=1))
    assert fresh.removed == [], "nothing is older than the grace period yet"
    report = await (await resolve(app.clean_up_media))(timedelta(seconds=0))

    assert sorted(report.removed) == sorted([replaced, loose, unfinished])
    assert await storage.keys(f"media/{seller}/{shown}/") == [
        f"media/{seller}/{shown}/original.png",
        f"media/{seller}/{shown}/thumbnail.webp",
    ]
    for gone in (replaced, loose, unfinished):
        assert await storage.keys(f"media/{seller}/{gone}/") == []
    assert await storage.keys("uploads/") == []


async def _chat_photo(app: Any, user: str) -> str:
    return str((await _ticket(app, user, complete=True, purpose="chat_attachment")).media_id)


async def test_cleanup_keeps_what_a_chat_message_carries(app: Any) -> None:
    register = await resolve(app.register_user)
    seller = str((await register(Register("s2@example.com", PASSWORD, "S"))).id)
    buyer = str((await register(Register("b2@example.com", PASSWORD, "B"))).id)
    address = AddressInput(
        recipient="A", phone="0812345678", line1="Jl 1", city="Jakarta", postal_code="10110", lat=-6.2, lng=106.8
    )
    store = await (await resolve(app.open_store))(seller, OpenStoreCommand("Toko", "", address))
    conversation, _ = await (await resolve(app.conversations)).open(buyer, store.id)
    sent, unsent = await _chat_photo(app, buyer), await _chat_photo(app, buyer)
    await (await resolve(app.chat_messages)).send(buyer, conversation.id, "c1", "", [sent])
    report = await (await resolve(app.clean_up_media))(timedelta(seconds=0))
    assert report.removed == [unsent]
    assert await (await resolve(app.storage)).keys(f"media/{buyer}/{sent}/") != []


async def test_cleanup_removes_what_an_upload_ticket_wrote_after_completion_once_past_the_grace_period(
    app: Any,
) -> None:
    register = await resolve(app.register_user)
    seller = str((await register(Register("s3@example.com", PASSWORD, "S"))).id)
    buyer = str((await register(Register("b3@example.com", PASSWORD, "B"))).id)
    address = AddressInput(
        recipient="A", phone="0812345678", line1="Jl 1", city="Jakarta", postal_code="10110", lat=-6.2, lng=106.8
    )
    store = await (await resolve(app.open_store))(seller, OpenStoreCommand("Toko", "", address))
    conversation, _ = await (await resolve(app.conversations)).open(buyer, store.id)
    kept = await _ticket(app, buyer, complete=True, purpose="chat_attachment")
    await (await resolve(app.chat_messages)).send(buyer, conversation.id, "c1", "", [kept.media_id])  # kept for good
    await _send(app, kept, b"<svg onload=alert(1)>".ljust(len(_png())))
    stray = f"uploads/{buyer}/{kept.media_id}/original.png"
    storage = await resolve(app.storage)
    await storage.put("uploads/nobody/0190aaaa-0000-7000-8000-000000000000/original.png", b"x", "image/png")
    in_progress = await _ticket(app, buyer, complete=False)

    fresh = await (await resolve(app.clean_up_media))(timedelta(hours=1))
    assert fresh.strays == ["uploads/nobody/0190aaaa-0000-7000-8000-000000000000/original.png"]
    assert stray in await storage.keys("uploads/"), "within the grace period"

    report = await (await resolve(app.clean_up_media))(timedelta(seconds=0))
    assert report.strays == [stray] and report.removed == [in_progress.media_id]
    assert await storage.keys("uploads/") == []
    assert await storage.keys(f"media/{buyer}/{kept.media_id}/") == [
        f"media/{buyer}/{kept.media_id}/original.png",
        f"media/{buyer}/{kept.media_id}/thumbnail.webp",
    ]
