"""ShippingGateway contract: options by distance and weight at the sandbox's tariffs, one booking per
store order id, cancelling until the driver has the parcel.

Run on the in-memory courier and on the GoSend adapter over real HTTP against the GoSend sandbox
served on a local port (`marketplace sandbox gosend`). The adapter alone is then tried against what
the sandbox does not do: wrong credentials, a dead port, a GoSend that fails once or times out after
booking, and GoSend's ways of saying why it refuses.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from marketplace.adapters.gosend.shipping import GoSendShippingGateway, gosend_client
from marketplace.adapters.memory.shipping import MemoryShippingGateway, haversine_km
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.shipping import BookingRequest, ShippingMethod, ShippingRefused, Stop
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shipping.status import BookingStatus
from tests.integration.sandbox_server import GOSEND_CLIENT_ID, GOSEND_PASS_KEY, sandbox_gosend
from tests.integration.serving import free_port

MONAS = GeoPoint(-6.1754, 106.8272)  # Jakarta
BLOK_M = GeoPoint(-6.2444, 106.7991)  # about 8 km away
BOGOR = GeoPoint(-6.5971, 106.8060)  # about 47 km away
BANDUNG = GeoPoint(-6.9175, 107.6191)  # about 120 km away


@dataclass
class Courier:
    gateway: Any
    advance: Callable[[str, BookingStatus], Awaitable[None]]  # what the driver does, outside our calls


@pytest.fixture(scope="module")
def gosend_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandbox_gosend(tmp_path_factory.mktemp("gosend")) as base:
        yield base


@pytest.fixture(params=["memory", "gosend-sandbox"])
async def courier(request: pytest.FixtureRequest) -> AsyncIterator[Courier]:
    if request.param == "memory":
        gateway = MemoryShippingGateway()

        async def advance(booking_id: str, status: BookingStatus) -> None:
            gateway.advance(booking_id, status)

        yield Courier(gateway, advance)
        return
    base = request.getfixturevalue("gosend_sandbox")
    async with (
        gosend_client(base, GOSEND_CLIENT_ID, GOSEND_PASS_KEY) as client,
        httpx.AsyncClient(base_url=base) as control,
    ):

        async def advance_g(booking_id: str, status: BookingStatus) -> None:
            answer = await control.post(f"/_sandbox/bookings/{booking_id}/advance", json={"status": status.value})
            assert answer.status_code == 200, answer.text

        yield Courier(GoSendShippingGateway(client), advance_g)


def _request(
    method: ShippingMethod = ShippingMethod.INSTANT, to: GeoPoint = BLOK_M, store_order_id: str | None = None
) -> BookingRequest:
    return BookingRequest(
        store_order_id=store_order_id or f"shipment-{uuid.uuid4().hex}",
        method=method,
        origin=Stop(
            name="Toko Kopi Senja",
            phone="6281234567890",
            address="Jl. Medan Merdeka 1",
            point=MONAS,
            note="Counter at the back",
        ),
        destination=Stop(name="Ayu Lestari", phone="6281298765432", address="Jl. Melawai 2", point=to),
        item="2 x Kopi Arabika 250 g",
        value=417_500,
    )


def test_the_distance_is_the_great_circle() -> None:
    assert 7 < haversine_km(MONAS, BLOK_M) < 9
    assert haversine_km(MONAS, MONAS) == 0


async def test_a_trip_in_town_has_both_methods_at_the_tariff_and_a_longer_one_costs_more(courier: Courier) -> None:
    km = math.ceil(MONAS.distance_km(BLOK_M))
    near = await courier.gateway.quote(MONAS, BLOK_M, 1_000)
    assert [(o.method, o.price, o.currency, o.eta) for o in near] == [
        (ShippingMethod.INSTANT, 10_000 + 2_500 * km, "IDR", "1-2 hours"),
        (ShippingMethod.SAME_DAY, 8_000 + 1_500 * km, "IDR", "6-8 hours"),
    ]
    farther = await courier.gateway.quote(MONAS, BOGOR, 20_000)
    assert [o.method for o in farther] == [ShippingMethod.SAME_DAY], "Instant only serves short trips"
    assert farther[0].price == 8_000 + 1_500 * math.ceil(MONAS.distance_km(BOGOR)) > near[1].price


async def test_trips_beyond_reach_and_parcels_too_heavy_or_weightless_have_no_option(courier: Courier) -> None:
    assert await courier.gateway.quote(MONAS, BANDUNG, 1_000) == []
    assert await courier.gateway.quote(MONAS, BLOK_M, 20_001) == []
    assert await courier.gateway.quote(MONAS, BLOK_M, 0) == []


async def test_a_booking_is_confirmed_found_by_its_number_and_never_made_twice(courier: Courier) -> None:
    request = _request()
    booking = await courier.gateway.book(request)
    assert booking.booking_id.startswith("GK-") and booking.status is BookingStatus.CONFIRMED
    assert (booking.store_order_id, booking.method) == (request.store_order_id, ShippingMethod.INSTANT)
    found = await courier.gateway.booking(booking.booking_id)
    assert (found.booking_id, found.store_order_id, found.method, found.status) == (
        booking.booking_id,
        request.store_order_id,
        ShippingMethod.INSTANT,
        BookingStatus.CONFIRMED,
    )
    assert found.price == 10_000 + 2_500 * math.ceil(MONAS.distance_km(BLOK_M))
    again = await courier.gateway.book(request)
    assert (again.booking_id, again.status) == (booking.booking_id, BookingStatus.CONFIRMED)
    other = await courier.gateway.book(_request(ShippingMethod.SAME_DAY, BOGOR))
    assert other.booking_id != booking.booking_id and other.method is ShippingMethod.SAME_DAY
    assert await courier.gateway.booking("GK-11-999999999") is None


async def test_a_route_the_method_does_not_serve_is_refused(courier: Courier) -> None:
    with pytest.raises(ShippingRefused):
        await courier.gateway.book(_request(ShippingMethod.INSTANT, BOGOR))
    with pytest.raises(ShippingRefused):
        await courier.gateway.book(_request(ShippingMethod.SAME_DAY, BANDUNG))


async def test_a_booking_cancels_until_the_driver_has_picked_the_parcel_up(courier: Courier) -> None:
    waiting = await courier.gateway.book(_request())
    cancelled = await courier.gateway.cancel(waiting.booking_id)
    assert (cancelled.booking_id, cancelled.status) == (waiting.booking_id, BookingStatus.CANCELLED)
    assert (await courier.gateway.booking(waiting.booking_id)).status is BookingStatus.CANCELLED
    assert (await courier.gateway.cancel(waiting.booking_id)).status is BookingStatus.CANCELLED, "twice is fine"

    picked = await courier.gateway.book(_request())
    await courier.advance(picked.booking_id, BookingStatus.PICKED)
    with pytest.raises(ShippingRefused):
        await courier.gateway.cancel(picked.booking_id)
    now = await courier.gateway.booking(picked.booking_id)
    assert now.status is BookingStatus.PICKED and now.driver_name and now.driver_phone
    with pytest.raises(ShippingRefused):
        await courier.gateway.cancel("GK-11-999999999")


# The GoSend adapter alone.


async def test_wrong_credentials_or_a_dead_port_make_gosend_unavailable(gosend_sandbox: str) -> None:
    async with gosend_client(gosend_sandbox, GOSEND_CLIENT_ID, "not-the-pass-key") as client:
        with pytest.raises(BackendUnavailable, match="credentials"):
            await GoSendShippingGateway(client).quote(MONAS, BLOK_M, 1_000)
    async with gosend_client(f"http://127.0.0.1:{free_port()}", GOSEND_CLIENT_ID, GOSEND_PASS_KEY) as client:
        gateway = GoSendShippingGateway(client)
        with pytest.raises(BackendUnavailable):
            await gateway.quote(MONAS, BLOK_M, 1_000)
        with pytest.raises(BackendUnavailable):
            await gateway.book(_request())


class FakeGoSend:
    """Just enough of GoSend to fail as the sandbox never does. Unlike the sandbox it books the same
    storeOrderId twice unless `rejects_duplicates` (whether GoSend does is not known). `post_faults`
    says what each booking POST does in turn: "500" (fails, books nothing), "book-then-500",
    "book-then-stall" (books, then answers too late)."""

    def __init__(self) -> None:
        self.post_faults: list[str] = []
        self.get_faults: list[int] = []  # statuses the next GETs answer with instead
        self.refusal: tuple[int, dict[str, Any] | None, dict[str, str]] | None = None  # every POST answers this
        self.rejects_duplicates = False
        self.status = "confirmed"
        self.posts = 0
        self.bookings: list[tuple[str, str]] = []  # (storeOrderId, orderNo)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake.get(self)

            def do_POST(self) -> None:  # noqa: N802
                fake.post(self, json.loads(self.rfile.read(int(self.headers["content-length"]))))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.handle_error = lambda *args: None  # type: ignore[method-assign] # the stalled answer's broken pipe
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def of(self, store_order_id: str) -> list[str]:
        return [order_no for store, order_no in self.bookings if store == store_order_id]

    def get(self, handler: BaseHTTPRequestHandler) -> None:
        if self.get_faults:
            return _answer(handler, self.get_faults.pop(0), {"errors": ["busy"]}, {"Retry-After": "0"})
        if handler.path.startswith("/gokilat/v10/calculate/price"):
            entry = {
                "serviceable": True,
                "active": True,
                "shipment_method_description": "1-2 hours",
                "price": {"total_price": 30_000},
            }
            return _answer(handler, 200, {"Instant": entry, "InstantCar": entry})
        kind, _, key = handler.path.removeprefix("/gokilat/v10/booking/").partition("/")
        found = [(s, o) for s, o in self.bookings if (s if kind == "storeOrderId" else o) == key]
        if not found:
            return _answer(handler, 404, {"errors": ["booking not found"]})
        _answer(
            handler,
            200,
            {
                "orderNo": found[0][1],
                "storeOrderId": found[0][0],
                "status": self.status,
                "bookingType": "Instant",
                "totalPrice": 30_000.0,
                "driverName": "",
            },
        )

    def post(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        self.posts += 1
        if self.refusal is not None:
            return _answer(handler, *self.refusal)
        fault = self.post_faults.pop(0) if self.post_faults else ""
        if fault == "500":
            return _answer(handler, 500, {"errors": ["internal error"]})
        store_order_id = body["routes"][0]["storeOrderId"]
        if self.rejects_duplicates and self.of(store_order_id):
            return _answer(handler, 409, {"errors": ["duplicate storeOrderId"]})
        order_no = f"GK-11-{170_001 + len(self.bookings)}"
        self.bookings.append((store_order_id, order_no))
        if fault == "book-then-500":
            return _answer(handler, 500, {"errors": ["internal error"]})
        if fault == "book-then-stall":
            time.sleep(1.5)
        _answer(handler, 201, {"id": 1, "orderNo": order_no, "bookingType": "Instant", "storeOrderId": store_order_id})

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _answer(
    handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None
) -> None:
    data = b"" if body is None else json.dumps(body).encode()
    handler.send_response(status)
    for name, value in {
        "content-type": "application/json",
        "content-length": str(len(data)),
        **(headers or {}),
    }.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeGoSend, GoSendShippingGateway]]:
    server = FakeGoSend()
    async with gosend_client(server.url, "marketplace-engine", "key") as client:
        client.timeout = httpx.Timeout(0.5)
        yield server, GoSendShippingGateway(client)
    server.close()


async def test_reads_are_retried_and_only_our_methods_are_offered(fake: tuple[FakeGoSend, Any]) -> None:
    server, gateway = fake
    server.get_faults = [500, 503, 429]
    options = await gateway.quote(MONAS, BLOK_M, 1_000)
    assert [(o.method, o.price) for o in options] == [(ShippingMethod.INSTANT, 30_000)]
    server.get_faults = [500] * 4
    with pytest.raises(BackendUnavailable):
        await gateway.quote(MONAS, BLOK_M, 1_000)


@pytest.mark.parametrize("faults", [["500"], ["book-then-500"], ["book-then-stall"], ["500", "book-then-500"]])
async def test_a_booking_that_failed_or_timed_out_is_found_rather_than_made_twice(
    fake: tuple[FakeGoSend, Any], faults: list[str]
) -> None:
    server, gateway = fake
    server.post_faults = list(faults)
    request = _request()
    booking = await gateway.book(request)
    assert server.of(request.store_order_id) == [booking.booking_id]
    assert booking.status is BookingStatus.CONFIRMED
    assert (await gateway.book(request)).booking_id == booking.booking_id
    assert len(server.bookings) == 1


async def test_a_409_for_a_store_order_id_already_booked_gives_that_booking_back(fake: tuple[FakeGoSend, Any]) -> None:
    server, gateway = fake
    request = _request()
    server.bookings.append((request.store_order_id, "GK-11-170563"))
    server.rejects_duplicates = True
    server.get_faults = [404]  # GoSend's lookup does not show it yet
    booking = await gateway.book(request)
    assert (booking.booking_id, server.posts, len(server.bookings)) == ("GK-11-170563", 1, 1)


async def test_a_booking_that_keeps_failing_makes_gosend_unavailable(fake: tuple[FakeGoSend, Any]) -> None:
    server, gateway = fake
    server.post_faults = ["500"] * 4
    with pytest.raises(BackendUnavailable):
        await gateway.book(_request())
    assert server.posts == 4 and server.bookings == []


@pytest.mark.parametrize(
    ("status", "body", "headers", "message"),
    [
        (
            400,
            {"errors": ["destinationLatLong is invalid", "item is too long"]},
            {"Error-Message": "ignored"},
            "destinationLatLong is invalid; item is too long",
        ),
        (422, None, {"Error-Message": "Route is not serviceable"}, "Route is not serviceable"),
        (400, {"errorMessage": "Insufficient balance"}, {}, "Insufficient balance"),
    ],
)
async def test_gosends_reason_for_a_refusal_is_the_message(
    fake: tuple[FakeGoSend, Any], status: int, body: dict[str, Any] | None, headers: dict[str, str], message: str
) -> None:
    server, gateway = fake
    server.refusal = (status, body, headers)
    with pytest.raises(ShippingRefused) as refused:
        await gateway.book(_request())
    assert str(refused.value) == message
    assert server.posts == 1, "a refusal is not retried"


async def test_a_status_the_adapter_does_not_know_is_a_courier_failure_not_a_guess(
    fake: tuple[FakeGoSend, Any],
) -> None:
    server, gateway = fake
    booking = await gateway.book(_request())
    found = await gateway.booking(booking.booking_id)
    assert (found.price, found.driver_name) == (30_000, None)
    server.status = "driver_arrived"
    with pytest.raises(BackendUnavailable, match="status"):
        await gateway.booking(booking.booking_id)
