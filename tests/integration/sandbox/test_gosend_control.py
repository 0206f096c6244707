"""The GoSend sandbox's control routes (docs/api.md, "Built-in provider sandboxes"): moving a booking along
GoSend's statuses (docs/providers.md, "GoSend statuses") by the rules of docs/api.md, "Shipment statuses",
the booking list, the live tracking page, and all of it under a mount prefix."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.sandbox.conftest import SANDBOX_URL, GoSendHarness, gosend_harness

HAPPY = ["confirmed", "allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]
FINAL = {"delivered", "cancelled", "rejected", "no_driver"}
ALL = [*HAPPY[:5], "on_hold", "delivered", "cancelled", "rejected", "no_driver"]
# How to bring a new booking to each status, and the furthest happy-path status it then reached.
SETUP: dict[str, tuple[list[str], str]] = {
    "confirmed": ([], "confirmed"),
    "allocated": (["allocated"], "allocated"),
    "out_for_pickup": (["out_for_pickup"], "out_for_pickup"),
    "picked": (["picked"], "picked"),
    "out_for_delivery": (["out_for_delivery"], "out_for_delivery"),
    "on_hold": (["picked", "on_hold"], "picked"),
    "delivered": (["delivered"], "delivered"),
    "cancelled": (["cancelled"], "confirmed"),
    "rejected": (["picked", "rejected"], "picked"),
    "no_driver": (["no_driver"], "confirmed"),
}


def allowed(current: str, furthest: str, target: str) -> bool:
    """The rules as the brief states them, written out independently of the sandbox."""
    if current in FINAL:
        return False
    if target == "on_hold":
        return current in ("out_for_pickup", "picked", "out_for_delivery")
    if target == "no_driver":
        return current == "confirmed"
    if target == "cancelled":
        return current in ("confirmed", "allocated", "out_for_pickup")
    if target == "rejected":
        return current in ("picked", "out_for_delivery", "on_hold")
    return HAPPY.index(target) > HAPPY.index(furthest)


async def _at(gosend: GoSendHarness, status: str, name: str) -> str:
    order_no: str = (await gosend.book(name))["orderNo"]
    for step in SETUP[status][0]:
        answer = await gosend.advance(order_no, step)
        assert answer.status_code == 200, answer.text
    return order_no


async def test_advancing_walks_the_happy_path_and_fills_in_the_driver_and_times(gosend: GoSendHarness) -> None:
    order_no = (await gosend.book("walk"))["orderNo"]
    seen: list[dict[str, Any]] = [await gosend.status(order_no)]
    for _ in HAPPY[1:]:
        answer = await gosend.advance(order_no)
        assert answer.status_code == 200, answer.text
        assert answer.json() == await gosend.status(order_no)
        seen.append(answer.json())
    assert [s["status"] for s in seen] == HAPPY
    assert seen[0]["driverName"] is None and seen[0]["driverId"] is None
    drivers = {(s["driverId"], s["driverName"], s["driverPhone"]) for s in seen[1:]}
    assert len(drivers) == 1 and all(drivers.pop()), "one driver from allocated on"
    assert [s["orderDispatchTime"] is not None for s in seen] == [False, False, False, True, True, True]
    assert [s["orderArrivalTime"] is not None for s in seen] == [False] * 5 + [True]
    assert [s["orderClosedTime"] is not None for s in seen] == [False] * 5 + [True]
    again = await gosend.advance(order_no)
    assert again.status_code == 409 and "final" in again.json()["errors"][0]


async def test_a_forward_jump_fills_in_what_it_skipped(gosend: GoSendHarness) -> None:
    order_no = (await gosend.book("jump"))["orderNo"]
    body = (await gosend.advance(order_no, "delivered")).json()
    assert body["status"] == "delivered" and body["driverName"] and body["orderDispatchTime"]
    assert body["orderArrivalTime"] == body["orderClosedTime"]


async def test_from_on_hold_the_next_step_follows_the_furthest_status_reached(gosend: GoSendHarness) -> None:
    order_no = await _at(gosend, "out_for_delivery", "held")
    assert (await gosend.advance(order_no, "on_hold")).json()["status"] == "on_hold"
    assert (await gosend.advance(order_no)).json()["status"] == "delivered"
    order_no = await _at(gosend, "on_hold", "held-early")
    assert (await gosend.advance(order_no)).json()["status"] == "out_for_delivery"


async def test_every_move_from_every_status_follows_the_rules(gosend: GoSendHarness) -> None:
    for start, (_, furthest) in SETUP.items():
        for target in ALL:
            order_no = await _at(gosend, start, f"{start}-to-{target}")
            before, sent = await gosend.status(order_no), len(gosend.sandbox.service.callbacks.deliveries())
            answer = await gosend.advance(order_no, target)
            if allowed(start, furthest, target):
                assert answer.status_code == 200, (start, target, answer.text)
                assert answer.json()["status"] == target
            else:
                assert answer.status_code == 409, (start, target, answer.text)
                assert answer.json()["errors"] and answer.headers["error-message"] == answer.json()["errors"][0]
                assert await gosend.status(order_no) == before, "a refused move changes nothing"
                assert len(gosend.sandbox.service.callbacks.deliveries()) == sent, "and sends nothing"


async def test_the_next_step_from_every_status(gosend: GoSendHarness) -> None:
    expected = {
        "confirmed": "allocated",
        "allocated": "out_for_pickup",
        "out_for_pickup": "picked",
        "picked": "out_for_delivery",
        "out_for_delivery": "delivered",
        "on_hold": "out_for_delivery",
    }
    for start in SETUP:
        order_no = await _at(gosend, start, f"next-{start}")
        answer = await gosend.advance(order_no)
        if start in FINAL:
            assert answer.status_code == 409, start
        else:
            assert answer.status_code == 200 and answer.json()["status"] == expected[start], start


@pytest.mark.parametrize("body", [{"status": "lost"}, {"status": "CONFIRMED"}, {"status": 3}, [], "nope"])
async def test_an_unknown_status_or_a_bad_body_is_400(gosend: GoSendHarness, body: Any) -> None:
    order_no = (await gosend.book("bad-body"))["orderNo"]
    content = body.encode() if isinstance(body, str) else None
    answer = await gosend.client.post(
        f"/_sandbox/bookings/{order_no}/advance", json=None if content else body, content=content
    )
    assert answer.status_code == 400 and answer.json()["errors"], answer.text
    assert (await gosend.status(order_no))["status"] == "confirmed"


async def test_an_empty_body_or_a_null_status_means_the_next_step(gosend: GoSendHarness) -> None:
    order_no = (await gosend.book("empty"))["orderNo"]
    answer = await gosend.client.post(f"/_sandbox/bookings/{order_no}/advance")
    assert answer.status_code == 200 and answer.json()["status"] == "allocated"
    assert (await gosend.advance(order_no, None)).json()["status"] == "out_for_pickup"
    answer = await gosend.client.post(f"/_sandbox/bookings/{order_no}/advance", json={"status": None})
    assert answer.json()["status"] == "picked"


async def test_an_unknown_booking_is_404(gosend: GoSendHarness) -> None:
    answer = await gosend.advance("GK-11-999", "allocated")
    assert answer.status_code == 404 and "GK-11-999" in answer.json()["errors"][0]


async def test_the_control_routes_need_no_credentials(gosend: GoSendHarness) -> None:
    order_no = (await gosend.book("open"))["orderNo"]
    client = gosend.client
    for name in ("Client-ID", "Pass-Key"):
        client.headers.pop(name)
    assert (await client.post(f"/_sandbox/bookings/{order_no}/advance")).status_code == 200
    assert (await client.get("/_sandbox/bookings")).status_code == 200
    assert (await client.get(f"/_sandbox/track/{order_no}")).status_code == 200
    assert (await client.get("/gokilat/v10/booking/orderno/" + order_no)).status_code == 401


async def test_the_booking_list_holds_every_status_body(gosend: GoSendHarness) -> None:
    assert (await gosend.client.get("/_sandbox/bookings")).json() == {"data": []}
    first, second = await gosend.book("list-1"), await gosend.book("list-2")
    await gosend.advance(second["orderNo"])
    data = (await gosend.client.get("/_sandbox/bookings")).json()["data"]
    assert [b["orderNo"] for b in data] == [first["orderNo"], second["orderNo"]]
    assert data[1] == await gosend.status(second["orderNo"]) and data[1]["status"] == "allocated"


async def test_the_tracking_page_shows_status_and_driver_escaped_and_self_contained(gosend: GoSendHarness) -> None:
    booking = await gosend.book("track", destinationAddress='<script>alert("x")</script> Jl. Melawai')
    url = (await gosend.status(booking["orderNo"]))["liveTrackingUrl"]
    page = await gosend.client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "confirmed" in page.text and "not allocated yet" in page.text and booking["orderNo"] in page.text
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text) and "<link" not in page.text
    assert "content-security-policy" in page.headers
    driver = (await gosend.advance(booking["orderNo"])).json()["driverName"]
    page = await gosend.client.get(url)
    assert "allocated" in page.text and driver in page.text
    missing = await gosend.client.get("/_sandbox/track/GK-11-0%3Cb%3E")
    assert missing.status_code == 404 and "not found" in missing.text and "<b>" not in missing.text


async def test_mounted_under_a_prefix_the_same_paths_and_links_work() -> None:
    async with gosend_harness(root_path="/sandbox/gosend") as gosend:
        assert str(gosend.client.base_url) == f"{SANDBOX_URL}/sandbox/gosend/"
        booking = await gosend.book("mounted")
        body = await gosend.status(booking["orderNo"])
        assert body["liveTrackingUrl"] == f"{SANDBOX_URL}/sandbox/gosend/_sandbox/track/{booking['orderNo']}"
        page = await gosend.client.get(body["liveTrackingUrl"])
        assert page.status_code == 200 and booking["orderNo"] in page.text
        assert (await gosend.advance(booking["orderNo"])).json()["status"] == "allocated"
        [call, *_] = await gosend.hooks.wait_for(booking["orderNo"])
        assert call.path == "/api/v1/webhooks/gosend"
