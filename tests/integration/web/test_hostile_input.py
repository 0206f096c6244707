"""Input built to break the server: NUL characters (PostgreSQL text cannot hold them) and JSON nested
far deeper than any request needs. Each gets a 4xx problem on every backend, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.domain.shared.errors import InvalidValue
from marketplace.entrypoints.http.input_guard import MAX_DEPTH, check_json_body, json_depth
from tests.integration.web.conftest import Api


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == f"/problems/{kind}" and body["status"] == status
    return body


async def test_a_nul_in_a_json_id_is_422_naming_the_field(api: Api) -> None:
    buyer = await api.register("nul-buyer")
    auth = {"Authorization": buyer["auth"]}
    refused = await api.client.post("/api/v1/conversations", json={"store_id": "\x00"}, headers=auth)
    assert _problem(refused, 422, "validation-error")["errors"] == [
        {"field": "store_id", "message": "must not contain the NUL character (U+0000)"}
    ]
    assert (await api.client.post("/api/v1/affiliate/join", headers=auth)).status_code in (200, 201)
    refused = await api.client.post("/api/v1/affiliate/links", json={"product_id": "0190a0a0\x00"}, headers=auth)
    assert _problem(refused, 422, "validation-error")["errors"][0]["field"] == "product_id"


async def test_a_nul_in_text_writes_nothing(api: Api) -> None:
    refused = await api.client.post(
        "/api/v1/auth/register",
        json={"email": "nul@example.com", "password": "a-long-and-unguessable-passphrase", "name": "Ayu\x00Lestari"},
    )
    assert _problem(refused, 422, "validation-error")["errors"][0]["field"] == "name"
    login = await api.client.post(
        "/api/v1/auth/login", json={"email": "nul@example.com", "password": "a-long-and-unguessable-passphrase"}
    )
    assert login.status_code == 401


async def test_a_nul_deep_inside_a_body_is_found(api: Api) -> None:
    seller = await api.register("nul-seller")
    store = await api.open_store(seller)
    body = {
        "title": "Batik",
        "description": "ok",
        "category_id": None,
        "media_ids": [],
        "variants": [{"sku": "A-1", "name": "Merah\x00", "price": 10_000, "stock": 1, "weight_grams": 100}],
    }
    refused = await api.client.post(
        f"/api/v1/stores/{store['id']}/products", json=body, headers={"Authorization": seller["auth"]}
    )
    assert _problem(refused, 422, "validation-error")["errors"][0]["field"] == "variants[0].name"


async def test_a_nul_in_a_query_or_a_path_is_refused(api: Api) -> None:
    for path in (
        "/api/v1/products?q=batik%00",
        "/api/v1/stores?q=%00",
        "/api/v1/products/%00",
        "/api/v1/cms/pages/abc%00def",
    ):
        _problem(await api.client.get(path), 400, "malformed-request")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
async def test_json_nested_too_deep_is_malformed(api: Api, depth: int) -> None:
    for body in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        for path in ("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/webhooks/xendit/invoice"):
            response = await api.client.post(path, content=body, headers={"content-type": "application/json"})
            assert "deeper than 64" in _problem(response, 400, "malformed-request")["detail"]


async def test_json_at_the_depth_limit_is_read_as_usual(api: Api) -> None:
    body = (
        b'{"email": "a@example.com", "password": "x", "name": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    )
    response = await api.client.post(
        "/api/v1/auth/register", content=body, headers={"content-type": "application/json"}
    )
    _problem(response, 422, "validation-error")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(b'["\\"[[[", "x\\\\", [[]]]') == 3
    check_json_body(b'{"text": "' + b"[" * 500 + b'"}')


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul() -> None:
    check_json_body(b'{"name": "C:\\\\u0000"}')  # the text C:\u0000
    with pytest.raises(InvalidValue):
        check_json_body(b'{"name": "C:\\u0000"}')
