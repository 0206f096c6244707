"""Shipping on a served app (`marketplace serve`): the embedded default with its built-in GoSend
sandbox, moved by hand or by its own courier pace; and the GoSend adapter against a standalone
sandbox on a local port whose webhooks never arrive, where the worker's poll keeps orders moving."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.sandbox_server import GOSEND_CLIENT_ID, GOSEND_PASS_KEY, GOSEND_TOKEN, sandbox_gosend
from tests.integration.serving import served
from tests.integration.test_served_checkouts import _store, _user, _variant

HAPPY = ["confirmed", "allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("shipping"), {}) as base:
        yield base


async def _until(probe: Any, done: Any, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        current = await probe()
        if done(current) or time.monotonic() > deadline:
            return current
        await asyncio.sleep(0.1)


async def _accepted_order(client: httpx.AsyncClient) -> dict[str, Any]:
    """A buyer pays (on the Xendit sandbox) for one order; its store accepts it."""
    seller, buyer = await _user(client, "seller"), await _user(client, "buyer")
    store_id = await _store(client, seller)
    variant_id = await _variant(client, seller, store_id, 3)
    buyer_auth = {"Authorization": buyer["Authorization"]}
    added = await client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=buyer_auth)
    assert added.status_code == 201, added.text
    placed = await client.post(
        "/api/v1/checkouts",
        json={"address_id": buyer["address_id"], "shipping": {store_id: "instant"}},
        headers={**buyer_auth, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 201, placed.text
    checkout = placed.json()
    paid = await client.post(f"/sandbox/xendit/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")
    assert paid.status_code == 200, paid.text
    order_id = checkout["orders"][0]["id"]

    async def order_status() -> str:
        return (await client.get(f"/api/v1/orders/{order_id}", headers=buyer_auth)).json()["status"]

    assert await _until(order_status, lambda s: s == "paid") == "paid"
    seller_auth = {"Authorization": seller["Authorization"]}
    base = f"/api/v1/stores/{store_id}/orders/{order_id}"
    accepted = await client.post(f"{base}/accept", headers=seller_auth)
    assert accepted.status_code == 200, accepted.text
    return {
        "buyer": buyer_auth,
        "seller": seller_auth,
        "order_id": order_id,
        "base": base,
        "order_status": order_status,
    }


async def _shipment(client: httpx.AsyncClient, world: dict[str, Any], who: str = "buyer") -> dict[str, Any]:
    found = await client.get(f"/api/v1/orders/{world['order_id']}/shipment", headers=world[who])
    assert found.status_code == 200, found.text
    return found.json()


async def test_the_sandbox_courier_takes_a_parcel_through_every_status_to_completion(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as client:
        world = await _accepted_order(client)
        shipped = await client.post(f"{world['base']}/ship", headers=world["seller"])
        assert shipped.status_code == 200, shipped.text
        booking_id = shipped.json()["booking_id"]
        assert booking_id.startswith("GK-") and await world["order_status"]() == "shipping"
        for expected in HAPPY[1:]:
            moved = await client.post(f"/sandbox/gosend/_sandbox/bookings/{booking_id}/advance")
            assert moved.status_code == 200 and moved.json()["status"] == expected, moved.text
            shipment = await _until(lambda: _shipment(client, world), lambda s, e=expected: s["status"] == e)
            assert shipment["status"] == expected
        assert await _until(world["order_status"], lambda s: s == "delivered") == "delivered"
        for_buyer, for_seller = await _shipment(client, world), await _shipment(client, world, "seller")
        assert [entry["status"] for entry in for_buyer["timeline"]] == HAPPY
        assert for_buyer == for_seller
        assert for_buyer["driver"]["name"] and for_buyer["driver"]["phone"]
        tracking = await client.get(for_buyer["tracking_url"])
        assert tracking.status_code == 200 and booking_id in tracking.text
        confirmed = await client.post(f"/api/v1/orders/{world['order_id']}/confirm-received", headers=world["buyer"])
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "completed", confirmed.text
        history = [h["status"] for h in confirmed.json()["history"]]
        assert history == ["pending_payment", "paid", "accepted", "shipping", "delivered", "completed"]


async def test_a_paced_courier_delivers_by_itself_and_the_order_completes_by_itself(tmp_path: Path) -> None:
    env = {"MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS": "0.2", "MARKETPLACE_ORDER_AUTOCOMPLETE_SECONDS": "1"}
    with served(tmp_path, env) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            world = await _accepted_order(client)
            shipped = await client.post(f"{world['base']}/ship", headers=world["seller"])
            assert shipped.status_code == 200, shipped.text
            assert await _until(world["order_status"], lambda s: s == "completed") == "completed"
            order = (await client.get(f"/api/v1/orders/{world['order_id']}", headers=world["buyer"])).json()
            history = {h["status"]: h["at"] for h in order["history"]}
            assert list(history) == ["pending_payment", "paid", "accepted", "shipping", "delivered", "completed"]
            shipment = await _shipment(client, world)
            assert [entry["status"] for entry in shipment["timeline"]] == HAPPY


async def test_the_worker_polls_bookings_whose_webhooks_never_come(tmp_path: Path) -> None:
    """The GoSend adapter over real HTTP to a standalone sandbox that sends no webhooks at all."""
    with sandbox_gosend(tmp_path, callback_url=None) as courier:
        env = {
            "MARKETPLACE_GOSEND_BASE_URL": courier,
            "MARKETPLACE_GOSEND_CLIENT_ID": GOSEND_CLIENT_ID,
            "MARKETPLACE_GOSEND_PASS_KEY": GOSEND_PASS_KEY,
            "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": GOSEND_TOKEN,
            "MARKETPLACE_SHIPMENT_POLL_SECONDS": "1",
            "MARKETPLACE_SANDBOX": "on",
        }
        with served(tmp_path, env) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                mounted = await client.get("/sandbox/gosend/_sandbox/bookings")
                assert mounted.status_code == 404  # a GoSend base URL is set: no built-in sandbox
                world = await _accepted_order(client)
                shipped = await client.post(f"{world['base']}/ship", headers=world["seller"])
                assert shipped.status_code == 200, shipped.text
                booking_id = shipped.json()["booking_id"]
                async with httpx.AsyncClient(base_url=courier, timeout=10) as gosend:
                    for _ in HAPPY[1:]:
                        moved = await gosend.post(f"/_sandbox/bookings/{booking_id}/advance")
                        assert moved.status_code == 200, moved.text
                    sent = (await gosend.get("/_sandbox/callbacks")).json()["data"]
                    assert sent == []  # no callback URL: nothing was sent, only the poll can tell us
                assert await _until(world["order_status"], lambda s: s == "delivered") == "delivered"
                shipment = await _shipment(client, world)
                assert shipment["status"] == "delivered" and shipment["driver"]["name"]
