"""Accept -> ship -> the courier's statuses -> delivered -> completed, over HTTP on every backend.

On SQLite and PostgreSQL the courier is the built-in GoSend sandbox (mounted at /sandbox/gosend):
its control endpoint moves a booking and it calls our webhook in process. In memory the test plays
GoSend itself: it moves the in-memory courier and posts the webhook GoSend would send.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from marketplace.domain.shipping.status import BookingStatus
from marketplace.entrypoints.container import resolve
from tests.integration.web.conftest import Api
from tests.integration.web.test_checkout import _add, _address, _product

HAPPY = ["confirmed", "allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]


def _auth(user: dict[str, str]) -> dict[str, str]:
    return {"Authorization": user["auth"]}


def _event(booking_id: str, status: str, at_ms: int | None = None) -> dict[str, Any]:
    """A booking event shaped as docs/providers.md ("GoSend webhook") describes GoSend's."""
    return {
        "@type": "booking_event",
        "entity_id": booking_id,
        "booking_id": booking_id,
        "type": status.upper(),
        "event_date": at_ms if at_ms is not None else int(time.time() * 1000),
        "event_id": str(uuid.uuid4()),
        "partner_id": "marketplace-engine",
        "destination_type": "market_place",
        "status": status,
        "booking_status": status,
        "booking_type": "instant",
        "driver_name": "Budi Santoso",
        "driver_phone": "6281234567890",
        "live_tracking_url": f"https://tracking.example/{booking_id}",
    }


async def _webhook(api: Api, payload: dict[str, Any], token: str | None = None) -> Any:
    settings = api.settings
    headers = {settings.gosend_webhook_header: token if token is not None else settings.gosend_token}
    return await api.client.post("/api/v1/webhooks/gosend", json=payload, headers=headers)


async def _accepted_order(api: Api) -> dict[str, Any]:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    store = await api.open_store(seller)
    product = await _product(api, seller, store, "Batik tulis", 250_000, 4)
    await _add(api, buyer, product, 2)
    address_id = await _address(api, buyer)
    placed = await api.client.post(
        "/api/v1/checkouts",
        headers={**_auth(buyer), "Idempotency-Key": uuid.uuid4().hex},
        json={"address_id": address_id, "shipping": {store["id"]: "instant"}},
    )
    assert placed.status_code == 201, placed.text
    checkout = placed.json()
    order_id = checkout["orders"][0]["id"]
    base = f"/api/v1/stores/{store['id']}/orders/{order_id}"
    # Not paid yet: nothing to ship.
    early = await api.client.post(f"{base}/ship", headers=_auth(seller))
    assert early.status_code == 409 and "not paid" in early.json()["detail"], early.text
    await api.pay(checkout)
    unaccepted = await api.client.post(f"{base}/ship", headers=_auth(seller))
    assert unaccepted.status_code == 409 and "accept" in unaccepted.json()["detail"], unaccepted.text
    accepted = await api.client.post(f"{base}/accept", headers=_auth(seller))
    assert accepted.status_code == 200, accepted.text
    return {
        "seller": seller,
        "buyer": buyer,
        "store": store,
        "product": product,
        "checkout": checkout,
        "order_id": order_id,
        "base": base,
    }


async def _shipment(api: Api, world: dict[str, Any], user: str = "buyer") -> dict[str, Any]:
    found = await api.client.get(f"/api/v1/orders/{world['order_id']}/shipment", headers=_auth(world[user]))
    assert found.status_code == 200, found.text
    return found.json()


async def _courier(api: Api, world: dict[str, Any], status: str) -> dict[str, Any]:
    """The courier moves the current booking to `status`; answers the shipment once we know."""
    booking_id = (await _shipment(api, world))["booking_id"]
    if api.settings.backend == "sql":
        moved = await api.client.post(
            f"/sandbox/gosend/_sandbox/bookings/{booking_id}/advance", json={"status": status}
        )
        assert moved.status_code == 200, moved.text
    else:
        courier = await resolve(api.container.shipping)
        courier.advance(booking_id, BookingStatus(status))
        answer = await _webhook(api, _event(booking_id, status))
        assert answer.status_code == 200, answer.text
    for _ in range(200):
        shipment = await _shipment(api, world)
        if shipment["attempts"][-1]["status"] == status or (status == "on_hold" and shipment["status"] == "on_hold"):
            return shipment
        await asyncio.sleep(0.025)
    raise AssertionError(f"the {status} webhook did not arrive")


async def _order(api: Api, world: dict[str, Any], user: str = "buyer") -> dict[str, Any]:
    path = f"/api/v1/orders/{world['order_id']}" if user == "buyer" else world["base"]
    found = await api.client.get(path, headers=_auth(world[user]))
    assert found.status_code == 200, found.text
    return found.json()


async def test_an_order_is_shipped_tracked_to_delivery_and_completed_by_the_buyer(api: Api) -> None:
    world = await _accepted_order(api)
    shipped = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert shipped.status_code == 200, shipped.text
    booking = shipped.json()
    assert booking["provider"] == "gosend" and booking["booking_id"].startswith("GK-")
    assert booking["status"] == "confirmed" and booking["method"] == "instant"
    assert booking["order_status"] == "shipping"
    assert [a["booking_id"] for a in booking["attempts"]] == [booking["booking_id"]]
    assert (await _order(api, world))["status"] == "shipping"
    again = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert again.status_code == 409, again.text  # one live booking at a time

    for status in HAPPY[1:]:
        shipment = await _courier(api, world, status)
    assert shipment["status"] == "delivered" and shipment["driver"]["name"]
    assert shipment["tracking_url"]
    order = await _order(api, world)
    assert order["status"] == "delivered"
    for_buyer, for_seller = await _shipment(api, world), await _shipment(api, world, "seller")
    assert [e["status"] for e in for_buyer["timeline"]] == HAPPY
    assert for_buyer["timeline"] == for_seller["timeline"] and for_buyer == for_seller
    stranger = await api.register("stranger")
    hidden = await api.client.get(f"/api/v1/orders/{world['order_id']}/shipment", headers=_auth(stranger))
    assert hidden.status_code == 404

    done = await api.client.post(f"/api/v1/orders/{world['order_id']}/confirm-received", headers=_auth(world["buyer"]))
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    history = [h["status"] for h in (await _order(api, world, "seller"))["history"]]
    assert history == ["pending_payment", "paid", "accepted", "shipping", "delivered", "completed"]
    twice = await api.client.post(f"/api/v1/orders/{world['order_id']}/confirm-received", headers=_auth(world["buyer"]))
    assert twice.status_code == 409


async def test_duplicated_and_reordered_webhooks_leave_the_orderly_timeline(api: Api) -> None:
    world = await _accepted_order(api)
    shipped = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert shipped.status_code == 200, shipped.text
    booking_id = shipped.json()["booking_id"]
    start = int(time.time() * 1000) + 1_000
    events = [_event(booking_id, status, start + i * 1_000) for i, status in enumerate(HAPPY)]
    scrambled = [events[3], events[1], events[3], events[5], events[2], events[4], events[1], events[0], events[5]]
    for event in scrambled:
        answer = await _webhook(api, event)
        assert answer.status_code == 200, answer.text
    shipment = await _shipment(api, world)
    assert [e["status"] for e in shipment["timeline"]] == HAPPY
    assert shipment["status"] == "delivered" and (await _order(api, world))["status"] == "delivered"
    late = await _webhook(api, _event(booking_id, "cancelled", start + 10_000))
    assert late.status_code == 200 and "ignored" in late.json()["outcome"]
    assert (await _shipment(api, world)) == shipment  # nothing after a final status applies

    forged = await _webhook(api, _event(booking_id, "rejected"), token="not-the-token")
    assert forged.status_code == 401
    bare = await api.client.post("/api/v1/webhooks/gosend", json=_event(booking_id, "rejected"))
    assert bare.status_code == 401
    unknown = await _webhook(api, _event("GK-00-404404", "delivered"))
    assert unknown.status_code == 200 and unknown.json()["outcome"] == "no shipment has this booking"
    malformed = await api.client.post(
        "/api/v1/webhooks/gosend",
        content=b"{not json",
        headers={api.settings.gosend_webhook_header: api.settings.gosend_token},
    )
    assert malformed.status_code in (400, 422)
    missing = await _webhook(api, {"@type": "booking_event"})
    assert missing.status_code == 422
    assert (await _shipment(api, world)) == shipment and (await _order(api, world))["status"] == "delivered"


async def test_after_no_driver_the_seller_ships_again_and_both_attempts_stay_listed(api: Api) -> None:
    world = await _accepted_order(api)
    first = (await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))).json()
    failed = await _courier(api, world, "no_driver")
    assert failed["status"] == "no_driver" and (await _order(api, world))["status"] == "accepted"
    second = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert second.status_code == 200, second.text
    retry = second.json()
    assert retry["booking_id"] != first["booking_id"] and retry["status"] == "confirmed"
    assert [(a["booking_id"], a["status"]) for a in retry["attempts"]] == [
        (first["booking_id"], "no_driver"),
        (retry["booking_id"], "confirmed"),
    ]
    history = [h["status"] for h in (await _order(api, world))["history"]]
    assert history == ["pending_payment", "paid", "accepted", "shipping", "accepted", "shipping"]

    # The seller cancels the new booking before pickup: accepted again, and may ship a third time.
    cancelled = await api.client.post(f"{world['base']}/cancel-shipment", headers=_auth(world["seller"]))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["order_status"] == "accepted"
    nothing_live = await api.client.post(f"{world['base']}/cancel-shipment", headers=_auth(world["seller"]))
    assert nothing_live.status_code == 409
    third = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert third.status_code == 200 and len(third.json()["attempts"]) == 3
    await _courier(api, world, "picked")
    too_late = await api.client.post(f"{world['base']}/cancel-shipment", headers=_auth(world["seller"]))
    assert too_late.status_code == 409 and "picked" in too_late.json()["detail"]
    assert (await _order(api, world))["status"] == "shipping"


async def test_a_parcel_the_courier_brings_back_makes_the_order_returned_and_refunded(api: Api) -> None:
    world = await _accepted_order(api)
    assert (await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))).status_code == 200
    await _courier(api, world, "picked")
    held = await _courier(api, world, "on_hold")
    assert held["status"] == "on_hold" and (await _order(api, world))["status"] == "shipping"
    await _courier(api, world, "rejected")
    order = await _order(api, world)
    assert order["status"] == "returned"
    await api.drain_outbox()
    payment = (
        await api.client.get(f"/api/v1/checkouts/{world['checkout']['id']}", headers=_auth(world["buyer"]))
    ).json()["payment"]
    assert [(r["order_id"], r["amount"]) for r in payment["refunds"]] == [(order["id"], order["total"])]
    assert payment["refunds"][0]["status"] in ("pending", "succeeded")
    blocked = await api.client.post(
        f"/api/v1/orders/{world['order_id']}/confirm-received", headers=_auth(world["buyer"])
    )
    assert blocked.status_code == 409


async def test_only_the_stores_owner_ships_and_only_orders_with_coordinates(api: Api) -> None:
    world = await _accepted_order(api)
    other = await api.register("other-seller")
    other_store = await api.open_store(other)
    theirs = await api.client.post(f"{world['base']}/ship", headers=_auth(other))
    assert theirs.status_code == 403
    wrong_store = f"/api/v1/stores/{other_store['id']}/orders/{world['order_id']}/ship"
    assert (await api.client.post(wrong_store, headers=_auth(other))).status_code == 404
    assert (await api.client.post(f"{world['base']}/ship", headers=_auth(world["buyer"]))).status_code == 403
    assert (await api.client.post(f"{world['base']}/ship")).status_code == 401
    assert (await _shipment(api, world))["attempts"] == []  # not shipped yet: an empty shipment
    assert (await _order(api, world))["status"] == "accepted"
