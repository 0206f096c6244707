"""GoSend's own routes (docs/providers.md, "GoSend price estimate" to "GoSend booking status"): price
estimate, booking, status by order number or by storeOrderId, cancel. `Client-ID`/`Pass-Key` are checked
around them by the app."""

from __future__ import annotations

from marketplace.adapters.sandbox.asgi import Request, Response, Router, json_response
from marketplace.adapters.sandbox.gosend.errors import bad_request
from marketplace.adapters.sandbox.gosend.pricing import estimate, parse_point
from marketplace.adapters.sandbox.gosend.service import GoSendSandboxService
from marketplace.adapters.sandbox.gosend.validation import json_object, payment_type, validate_booking

BASE = "/gokilat/v10"


def register(router: Router, service: GoSendSandboxService) -> None:
    api = GoSendApi(service)
    router.add("GET", f"{BASE}/calculate/price", api.estimate, guarded=True)
    router.add("POST", f"{BASE}/booking", api.book, guarded=True)
    router.add("PUT", f"{BASE}/booking/cancel", api.cancel, guarded=True)
    for spelling in ("orderno", "orderNo"):  # integrations use both (docs/providers.md, "GoSend booking status")
        router.add("GET", f"{BASE}/booking/{spelling}/{{order_no}}", api.by_order_no, guarded=True)
    router.add("GET", f"{BASE}/booking/storeOrderId/{{store_order_id}}", api.by_store_order_id, guarded=True)


class GoSendApi:
    def __init__(self, service: GoSendSandboxService) -> None:
        self._service = service

    async def estimate(self, request: Request) -> Response:
        """`?origin=lat,long&destination=lat,long&paymentType=3` -> `{"Instant": {...}, "SameDay": {...}}`."""
        origin, destination = parse_point(request.arg("origin")), parse_point(request.arg("destination"))
        errors = [
            f'{name} must be "lat,long" in decimal degrees, e.g. "-6.1754,106.8272"'
            for name, point in (("origin", origin), ("destination", destination))
            if point is None
        ]
        if payment_type(request.arg("paymentType")) is None:
            errors.append("paymentType must be an integer (3: corporate account)")
        if errors or origin is None or destination is None:
            raise bad_request(*errors)
        return json_response(estimate(origin, destination))

    async def book(self, request: Request) -> Response:
        booking = self._service.book(validate_booking(json_object(request.body)))
        return json_response(
            {
                "id": booking.id,
                "orderNo": booking.order_no,
                "bookingType": booking.booking_type,
                "storeOrderId": booking.fields.store_order_id,
            },
            201,
        )

    async def by_order_no(self, request: Request) -> Response:
        return json_response(self._service.booking(request.params["order_no"]).to_json())

    async def by_store_order_id(self, request: Request) -> Response:
        return json_response(self._service.booking_by_store_order_id(request.params["store_order_id"]).to_json())

    async def cancel(self, request: Request) -> Response:
        """`{"orderNo": "GK-..."}` -> `{"statusCode": 200, "message": "Booking cancelled"}`."""
        order_no = json_object(request.body).get("orderNo")
        if not isinstance(order_no, str) or not order_no.strip():
            raise bad_request("orderNo must be a booking's order number, e.g. GK-11-170001")
        self._service.cancel(order_no)
        return json_response({"statusCode": 200, "message": "Booking cancelled"})
