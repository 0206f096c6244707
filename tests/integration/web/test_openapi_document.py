"""The OpenAPI document states what the validation checks across fields and per purpose: a body it calls
invalid is refused with 422, its valid twin is accepted. (Per field, tests/unit/test_request_patterns.py
holds the patterns to the domain's rules; the fuzzer holds the whole document to the server.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.integration.web.conftest import ADDRESS, Api

pytestmark = pytest.mark.parametrize("api", ["memory"], indirect=True)  # one document for every backend


async def _document(api: Api) -> dict[str, Any]:
    return (await api.client.get("/schema/openapi.json")).json()


def _valid(document: dict[str, Any], component: str, body: Any) -> bool:
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return Draft202012Validator(schema).is_valid(body)


async def _check(
    api: Api, document: dict[str, Any], path: str, component: str, good: Any, bad: Any, auth: dict[str, str]
) -> None:
    """`bad` breaks the rule the document states, `good` keeps it: the server agrees on both."""
    assert _valid(document, component, good) and not _valid(document, component, bad), component
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    refused = await api.client.post(path, json=bad, headers=headers)
    assert refused.status_code == 422, refused.text
    accepted = await api.client.post(path, json=good, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
    assert accepted.status_code < 300, accepted.text


async def test_the_document_says_lat_and_lng_come_together(api: Api) -> None:
    user = {"Authorization": (await api.register())["auth"]}
    only_lat = {**ADDRESS, "lng": None}
    neither = {**ADDRESS, "lat": None, "lng": None}
    await _check(api, await _document(api), "/api/v1/me/addresses", "AddressBody", neither, only_lat, user)


async def test_the_document_says_each_upload_purpose_has_its_own_largest_size(api: Api) -> None:
    user = {"Authorization": (await api.register())["auth"]}
    logo = {"filename": "logo.png", "content_type": "image/png", "purpose": "store_logo"}
    await _check(
        api,
        await _document(api),
        "/api/v1/media/uploads",
        "UploadBody",
        {**logo, "size": 2 * 1024 * 1024},
        {**logo, "size": 2 * 1024 * 1024 + 1},
        user,
    )


async def test_the_document_says_a_link_points_at_a_product_or_a_store_not_both(api: Api) -> None:
    seller, affiliate = await api.register("seller"), await api.register("affiliate")
    store = await api.open_store(seller)
    auth = {"Authorization": affiliate["auth"]}
    assert (await api.client.post("/api/v1/affiliate/join", headers=auth)).status_code == 201
    both = {"product_id": str(uuid.uuid4()), "store_id": store["id"]}
    await _check(
        api, await _document(api), "/api/v1/affiliate/links", "LinkBody", {"store_id": store["id"]}, both, auth
    )


async def test_the_document_says_a_message_needs_text_or_an_attachment(api: Api) -> None:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    store = await api.open_store(seller)
    auth = {"Authorization": buyer["auth"]}
    opened = await api.client.post("/api/v1/conversations", json={"store_id": store["id"]}, headers=auth)
    path = f"/api/v1/conversations/{opened.json()['id']}/messages"
    await _check(
        api,
        await _document(api),
        path,
        "SendMessageBody",
        {"client_id": "c-1", "body": " Halo "},
        {"client_id": "c-2", "body": " \t "},
        auth,
    )


async def test_the_document_says_a_payout_is_at_least_the_minimum(api: Api) -> None:
    document = await _document(api)
    bank = {"channel_code": "ID_BCA", "account_number": "1234567890", "account_holder_name": "Ayu"}
    minimum = api.settings.payout_minimum
    assert _valid(document, "PayoutBody", {"amount": minimum, "bank": bank})
    assert not _valid(document, "PayoutBody", {"amount": {"amount": minimum - 1, "currency": "IDR"}, "bank": bank})
    affiliate = {"Authorization": (await api.register("affiliate"))["auth"]}
    assert (await api.client.post("/api/v1/affiliate/join", headers=affiliate)).status_code == 201
    below = await api.client.post(
        "/api/v1/affiliate/payouts",
        json={"amount": minimum - 1, "bank": bank},
        headers={**affiliate, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert below.status_code == 422 and below.json()["errors"][0]["field"] == "amount", below.text


async def test_the_document_says_which_shipping_methods_and_keys_there_are(api: Api) -> None:
    document = await _document(api)
    store_id, address_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert _valid(document, "CheckoutBody", {"address_id": address_id, "shipping": {store_id: "same_day"}})
    assert not _valid(document, "CheckoutBody", {"address_id": address_id, "shipping": {store_id: "drone"}})
    assert not _valid(document, "CheckoutBody", {"address_id": address_id, "shipping": {"toko-ayu": "instant"}})
