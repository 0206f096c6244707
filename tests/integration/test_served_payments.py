"""Paying through the built-in Xendit sandbox on the embedded default, as a person and as Xendit do:
the invoice page, its Pay button, callbacks (replayed, late, forged), expiry, refunds."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from marketplace.entrypoints.settings import DEV_XENDIT_TOKEN
from tests.integration.serving import served
from tests.integration.test_served_checkouts import _store, _user, _variant


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(
        tmp_path_factory.mktemp("payments"),
        {"MARKETPLACE_INVOICE_DURATION_SECONDS": "600", "MARKETPLACE_SANDBOX_REFUND_SECONDS": "0.5"},
    ) as base:
        yield base


async def _stock(client: httpx.AsyncClient, buyer: dict[str, str], variant_id: str) -> int:
    """What a cart may hold now: the highest quantity the API accepts is the stock (no cache involved)."""
    auth = {"Authorization": buyer["Authorization"]}
    await client.delete(f"/api/v1/cart/items/{variant_id}", headers=auth)
    low, high = 0, 50
    while low < high:
        middle = (low + high + 1) // 2
        answer = await client.post(
            "/api/v1/cart/items", json={"variant_id": variant_id, "quantity": middle}, headers=auth
        )
        if answer.status_code == 201:
            low = middle
            await client.delete(f"/api/v1/cart/items/{variant_id}", headers=auth)
        else:
            assert answer.status_code == 409, answer.text
            high = middle - 1
    return low


async def _world(client: httpx.AsyncClient) -> dict[str, Any]:
    sellers = [await _user(client, "seller-a"), await _user(client, "seller-b")]
    buyer, probe = await _user(client, "buyer"), await _user(client, "probe")
    stores = [await _store(client, seller) for seller in sellers]
    variants = [await _variant(client, seller, store, 5) for seller, store in zip(sellers, stores, strict=True)]
    auth = {"Authorization": buyer["Authorization"]}
    for variant_id in variants:
        added = await client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 2}, headers=auth)
        assert added.status_code == 201, added.text
    body = {"address_id": buyer["address_id"], "shipping": {store: "instant" for store in stores}}
    created = await client.post("/api/v1/checkouts", json=body, headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
    assert created.status_code == 201, created.text
    return {
        "sellers": sellers,
        "buyer": buyer,
        "probe": probe,
        "stores": stores,
        "variants": variants,
        "checkout": created.json(),
        "auth": auth,
    }


async def _until(
    client: httpx.AsyncClient, auth: dict[str, str], checkout_id: str, done: Any, seconds: float = 15
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        current = (await client.get(f"/api/v1/checkouts/{checkout_id}", headers=auth)).json()
        if done(current) or time.monotonic() > deadline:
            return current
        await asyncio.sleep(0.1)


def _callback(checkout: dict[str, Any], status: str, **changes: Any) -> dict[str, Any]:
    payment = checkout["payment"]
    return {
        "id": payment["invoice_id"],
        "external_id": checkout["id"],
        "user_id": "sandbox",
        "status": status,
        "merchant_name": "Marketplace",
        "amount": payment["amount"]["amount"],
        "currency": "IDR",
        "paid_amount": payment["amount"]["amount"],
        "created": "2026-11-25T00:00:00.000Z",
        "updated": "2026-11-25T00:00:01.000Z",
        **changes,
    }


async def test_pay_on_the_invoice_page_and_callbacks_move_orders_once(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as client:
        world = await _world(client)
        checkout, auth = world["checkout"], world["auth"]
        page = await client.get(checkout["payment"]["invoice_url"])
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert re.search(r"<(button|input)[^>]*>\s*Pay|value=\"Pay", page.text), "the page has a Pay button"
        form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        assert form is not None
        paid_by_click = await client.post(str(page.url.join(form.group(1))), follow_redirects=True)
        assert paid_by_click.status_code < 400, paid_by_click.text
        paid = await _until(client, auth, checkout["id"], lambda c: c["status"] == "paid")
        assert paid["status"] == "paid" and paid["payment"]["status"] == "paid"
        assert {o["status"] for o in paid["orders"]} == {"paid"}

        hook = "/api/v1/webhooks/xendit/invoice"
        for _ in range(10):
            again = await client.post(
                hook, json=_callback(checkout, "PAID"), headers={"x-callback-token": DEV_XENDIT_TOKEN}
            )
            assert again.status_code == 200
        late = await client.post(
            hook, json=_callback(checkout, "EXPIRED"), headers={"x-callback-token": DEV_XENDIT_TOKEN}
        )
        assert late.status_code == 200
        forged = await client.post(hook, json=_callback(checkout, "EXPIRED"), headers={"x-callback-token": "guess"})
        assert forged.status_code == 401
        missing = await client.post(hook, json=_callback(checkout, "EXPIRED"))
        assert missing.status_code == 401
        after = (await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()
        assert after["status"] == "paid" and {o["status"] for o in after["orders"]} == {"paid"}
        assert [len(o["history"]) for o in after["orders"]] == [2, 2], "each order moved exactly once"

        unknown = await client.post(
            hook,
            json={**_callback(checkout, "PAID"), "id": "0" * 24, "external_id": "x"},
            headers={"x-callback-token": DEV_XENDIT_TOKEN},
        )
        assert unknown.status_code == 200 and "no checkout" in unknown.json()["outcome"]


async def test_a_callback_whose_amount_does_not_match_is_flagged_not_paid(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as client:
        world = await _world(client)
        checkout = world["checkout"]
        wrong = await client.post(
            "/api/v1/webhooks/xendit/invoice",
            json=_callback(checkout, "PAID", amount=1000, paid_amount=1000),
            headers={"x-callback-token": DEV_XENDIT_TOKEN},
        )
        assert wrong.status_code == 200 and "mismatch" in wrong.json()["outcome"]
        now = (await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=world["auth"])).json()
        assert now["status"] == "pending_payment"


async def test_an_expired_invoice_releases_its_stock(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as client:
        world = await _world(client)
        checkout = world["checkout"]
        assert await _stock(client, world["probe"], world["variants"][0]) == 3
        expired = await client.post(f"/sandbox/xendit/_sandbox/invoices/{checkout['payment']['invoice_id']}/expire")
        assert expired.status_code == 200, expired.text
        now = await _until(client, world["auth"], checkout["id"], lambda c: c["status"] == "expired")
        assert now["status"] == "expired" and {o["status"] for o in now["orders"]} == {"expired"}
        assert await _stock(client, world["probe"], world["variants"][0]) == 5


async def test_a_cancelled_paid_order_and_a_rejected_one_are_refunded_and_restocked(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as client:
        world = await _world(client)
        checkout, auth = world["checkout"], world["auth"]
        paid = await client.post(f"/sandbox/xendit/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")
        assert paid.status_code == 200, paid.text
        await _until(client, auth, checkout["id"], lambda c: c["status"] == "paid")
        first, second = sorted(checkout["orders"], key=lambda o: world["stores"].index(o["store_id"]))
        cancelled = await client.post(f"/api/v1/orders/{first['id']}/cancel", headers=auth)
        assert cancelled.status_code == 200, cancelled.text
        seller = world["sellers"][1]
        rejected = await client.post(
            f"/api/v1/stores/{world['stores'][1]}/orders/{second['id']}/reject",
            headers={"Authorization": seller["Authorization"]},
        )
        assert rejected.status_code == 200, rejected.text
        done = await _until(
            client,
            auth,
            checkout["id"],
            lambda c: len(c["payment"]["refunds"]) == 2
            and all(r["status"] == "succeeded" for r in c["payment"]["refunds"]),
        )
        refunds = {r["order_id"]: r for r in done["payment"]["refunds"]}
        assert set(refunds) == {first["id"], second["id"]}
        assert refunds[first["id"]]["amount"] == first["total"] and refunds[second["id"]]["amount"] == second["total"]
        assert {r["status"] for r in refunds.values()} == {"succeeded"}
        for variant_id in world["variants"]:
            assert await _stock(client, world["probe"], variant_id) == 5
