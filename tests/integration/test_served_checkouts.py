"""Checkouts against the served app: no overselling under a burst on PostgreSQL, and expiry with no
provider event on the embedded default (the in-process worker does it)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.credentials import PASSWORD
from tests.integration.serving import served

ADDRESS = {
    "recipient": "Ayu",
    "phone": "081234567890",
    "line1": "Jl. Sudirman 1",
    "city": "Jakarta",
    "postal_code": "10220",
    "lat": -6.2,
    "lng": 106.8,
}
BUYERS, STOCK, REPETITIONS = 50, 10, 20


async def _user(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    registered = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert registered.status_code == 201, registered.text
    token = (await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    address = await client.post("/api/v1/me/addresses", json=ADDRESS, headers=auth)
    assert address.status_code == 201, address.text
    return {**auth, "address_id": address.json()["id"]}


async def _variant(client: httpx.AsyncClient, seller: dict[str, str], store_id: str, stock: int) -> str:
    auth = {"Authorization": seller["Authorization"]}
    product = (
        await client.post(
            f"/api/v1/stores/{store_id}/products",
            headers=auth,
            json={
                "title": "Batik tulis",
                "variants": [
                    {
                        "sku": f"B-{uuid.uuid4().hex[:8]}",
                        "name": "One",
                        "price": 250_000,
                        "stock": stock,
                        "weight_grams": 400,
                    }
                ],
            },
        )
    ).json()
    assert (await client.post(f"/api/v1/products/{product['id']}/publish", headers=auth)).status_code == 200
    return product["variants"][0]["id"]


async def _store(client: httpx.AsyncClient, seller: dict[str, str]) -> str:
    store = await client.post(
        "/api/v1/stores",
        json={"name": f"Toko {uuid.uuid4().hex[:6]}", "pickup_address": ADDRESS},
        headers={"Authorization": seller["Authorization"]},
    )
    assert store.status_code == 201, store.text
    return store.json()["id"]


def _checkout(buyer: dict[str, str], store_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    return (
        {"address_id": buyer["address_id"], "shipping": {store_id: "instant"}},
        {"Authorization": buyer["Authorization"], "Idempotency-Key": uuid.uuid4().hex},
    )


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory: pytest.TempPathFactory, postgres_url: str, redis_url: str) -> Iterator[str]:
    env = {
        "MARKETPLACE_DATABASE_URL": postgres_url,
        "MARKETPLACE_REDIS_URL": redis_url,
        "MARKETPLACE_REDIS_PREFIX": f"race:{uuid.uuid4().hex}:",
        "MARKETPLACE_JWT_SECRET": "race-test-signing-key-with-32-characters-or-more",
        "MARKETPLACE_SANDBOX": "on",
    }
    with served(tmp_path_factory.mktemp("race"), env) as base:
        yield base


async def _stock(postgres_url: str, variant_id: str) -> int:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            return int(
                (
                    await connection.execute(text("SELECT stock FROM variants WHERE id = :id"), {"id": variant_id})
                ).scalar_one()
            )
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_fifty_buyers_race_for_ten_units_twenty_times_on_postgres(
    postgres_server: str, postgres_url: str
) -> None:
    limits = httpx.Limits(max_connections=BUYERS + 10)
    async with httpx.AsyncClient(base_url=postgres_server, timeout=60, limits=limits) as client:
        seller = await _user(client, "seller")
        store_id = await _store(client, seller)
        buyers = await asyncio.gather(*(_user(client, f"buyer{n}") for n in range(BUYERS)))
        previous: str | None = None
        for repetition in range(REPETITIONS):
            variant_id = await _variant(client, seller, store_id, STOCK)

            async def fill(buyer: dict[str, str], old: str | None = previous, new: str = variant_id) -> None:
                auth = {"Authorization": buyer["Authorization"]}
                if old is not None:
                    await client.delete(f"/api/v1/cart/items/{old}", headers=auth)  # a loser's line of the last round
                added = await client.post("/api/v1/cart/items", json={"variant_id": new, "quantity": 1}, headers=auth)
                assert added.status_code == 201, added.text

            await asyncio.gather(*(fill(buyer) for buyer in buyers))
            answers = await asyncio.gather(
                *(
                    client.post("/api/v1/checkouts", json=body, headers=headers)
                    for body, headers in (_checkout(buyer, store_id) for buyer in buyers)
                )
            )
            statuses = sorted(answer.status_code for answer in answers)
            assert statuses == [201] * STOCK + [409] * (BUYERS - STOCK), (
                repetition,
                statuses,
                [a.text for a in answers if a.status_code >= 500],
            )
            for answer in answers:
                if answer.status_code == 409:
                    short = answer.json()["variants"]
                    assert short[0]["variant_id"] == variant_id and short[0]["requested"] == 1
            assert await _stock(postgres_url, variant_id) == 0, f"repetition {repetition}"
            previous = variant_id


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("expiry"), {"MARKETPLACE_INVOICE_DURATION_SECONDS": "2"}) as base:
        yield base


async def test_an_unpaid_checkout_expires_on_time_and_its_stock_returns(embedded_server: str) -> None:
    async with httpx.AsyncClient(base_url=embedded_server, timeout=30) as client:
        seller, buyer = await _user(client, "seller"), await _user(client, "buyer")
        store_id = await _store(client, seller)
        variant_id = await _variant(client, seller, store_id, 3)
        auth = {"Authorization": buyer["Authorization"]}
        await client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 2}, headers=auth)
        body, headers = _checkout(buyer, store_id)
        created = await client.post("/api/v1/checkouts", json=body, headers=headers)
        assert created.status_code == 201, created.text
        checkout = created.json()
        quote_left = await client.get("/api/v1/cart", headers=auth)
        assert quote_left.json()["stores"] == []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = (await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()
            if now["status"] != "pending_payment":
                break
            await asyncio.sleep(0.2)
        assert now["status"] == "expired" and now["payment"]["status"] == "expired"
        assert {o["status"] for o in now["orders"]} == {"expired"}
        expires_at = datetime.fromisoformat(checkout["payment"]["expires_at"])
        for order in now["orders"]:
            expired_at = datetime.fromisoformat(order["history"][-1]["at"])
            assert expires_at <= expired_at < expires_at + timedelta(seconds=5), "expired at its time, not before"
        # The stock is back: the whole quantity can be bought again.
        again = await client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 3}, headers=auth)
        assert again.status_code == 201, again.text
