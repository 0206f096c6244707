"""The sandbox's own routes, open, for people and tests (docs/api.md, "Built-in provider sandboxes"): move a
booking, list bookings, see and resend webhooks, and the live tracking page."""

from __future__ import annotations

from marketplace.adapters.sandbox.asgi import Request, Response, Router, html_response, json_response
from marketplace.adapters.sandbox.gosend.errors import GoSendError, bad_request
from marketplace.adapters.sandbox.gosend.page import missing_page, tracking_page
from marketplace.adapters.sandbox.gosend.service import GoSendSandboxService
from marketplace.adapters.sandbox.gosend.validation import json_object
from marketplace.domain.shipping.status import BookingStatus

STATUSES = ", ".join(s.value for s in BookingStatus)


def register(router: Router, service: GoSendSandboxService) -> None:
    control = GoSendControl(service)
    router.add("POST", "/_sandbox/bookings/{order_no}/advance", control.advance)
    router.add("GET", "/_sandbox/bookings", control.bookings)
    router.add("GET", "/_sandbox/callbacks", control.callbacks)
    router.add("POST", "/_sandbox/callbacks/{delivery_id}/resend", control.resend)
    router.add("GET", "/_sandbox/track/{order_no}", control.track)


class GoSendControl:
    def __init__(self, service: GoSendSandboxService) -> None:
        self._service = service

    async def advance(self, request: Request) -> Response:
        """Optional `{"status": "..."}`: without it the next happy-path status. 400 for an unknown status,
        404 for an unknown booking, 409 for a move the rules forbid."""
        given = json_object(request.body, empty_allowed=True).get("status")
        target = None
        if given is not None:
            if not isinstance(given, str) or given not in BookingStatus._value2member_map_:
                raise bad_request(f"status must be one of {STATUSES}")
            target = BookingStatus(given)
        return json_response(self._service.advance(request.params["order_no"], target).to_json())

    async def bookings(self, request: Request) -> Response:
        return json_response({"data": [b.to_json() for b in self._service.bookings()]})

    async def callbacks(self, request: Request) -> Response:
        """Every webhook sent (the latest 1000), oldest first, with each attempt's answer or error."""
        subject = request.arg("subject_id")
        found = [d for d in self._service.callbacks.deliveries() if subject is None or d.subject_id == subject]
        return json_response({"data": [d.to_json() for d in found]})

    async def resend(self, request: Request) -> Response:
        return json_response(self._service.resend(request.params["delivery_id"]).to_json())

    async def track(self, request: Request) -> Response:
        try:
            booking = self._service.booking(request.params["order_no"])
        except GoSendError:
            return html_response(missing_page(request.params["order_no"]), 404)
        return html_response(tracking_page(booking))
