"""Provider callbacks: Xendit invoices, refunds and payouts; GoSend booking events.

The token is compared in constant time before anything is read; a wrong one is 401 and changes
nothing. The provider's adapter reads the body into a report (malformed: 422), which the use case
applies. A callback about something we do not know is acknowledged (200) and recorded, so the
provider stops retrying and a person can look.
"""

from __future__ import annotations

import hmac
from typing import Any

import msgspec
from litestar import Controller, Request, post

from marketplace.adapters.gosend import callbacks as gosend
from marketplace.adapters.xendit import callbacks as xendit
from marketplace.application.errors import Unauthenticated
from marketplace.domain.shared.errors import InvalidValue
from marketplace.entrypoints.http.controllers._types import Svc
from marketplace.entrypoints.http.problems import problem_responses


class Acknowledged(msgspec.Struct, frozen=True):
    received: bool
    outcome: str


def _check_token(request: Request[Any, Any, Any], expected: str, header: str = "x-callback-token") -> None:
    given = request.headers.get(header, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthenticated(f"the {header} header is missing or wrong")


async def _payload(request: Request[Any, Any, Any]) -> dict[str, Any]:
    try:
        payload = msgspec.json.decode(await request.body())
    except msgspec.DecodeError:
        raise InvalidValue("body", "is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidValue("body", "must be a JSON object")
    return payload


class XenditWebhookController(Controller):
    path = "/api/v1/webhooks/xendit"
    tags = ["Webhooks"]

    @post(
        "/invoice",
        status_code=200,
        operation_id="xenditInvoiceCallback",
        summary="Xendit invoice callback (PAID / EXPIRED); needs x-callback-token",
        responses=problem_responses(401, 422),
    )
    async def invoice(self, request: Request[Any, Any, Any], services: Svc) -> Acknowledged:
        _check_token(request, request.app.state.settings.xendit_token)
        outcome = await services.receive_callback.invoice(xendit.invoice_report(await _payload(request)))
        return Acknowledged(received=True, outcome=outcome)

    @post(
        "/refund",
        status_code=200,
        operation_id="xenditRefundCallback",
        summary="Xendit refund event (refund.succeeded / refund.failed); needs x-callback-token",
        responses=problem_responses(401, 422),
    )
    async def refund(self, request: Request[Any, Any, Any], services: Svc) -> Acknowledged:
        _check_token(request, request.app.state.settings.xendit_token)
        outcome = await services.receive_callback.refund(xendit.refund_report(await _payload(request)))
        return Acknowledged(received=True, outcome=outcome)


class XenditPayoutWebhookController(Controller):
    path = "/api/v1/webhooks/xendit/payout"
    tags = ["Webhooks"]

    @post(
        "/",
        status_code=200,
        operation_id="xenditPayoutCallback",
        summary="Xendit payout event (payout.succeeded / payout.failed); needs x-callback-token",
        responses=problem_responses(401, 422),
    )
    async def payout(self, request: Request[Any, Any, Any], services: Svc) -> Acknowledged:
        _check_token(request, request.app.state.settings.xendit_token)
        outcome = await services.payout_callbacks.receive(xendit.payout_report(await _payload(request)))
        return Acknowledged(received=True, outcome=outcome)


class GoSendWebhookController(Controller):
    path = "/api/v1/webhooks/gosend"
    tags = ["Webhooks"]

    @post(
        "/",
        status_code=200,
        operation_id="gosendBookingEvent",
        summary="GoSend booking event; needs the token in MARKETPLACE_GOSEND_WEBHOOK_HEADER (Authorization)",
        responses=problem_responses(401, 409, 422),
    )
    async def booking_event(self, request: Request[Any, Any, Any], services: Svc) -> Acknowledged:
        settings = request.app.state.settings
        _check_token(request, settings.gosend_token, settings.gosend_webhook_header.lower())
        outcome = await services.shipment_reports.webhook(gosend.booking_report(await _payload(request)))
        return Acknowledged(received=True, outcome=outcome)
