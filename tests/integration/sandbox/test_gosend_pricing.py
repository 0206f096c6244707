"""The GoSend sandbox's price estimate and its guard (docs/providers.md, "GoSend base URLs and auth", "GoSend price
estimate", "GoSend errors"): the tariff table, serviceability by distance, Client-ID + Pass-Key, and GoSend's error
answer for every refusal."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from marketplace.adapters.sandbox.gosend.pricing import TARIFFS
from marketplace.domain.shared.address import GeoPoint
from tests.integration.sandbox.conftest import (
    BANDUNG,
    BLOK_M,
    BOGOR,
    GOSEND_CLIENT_ID,
    GOSEND_PASS_KEY,
    MONAS,
    SANDBOX_URL,
    GoSendHarness,
    booking_body,
)

PRICE = "/gokilat/v10/calculate/price"
METHOD_FIELDS = {
    "shipment_method",
    "shipment_method_description",
    "serviceable",
    "active",
    "distance",
    "route_polyline",
    "price",
}
PRICE_FIELDS = {"total_price", "go_pay_total_price", "go_pay_discount", "voucher_discount", "total_price_with_voucher"}


def _point(text: str) -> GeoPoint:
    lat, lng = text.split(",")
    return GeoPoint(float(lat), float(lng))


def _error(answer: httpx.Response, status: int, *words: str) -> list[str]:
    assert answer.status_code == status, answer.text
    errors: list[str] = answer.json()["errors"]
    assert set(answer.json()) == {"errors"} and errors and all(isinstance(e, str) and e for e in errors)
    assert answer.headers["error-message"] == errors[0]
    for word in words:
        assert any(word in e for e in errors), (word, errors)
    return errors


async def _estimate(gosend: GoSendHarness, origin: str, destination: str) -> dict[str, Any]:
    answer = await gosend.client.get(PRICE, params={"origin": origin, "destination": destination, "paymentType": 3})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == {"Instant", "SameDay"}
    for name, method in body.items():
        assert set(method) == METHOD_FIELDS and set(method["price"]) == PRICE_FIELDS
        assert method["shipment_method"] == name and isinstance(method["route_polyline"], str)
    return body


async def test_a_trip_across_jakarta_is_served_by_both_methods_at_the_tariff_price(gosend: GoSendHarness) -> None:
    body = await _estimate(gosend, MONAS, BLOK_M)
    distance = _point(MONAS).distance_km(_point(BLOK_M))
    assert 7.5 < distance < 9
    instant, same_day = body["Instant"], body["SameDay"]
    assert instant["serviceable"] and instant["active"] and same_day["serviceable"] and same_day["active"]
    assert instant["distance"] == same_day["distance"] == round(distance, 2)
    assert instant["price"] == {
        "total_price": 10_000 + 2_500 * math.ceil(distance),
        "go_pay_total_price": 10_000 + 2_500 * math.ceil(distance),
        "go_pay_discount": 0,
        "voucher_discount": 0,
        "total_price_with_voucher": 10_000 + 2_500 * math.ceil(distance),
    }
    assert instant["price"]["total_price"] == 32_500 and same_day["price"]["total_price"] == 8_000 + 1_500 * 9
    assert instant["shipment_method_description"] == "1-2 hours"
    assert same_day["shipment_method_description"] == "6-8 hours"
    assert instant["route_polyline"] == "fcud@_u_kSfnLrnD", "Google's encoding of the straight line"


async def test_bogor_is_too_far_for_instant_and_bandung_for_both(gosend: GoSendHarness) -> None:
    bogor = await _estimate(gosend, MONAS, BOGOR)
    assert 40 < bogor["SameDay"]["distance"] < 100
    assert not bogor["Instant"]["serviceable"] and not bogor["Instant"]["active"]
    assert bogor["Instant"]["price"]["total_price"] == 0, "an unserviceable method is priced 0"
    assert bogor["SameDay"]["serviceable"] and bogor["SameDay"]["price"]["total_price"] == 8_000 + 1_500 * 47
    bandung = await _estimate(gosend, MONAS, BANDUNG)
    assert bandung["SameDay"]["distance"] > 100
    assert not any(m["serviceable"] or m["active"] or m["price"]["total_price"] for m in bandung.values())


async def test_the_same_point_costs_the_base_fee(gosend: GoSendHarness) -> None:
    body = await _estimate(gosend, MONAS, MONAS)
    assert body["Instant"]["distance"] == 0 and body["Instant"]["price"]["total_price"] == TARIFFS["Instant"].base
    assert body["SameDay"]["price"]["total_price"] == TARIFFS["SameDay"].base


@pytest.mark.parametrize(
    "params",
    [
        {"destination": BLOK_M, "paymentType": "3"},
        {"origin": MONAS, "paymentType": "3"},
        {"origin": MONAS, "destination": BLOK_M},
        {"origin": MONAS, "destination": BLOK_M, "paymentType": "card"},
        {"origin": "-6.17", "destination": BLOK_M, "paymentType": "3"},
        {"origin": "-91,106", "destination": BLOK_M, "paymentType": "3"},
        {"origin": "nan,106", "destination": BLOK_M, "paymentType": "3"},
        {"origin": MONAS, "destination": "a,b", "paymentType": "3"},
        {"origin": MONAS, "destination": "1,2,3", "paymentType": "3"},
    ],
)
async def test_a_bad_or_missing_parameter_is_400(gosend: GoSendHarness, params: dict[str, str]) -> None:
    _error(await gosend.client.get(PRICE, params=params), 400)


async def test_every_bad_parameter_is_listed(gosend: GoSendHarness) -> None:
    errors = _error(await gosend.client.get(PRICE), 400, "origin", "destination", "paymentType")
    assert len(errors) == 3


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Client-ID": GOSEND_CLIENT_ID},
        {"Pass-Key": GOSEND_PASS_KEY},
        {"Client-ID": GOSEND_CLIENT_ID, "Pass-Key": "wrong"},
        {"Client-ID": "someone-engine", "Pass-Key": GOSEND_PASS_KEY},
        {"Client-ID": GOSEND_CLIENT_ID + "x", "Pass-Key": GOSEND_PASS_KEY + "x"},
    ],
)
async def test_every_provider_route_needs_the_client_id_and_pass_key(
    gosend: GoSendHarness, headers: dict[str, str]
) -> None:
    routes = [
        ("GET", f"{PRICE}?origin={MONAS}&destination={BLOK_M}&paymentType=3"),
        ("POST", "/gokilat/v10/booking"),
        ("GET", "/gokilat/v10/booking/orderno/GK-11-1"),
        ("GET", "/gokilat/v10/booking/orderNo/GK-11-1"),
        ("GET", "/gokilat/v10/booking/storeOrderId/x"),
        ("PUT", "/gokilat/v10/booking/cancel"),
    ]
    async with httpx.AsyncClient(transport=gosend.client._transport, base_url=SANDBOX_URL, headers=headers) as client:
        for method, path in routes:
            answer = await client.request(method, path, json=booking_body("unauthorized"))
            _error(answer, 401, "Client-ID")
    assert gosend.sandbox.service.bookings() == [] and gosend.hooks.calls == []


async def test_unknown_paths_methods_and_huge_bodies_get_gosends_error_answer(gosend: GoSendHarness) -> None:
    _error(await gosend.client.get("/gokilat/v10/nothing"), 404)
    answer = await gosend.client.get("/gokilat/v10/booking")
    _error(answer, 405)
    assert answer.headers["allow"] == "POST"
    _error(await gosend.client.delete("/gokilat/v10/booking/cancel"), 405)
    _error(await gosend.client.post("/gokilat/v10/booking", content=b"x" * ((1 << 20) + 1)), 413)


async def test_the_error_message_header_never_carries_what_cannot_be_a_header(gosend: GoSendHarness) -> None:
    answer = await gosend.client.get("/gokilat/v10/booking/storeOrderId/caf%C3%A9%E2%98%83%0D%0AX-Evil:%201")
    assert answer.status_code == 404 and "caf\u00e9\u2603\r\nX-Evil: 1" in answer.json()["errors"][0]
    assert "x-evil" not in answer.headers and answer.headers["error-message"].isascii()
    assert answer.headers["error-message"].endswith("caf????X-Evil: 1"), answer.headers["error-message"]
