"""The GoSend sandbox's status webhook (docs/providers.md, "GoSend webhook"): one `booking_event` per status
change, the first `confirmed` included, with the token in the configured header; retried until a 2xx; resent on
demand with the same event_id; and the courier's own pace moving a booking to delivered by itself."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from tests.integration.sandbox.conftest import (
    BOGOR,
    GOSEND_CLIENT_ID,
    GOSEND_TOKEN,
    SANDBOX_URL,
    Call,
    GoSendHarness,
    gosend_harness,
)

HAPPY = ["confirmed", "allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]
TYPES = {
    "confirmed": "BOOKING_CONFIRMED",
    "allocated": "DRIVER_ALLOCATED",
    "out_for_pickup": "DRIVER_OUT_FOR_PICKUP",
    "picked": "ITEM_PICKED",
    "out_for_delivery": "DRIVER_OUT_FOR_DELIVERY",
    "on_hold": "DELIVERY_ON_HOLD",
    "delivered": "BOOKING_COMPLETED",
    "cancelled": "BOOKING_CANCELLED",
    "rejected": "BOOKING_REJECTED",
    "no_driver": "DRIVER_NOT_FOUND",
}
FIELDS = {
    "@type",
    "entity_id",
    "type",
    "event_date",
    "event_id",
    "partner_id",
    "destination_type",
    "booking_id",
    "status",
    "booking_status",
    "booking_type",
    "driver_name",
    "driver_phone",
    "driver_phone2",
    "driver_phone3",
    "driver_photo_url",
    "total_distance_in_kms",
    "price",
    "receiver_name",
    "live_tracking_url",
}


async def _until(read: Any, done: Any, seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while not done(value := read()) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return value


def _deliveries(gosend: GoSendHarness, order_no: str) -> list[dict[str, Any]]:
    return [d.to_json() for d in gosend.sandbox.service.callbacks.deliveries() if d.subject_id == order_no]


def _check(call: Call, order_no: str, status: str) -> None:
    assert call.path == "/api/v1/webhooks/gosend" and call.headers["authorization"] == GOSEND_TOKEN
    assert call.headers["content-type"] == "application/json"
    payload = call.payload
    assert set(payload) == FIELDS | ({"cancellation_reason"} if status == "cancelled" else set()), payload
    assert {
        "@type": "booking_event",
        "entity_id": order_no,
        "booking_id": order_no,
        "type": TYPES[status],
        "partner_id": GOSEND_CLIENT_ID,
        "destination_type": "market_place",
        "status": status,
        "booking_status": status,
        "driver_phone2": None,
        "driver_phone3": None,
        "live_tracking_url": f"{SANDBOX_URL}/_sandbox/track/{order_no}",
    }.items() <= payload.items()
    assert abs(payload["event_date"] - time.time() * 1000) < 60_000, "epoch milliseconds"
    assert uuid.UUID(payload["event_id"]).version == 4


async def test_every_status_change_is_sent_in_order_with_the_token(gosend: GoSendHarness) -> None:
    booking = await gosend.book("hooks")
    order_no = booking["orderNo"]
    for count, _ in enumerate(HAPPY[1:], start=1):
        await gosend.hooks.wait_for(order_no, count)
        assert (await gosend.advance(order_no)).status_code == 200
    calls = await gosend.hooks.wait_for(order_no, len(HAPPY))
    assert [c.payload["status"] for c in calls] == HAPPY and all(c.answered == 200 for c in calls)
    for call, status in zip(calls, HAPPY, strict=True):
        _check(call, order_no, status)
    current = await gosend.status(order_no)
    first, *later = [c.payload for c in calls]
    assert first["driver_name"] is None and first["driver_phone"] is None
    assert all(p["driver_name"] == current["driverName"] and p["driver_phone"] == current["driverPhone"] for p in later)
    assert all(
        p["booking_type"] == "instant"
        and p["price"] == 32_500
        and p["total_distance_in_kms"] == 8.28
        and p["receiver_name"] == "Budi Buyer"
        for p in [first, *later]
    )
    dates = [c.payload["event_date"] for c in calls]
    assert dates == sorted(dates) and len({c.payload["event_id"] for c in calls}) == len(HAPPY)
    delivered = await _until(lambda: _deliveries(gosend, order_no), lambda d: all(x["state"] == "delivered" for x in d))
    assert [d["topic"] for d in delivered] == [f"booking.{s}" for s in HAPPY]
    listed = (await gosend.client.get("/_sandbox/callbacks", params={"subject_id": order_no})).json()["data"]
    assert [d["id"] for d in listed] == [d["id"] for d in delivered]
    assert [a["status_code"] for d in listed for a in d["attempts"]] == [200] * len(HAPPY)


async def test_failures_and_cancellations_are_sent_with_their_own_fields(gosend: GoSendHarness) -> None:
    cancelled = (await gosend.book("hook-cancel"))["orderNo"]
    await gosend.client.put("/gokilat/v10/booking/cancel", json={"orderNo": cancelled})
    [_, call] = await gosend.hooks.wait_for(cancelled, 2)
    _check(call, cancelled, "cancelled")
    assert call.payload["cancellation_reason"] == "Cancelled by partner"
    stranded = (await gosend.book("hook-no-driver", method="SameDay", destination=BOGOR))["orderNo"]
    await gosend.advance(stranded, "no_driver")
    [first, call] = await gosend.hooks.wait_for(stranded, 2)
    _check(call, stranded, "no_driver")
    assert first.payload["booking_type"] == call.payload["booking_type"] == "sameday"
    assert call.payload["type"] == "DRIVER_NOT_FOUND" and call.payload["driver_name"] is None
    returned = (await gosend.book("hook-rejected"))["orderNo"]
    for count, status in enumerate(("picked", "on_hold", "rejected"), start=2):
        await gosend.advance(returned, status)
        calls = await gosend.hooks.wait_for(returned, count)
    assert [c.payload["type"] for c in calls] == [
        "BOOKING_CONFIRMED",
        "ITEM_PICKED",
        "DELIVERY_ON_HOLD",
        "BOOKING_REJECTED",
    ]
    for call, status in zip(calls, ["confirmed", "picked", "on_hold", "rejected"], strict=True):
        _check(call, returned, status)


async def test_a_resent_webhook_is_the_same_event_again(gosend: GoSendHarness) -> None:
    order_no = (await gosend.book("resend"))["orderNo"]
    await gosend.advance(order_no)
    [_, allocated] = await gosend.hooks.wait_for(order_no, 2)
    [_, delivery] = _deliveries(gosend, order_no)
    answer = await gosend.client.post(f"/_sandbox/callbacks/{delivery['id']}/resend")
    assert answer.status_code == 200 and answer.json()["id"] != delivery["id"]
    assert answer.json()["payload"] == delivery["payload"] and answer.json()["topic"] == "booking.allocated"
    [*_, again] = await gosend.hooks.wait_for(order_no, 3)
    assert again.payload == allocated.payload and again.payload["event_id"] == allocated.payload["event_id"]
    assert again.headers["authorization"] == GOSEND_TOKEN
    missing = await gosend.client.post("/_sandbox/callbacks/cb-999/resend")
    assert missing.status_code == 404 and missing.json()["errors"]


async def test_a_refused_webhook_is_retried_until_accepted(gosend: GoSendHarness) -> None:
    gosend.hooks.fail("GK-11-170001", 2)
    order_no = (await gosend.book("retry"))["orderNo"]
    assert order_no == "GK-11-170001"
    calls = await gosend.hooks.wait_for(order_no, 3)
    assert [c.answered for c in calls] == [500, 500, 200] and all(c.payload == calls[0].payload for c in calls)
    [delivery] = await _until(lambda: _deliveries(gosend, order_no), lambda d: d[0]["state"] == "delivered")
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]


async def test_a_webhook_refused_every_time_is_given_up_after_the_retries(gosend: GoSendHarness) -> None:
    gosend.hooks.fail("GK-11-170001", 100)
    order_no = (await gosend.book("never"))["orderNo"]
    [delivery] = await _until(lambda: _deliveries(gosend, order_no), lambda d: d[0]["state"] == "failed")
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 4, "the first try and three retries"


async def test_the_header_name_is_configurable() -> None:
    async with gosend_harness(webhook_header="X-Callback-Token") as gosend:
        order_no = (await gosend.book("header"))["orderNo"]
        [call] = await gosend.hooks.wait_for(order_no)
    assert call.headers["x-callback-token"] == GOSEND_TOKEN and "authorization" not in call.headers


async def test_without_a_callback_url_nothing_is_sent() -> None:
    async with gosend_harness(callbacks=False) as gosend:
        order_no = (await gosend.book("quiet"))["orderNo"]
        assert (await gosend.advance(order_no)).status_code == 200
        await asyncio.sleep(0.05)
        assert gosend.hooks.calls == [] and gosend.sandbox.service.callbacks.deliveries() == []
        assert (await gosend.client.get("/_sandbox/callbacks")).json() == {"data": []}


async def test_at_a_pace_the_courier_delivers_by_itself() -> None:
    async with gosend_harness(pace_seconds=0.05) as gosend:
        order_no = (await gosend.book("paced"))["orderNo"]
        assert (await gosend.status(order_no))["status"] == "confirmed"
        calls = await gosend.hooks.wait_for(order_no, len(HAPPY))
        assert [c.payload["status"] for c in calls] == HAPPY
        body = await gosend.status(order_no)
        assert body["status"] == "delivered" and body["driverName"] and body["orderClosedTime"]
        await asyncio.sleep(0.15)
        assert len(gosend.hooks.of(order_no)) == len(HAPPY), "nothing moves once delivered"
        assert len(gosend.sandbox.service.timers) == 0


@pytest.mark.parametrize("final", ["cancelled", "no_driver"])
async def test_at_a_pace_a_final_booking_stays_put(final: str) -> None:
    async with gosend_harness(pace_seconds=0.05) as gosend:
        order_no = (await gosend.book(f"stays-{final}"))["orderNo"]
        assert (await gosend.advance(order_no, final)).status_code == 200
        await asyncio.sleep(0.2)
        assert (await gosend.status(order_no))["status"] == final
        assert [c.payload["status"] for c in gosend.hooks.of(order_no)] == ["confirmed", final]


async def test_shutting_down_stops_the_pace() -> None:
    async with gosend_harness(pace_seconds=0.05) as gosend:
        order_no = (await gosend.book("stopped"))["orderNo"]
        await gosend.sandbox.shutdown()
        assert len(gosend.sandbox.service.timers) == 0
        await asyncio.sleep(0.15)
        assert (await gosend.status(order_no))["status"] == "confirmed"
