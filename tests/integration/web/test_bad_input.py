"""Bad input gets the right problem details, and a refused request writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD
from tests.integration.web.conftest import Api

VARIANT = {"sku": "A-1", "name": "One", "price": 10_000, "stock": 1, "weight_grams": 100}


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"/problems/{kind}" and body["status"] == status and body["title"] and body["detail"]
    return body


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/register", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    _problem(response, 400, "malformed-request")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@example.com", "password": 12345678, "name": "A"}, "password"),
        ({"email": "a@example.com", "password": "short", "name": "A"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "name": "x" * 121}, "name"),
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, "email"),
        ({"email": "a@example.com", "password": PASSWORD}, "name"),
        ({"email": "a@example.com", "password": PASSWORD, "name": "A", "role": "admin"}, "body"),
    ],
)
async def test_invalid_registrations_are_422_with_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    problem = _problem(await api.client.post("/api/v1/auth/register", json=body), 422, "validation-error")
    assert problem["errors"] and problem["errors"][0]["field"] in (field, "body") and problem["errors"][0]["message"]


@pytest.mark.parametrize("password", ["password", "12345678", " " * 8, "lestari2024", "AyuLestari!"])
async def test_a_guessable_password_is_422_saying_why_and_nothing_is_registered(api: Api, password: str) -> None:
    body = {"email": f"ayu.lestari.{uuid.uuid4().hex[:8]}@example.com", "password": password, "name": "Ayu Lestari"}
    problem = _problem(await api.client.post("/api/v1/auth/register", json=body), 422, "validation-error")
    assert problem["errors"][0]["field"] == "password"
    assert problem["errors"][0]["message"].startswith("is too easy to guess. ")
    strong = await api.client.post("/api/v1/auth/register", json={**body, "password": PASSWORD})
    assert strong.status_code == 201, strong.text


async def test_the_openapi_document_says_a_password_must_not_be_guessable(api: Api) -> None:
    document = (await api.client.get("/schema/openapi.json")).json()
    password = document["components"]["schemas"]["RegisterBody"]["properties"]["password"]
    assert "not guessable" in password["description"] and password["minLength"] == 8


async def test_a_duplicate_email_is_409_whatever_its_case(api: Api) -> None:
    user = await api.register("dup")
    again = await api.client.post(
        "/api/v1/auth/register", json={"email": user["email"].upper(), "password": PASSWORD, "name": "B"}
    )
    _problem(again, 409, "duplicate-email")


async def test_product_input_is_checked_and_nothing_is_half_written(api: Api) -> None:
    seller = await api.register("seller")
    store = await api.open_store(seller)
    auth = {"Authorization": seller["auth"]}
    url = f"/api/v1/stores/{store['id']}/products"
    duplicate = {"title": "Twin SKUs", "variants": [VARIANT, {**VARIANT, "name": "Two"}]}
    _problem(await api.client.post(url, json=duplicate, headers=auth), 409, "duplicate-sku")
    for body, field in [
        ({"title": "Bad price", "variants": [{**VARIANT, "price": 0}]}, "variants"),
        ({"title": "Bad stock", "variants": [{**VARIANT, "stock": -1}]}, "variants"),
        ({"title": "Bad money", "variants": [{**VARIANT, "price": {"amount": 1.5, "currency": "IDR"}}]}, "variants"),
        (
            {"title": "Other currency", "variants": [{**VARIANT, "price": {"amount": 100, "currency": "USD"}}]},
            "currency",
        ),
        ({"title": "No variants", "variants": []}, "variants"),
        (
            {"title": "Ghost category", "category_id": "00000000-0000-7000-8000-000000000000", "variants": [VARIANT]},
            "category_id",
        ),
        ({"title": "Ghost media", "media_ids": ["nope"], "variants": [VARIANT]}, "media_ids"),
    ]:
        problem = _problem(await api.client.post(url, json=body, headers=auth), 422, "validation-error")
        assert any(field in e["field"] for e in problem["errors"]), (field, problem)
    listed = await api.client.get(url, headers=auth)
    assert listed.json()["items"] == [], "refused creates leave no product behind"


async def test_query_parameters_are_validated(api: Api) -> None:
    for params in (
        {"sort": "cheapest"},
        {"limit": 0},
        {"limit": 101},
        {"min_price": -1},
        {"min_price": 10, "max_price": 5},
        {"cursor": "garbage!"},
        {"q": "x" * 201},
    ):
        _problem(await api.client.get("/api/v1/products", params=params), 422, "validation-error")


async def test_unknown_things_are_404(api: Api) -> None:
    user = await api.register("someone")
    auth = {"Authorization": user["auth"]}
    _problem(await api.client.get("/api/v1/products/no-such-product"), 404, "not-found")
    _problem(await api.client.get("/api/v1/stores/no-such-store"), 404, "not-found")
    _problem(
        await api.client.patch(
            "/api/v1/me/addresses/00000000-0000-7000-8000-000000000000", json={"city": "X"}, headers=auth
        ),
        404,
        "not-found",
    )
    _problem(await api.client.get("/api/v1/nowhere"), 404, "not-found")


async def test_another_users_address_is_404(api: Api) -> None:
    owner, other = await api.register("owner"), await api.register("other")
    created = await api.client.post(
        "/api/v1/me/addresses",
        json={"recipient": "A", "phone": "0812345678", "line1": "Jl. 1", "city": "Bandung", "postal_code": "40111"},
        headers={"Authorization": owner["auth"]},
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/me/addresses/{created.json()['id']}"
    _problem(await api.client.delete(url, headers={"Authorization": other["auth"]}), 404, "not-found")
    assert (await api.client.delete(url, headers={"Authorization": owner["auth"]})).status_code == 204


async def test_tokens_are_required_and_checked(api: Api) -> None:
    _problem(await api.client.get("/api/v1/me"), 401, "unauthenticated")
    _problem(
        await api.client.get("/api/v1/me", headers={"Authorization": "Bearer not.a.token"}), 401, "unauthenticated"
    )
    _problem(await api.client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "unauthenticated")


async def test_a_rotated_refresh_token_cannot_be_reused_and_revokes_its_family(api: Api) -> None:
    user = await api.register("rotating")
    first = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user["refresh_token"]})
    assert first.status_code == 200
    _problem(
        await api.client.post("/api/v1/auth/refresh", json={"refresh_token": user["refresh_token"]}),
        401,
        "unauthenticated",
    )
    _problem(
        await api.client.post("/api/v1/auth/refresh", json={"refresh_token": first.json()["refresh_token"]}),
        401,
        "unauthenticated",
    )


async def test_every_response_carries_the_request_id(api: Api) -> None:
    mine = await api.client.get("/health/live", headers={"X-Request-ID": "trace-123"})
    assert mine.headers["x-request-id"] == "trace-123"
    assert len((await api.client.get("/api/v1/nowhere")).headers["x-request-id"]) >= 16
    assert mine.headers["x-content-type-options"] == "nosniff"


async def test_login_and_register_are_rate_limited_per_client() -> None:
    app = create_app(Settings.in_memory(auth_rate_limit=3))
    async with AsyncTestClient(app=app) as client:
        statuses = [
            (await client.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x"})).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        limited = await client.post(
            "/api/v1/auth/register", json={"email": "b@example.com", "password": PASSWORD, "name": "B"}
        )
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
