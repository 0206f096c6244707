"""Booking with the GoSend sandbox (docs/providers.md, "GoSend booking" and "GoSend booking status"): the created
booking, its status body by order number and by storeOrderId, a storeOrderId booked once only, the checks on what
is sent, and cancelling."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.conftest import BANDUNG, BOGOR, SANDBOX_URL, GoSendHarness, booking_body

BOOKING = "/gokilat/v10/booking"
CANCEL = "/gokilat/v10/booking/cancel"
STATUS_FIELDS = {
    "id",
    "orderNo",
    "storeOrderId",
    "status",
    "bookingType",
    "driverId",
    "driverName",
    "driverPhone",
    "receiverName",
    "totalPrice",
    "totalDistanceInKms",
    "liveTrackingUrl",
    "orderCreatedTime",
    "orderDispatchTime",
    "orderArrivalTime",
    "orderClosedTime",
    "sellerAddressName",
    "sellerAddressDetail",
    "buyerAddressName",
    "buyerAddressDetail",
    "cancelDescription",
    "insuranceDetails",
}
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _errors(answer: httpx.Response, status: int) -> list[str]:
    assert answer.status_code == status, answer.text
    errors: list[str] = answer.json()["errors"]
    assert answer.headers["error-message"] == errors[0]
    return errors


async def test_a_booking_is_created_confirmed_and_found_by_order_number_and_store_order_id(
    gosend: GoSendHarness,
) -> None:
    created = await gosend.client.post(BOOKING, json=booking_body("order-1-attempt-1"))
    assert created.status_code == 201, created.text
    booking = created.json()
    assert set(booking) == {"id", "orderNo", "bookingType", "storeOrderId"}
    assert isinstance(booking["id"], int) and booking["orderNo"] == f"GK-11-{booking['id']}"
    assert booking["bookingType"] == "Instant" and booking["storeOrderId"] == "order-1-attempt-1"
    body = await gosend.status(booking["orderNo"])
    assert set(body) == STATUS_FIELDS
    assert {
        "id": booking["id"],
        "orderNo": booking["orderNo"],
        "storeOrderId": "order-1-attempt-1",
        "status": "confirmed",
        "bookingType": "Instant",
        "driverId": None,
        "driverName": None,
        "driverPhone": None,
        "receiverName": "Budi Buyer",
        "totalPrice": 32_500,
        "totalDistanceInKms": 8.28,
        "liveTrackingUrl": f"{SANDBOX_URL}/_sandbox/track/{booking['orderNo']}",
        "orderDispatchTime": None,
        "orderArrivalTime": None,
        "orderClosedTime": None,
        "sellerAddressName": "Toko Batik Sari",
        "sellerAddressDetail": "Jl. Medan Merdeka 1",
        "buyerAddressName": "Rumah Budi",
        "buyerAddressDetail": "Jl. Melawai 2, Blok M",
        "cancelDescription": None,
    }.items() <= body.items()
    assert body["insuranceDetails"] == {
        "applied": "false",
        "fee": "0",
        "product_description": "Batik shirt",
        "product_price": "150000",
    }
    assert RFC3339.fullmatch(body["orderCreatedTime"])
    assert datetime.fromisoformat(body["orderCreatedTime"].replace("Z", "+00:00")).tzinfo is not None
    for path in (f"{BOOKING}/orderNo/{booking['orderNo']}", f"{BOOKING}/storeOrderId/order-1-attempt-1"):
        again = await gosend.client.get(path)
        assert again.status_code == 200 and again.json() == body


async def test_a_same_day_booking_is_priced_by_its_own_tariff(gosend: GoSendHarness) -> None:
    booking = await gosend.book("same-day", method="SameDay", destination=BOGOR)
    body = await gosend.status(booking["orderNo"])
    assert booking["bookingType"] == body["bookingType"] == "SameDay"
    assert body["totalPrice"] == 8_000 + 1_500 * 47 and 46 < body["totalDistanceInKms"] < 47


async def test_order_numbers_are_distinct(gosend: GoSendHarness) -> None:
    numbers = {(await gosend.book(f"distinct-{n}"))["orderNo"] for n in range(5)}
    assert len(numbers) == 5


async def test_a_store_order_id_books_once_and_the_booking_is_then_found_by_it(gosend: GoSendHarness) -> None:
    first = await gosend.book("order-2-attempt-1")
    again = await gosend.client.post(BOOKING, json=booking_body("order-2-attempt-1", method="SameDay"))
    [message] = _errors(again, 409)
    assert "order-2-attempt-1" in message and "exists" in message
    found = await gosend.client.get(f"{BOOKING}/storeOrderId/order-2-attempt-1")
    assert found.json()["orderNo"] == first["orderNo"] and found.json()["bookingType"] == "Instant"
    assert len(gosend.sandbox.service.bookings()) == 1


async def test_unknown_bookings_are_404(gosend: GoSendHarness) -> None:
    for path in (f"{BOOKING}/orderno/GK-11-1", f"{BOOKING}/orderNo/nothing", f"{BOOKING}/storeOrderId/nothing"):
        _errors(await gosend.client.get(path), 404)
    _errors(await gosend.client.put(CANCEL, json={"orderNo": "GK-11-1"}), 404)


async def test_a_route_the_method_does_not_serve_is_refused(gosend: GoSendHarness) -> None:
    [message] = _errors(await gosend.client.post(BOOKING, json=booking_body("far", destination=BOGOR)), 400)
    assert "Instant" in message and "serviceable" in message
    [message] = _errors(
        await gosend.client.post(BOOKING, json=booking_body("further", method="SameDay", destination=BANDUNG)), 400
    )
    assert "SameDay" in message
    assert gosend.sandbox.service.bookings() == [] and gosend.hooks.calls == []


def _route(**changes: Any) -> dict[str, Any]:
    body = booking_body("checked")
    body["routes"][0].update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({**booking_body("x"), "paymentType": "3"}, "paymentType"),
        ({**booking_body("x"), "paymentType": True}, "paymentType"),
        ({**booking_body("x"), "paymentType": None}, "paymentType"),
        ({**booking_body("x"), "shipment_method": "InstantCar"}, "shipment_method"),
        ({**booking_body("x"), "shipment_method": None}, "shipment_method"),
        ({**booking_body("x"), "collection_location": 5}, "collection_location"),
        ({**booking_body("x"), "routes": []}, "routes"),
        ({**booking_body("x"), "routes": booking_body("a")["routes"] * 2}, "routes"),
        ({**booking_body("x"), "routes": ["a route"]}, "routes"),
        ({**booking_body("x"), "routes": None}, "routes"),
        (_route(originLatLong="-6.1,north"), "originLatLong"),
        (_route(originLatLong=None), "originLatLong"),
        (_route(destinationLatLong="-6.1,190"), "destinationLatLong"),
        (_route(destinationLatLong=[-6.1, 106.8]), "destinationLatLong"),
        (_route(storeOrderId=""), "storeOrderId"),
        (_route(storeOrderId="   "), "storeOrderId"),
        (_route(storeOrderId="x" * 101), "storeOrderId"),
        (_route(storeOrderId=12), "storeOrderId"),
        (_route(storeOrderId=None), "storeOrderId"),
        (_route(item=["shirt"]), "item"),
        (_route(originContactPhone=62812), "originContactPhone"),
        (_route(destinationName="x" * 1001), "destinationName"),
        (_route(insuranceDetails="yes"), "insuranceDetails"),
        ([booking_body("x")], "JSON object"),
        ("not json", "JSON object"),
    ],
)
async def test_a_bad_booking_is_400_naming_what_is_wrong(gosend: GoSendHarness, body: Any, named: str) -> None:
    content = body.encode() if isinstance(body, str) else None
    answer = await gosend.client.post(BOOKING, json=None if content else body, content=content)
    errors = _errors(answer, 400)
    assert any(named in e for e in errors), errors
    assert gosend.sandbox.service.bookings() == []


async def test_every_mistake_is_listed_at_once(gosend: GoSendHarness) -> None:
    body = {**_route(originLatLong="x", storeOrderId=""), "paymentType": "three", "shipment_method": "Bike"}
    errors = _errors(await gosend.client.post(BOOKING, json=body), 400)
    assert len(errors) == 4


async def test_optional_fields_may_be_left_out(gosend: GoSendHarness) -> None:
    body = {
        "paymentType": 3,
        "shipment_method": "Instant",
        "routes": [
            {"originLatLong": "-6.1754,106.8272", "destinationLatLong": "-6.2444,106.7991", "storeOrderId": "bare"}
        ],
    }
    created = await gosend.client.post(BOOKING, json=body)
    assert created.status_code == 201, created.text
    status = await gosend.status(created.json()["orderNo"])
    assert status["receiverName"] is None and status["insuranceDetails"] is None and status["sellerAddressName"] is None


@pytest.mark.parametrize("steps", [0, 1, 2])
async def test_cancelling_is_allowed_until_the_parcel_is_picked(gosend: GoSendHarness, steps: int) -> None:
    booking = await gosend.book(f"cancel-{steps}")
    for _ in range(steps):
        assert (await gosend.advance(booking["orderNo"])).status_code == 200
    answer = await gosend.client.put(CANCEL, json={"orderNo": booking["orderNo"]})
    assert answer.status_code == 200 and answer.json() == {"statusCode": 200, "message": "Booking cancelled"}
    body = await gosend.status(booking["orderNo"])
    assert body["status"] == "cancelled" and body["cancelDescription"] == "Cancelled by partner"
    assert RFC3339.fullmatch(body["orderClosedTime"]) and body["orderArrivalTime"] is None
    _errors(await gosend.client.put(CANCEL, json={"orderNo": booking["orderNo"]}), 400)


@pytest.mark.parametrize("status", ["picked", "out_for_delivery", "on_hold", "delivered", "rejected", "no_driver"])
async def test_cancelling_is_refused_once_picked_or_final(gosend: GoSendHarness, status: str) -> None:
    booking = await gosend.book(f"late-{status}")
    if status in ("on_hold", "rejected"):
        await gosend.advance(booking["orderNo"], "picked")
    assert (await gosend.advance(booking["orderNo"], status)).status_code == 200
    [message] = _errors(await gosend.client.put(CANCEL, json={"orderNo": booking["orderNo"]}), 400)
    assert "can no longer be cancelled" in message and status in message
    assert (await gosend.status(booking["orderNo"]))["status"] == status


@pytest.mark.parametrize("body", [{}, {"orderNo": ""}, {"orderNo": 5}, {"bookingId": 170001}])
async def test_a_cancel_without_an_order_number_is_400(gosend: GoSendHarness, body: dict[str, Any]) -> None:
    assert "orderNo" in _errors(await gosend.client.put(CANCEL, json=body), 400)[0]
    _errors(await gosend.client.put(CANCEL, content=b"[]"), 400)
