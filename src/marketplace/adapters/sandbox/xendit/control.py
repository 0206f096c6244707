"""The sandbox's own routes, for people and tests (docs/api.md, "Built-in provider sandboxes"): the hosted
page with its Pay button, pay/expire an invoice, settle a refund, move a payout along, and the record of
callbacks sent."""

from __future__ import annotations

from typing import Any

from marketplace.adapters.sandbox.asgi import Request, Response, Router, html_response, json_response, redirect
from marketplace.adapters.sandbox.xendit.errors import XenditError, validation_error
from marketplace.adapters.sandbox.xendit.page import MERCHANT_SVG, invoice_page, missing_page
from marketplace.adapters.sandbox.xendit.payouts import PAYOUT_FAILURE_CODES
from marketplace.adapters.sandbox.xendit.service import XenditSandboxService
from marketplace.adapters.sandbox.xendit.validation import is_number, json_object

DEFAULT_CHANNEL = "BCA"


def register(router: Router, service: XenditSandboxService) -> None:
    control = XenditControl(service)
    router.add("GET", "/web/assets/merchant.svg", control.merchant_picture)
    router.add("GET", "/web/{invoice_id}", control.page)
    router.add("POST", "/_sandbox/invoices/{invoice_id}/pay", control.pay)
    router.add("POST", "/_sandbox/invoices/{invoice_id}/expire", control.expire)
    router.add("POST", "/_sandbox/refunds/{refund_id}/succeed", control.succeed)
    router.add("POST", "/_sandbox/refunds/{refund_id}/fail", control.fail)
    router.add("POST", "/_sandbox/payouts/{payout_id}/succeed", control.payout_succeeds)
    router.add("POST", "/_sandbox/payouts/{payout_id}/fail", control.payout_fails)
    router.add("POST", "/_sandbox/payouts/{payout_id}/request", control.payout_requested)
    router.add("POST", "/_sandbox/payouts/{payout_id}/reverse", control.payout_reversed)
    router.add("GET", "/_sandbox/callbacks", control.callbacks)


class XenditControl:
    def __init__(self, service: XenditSandboxService) -> None:
        self._service = service

    async def page(self, request: Request) -> Response:
        try:
            invoice = self._service.invoice(request.params["invoice_id"])
        except XenditError:
            return html_response(missing_page(request.params["invoice_id"]), 404)
        return html_response(invoice_page(invoice))

    async def merchant_picture(self, request: Request) -> Response:
        return Response(200, MERCHANT_SVG.encode(), "image/svg+xml")

    async def pay(self, request: Request) -> Response:
        """PENDING -> PAID and its callback. Optional `payment_channel` (BCA by default) and `paid_amount`,
        as JSON or as the page's form; the form is answered with a redirect back to the page."""
        invoice_id = request.params["invoice_id"]
        fields: dict[str, Any] = request.form() if request.is_form else json_object(request.body)
        channel = fields.get("payment_channel") or DEFAULT_CHANNEL
        paid_amount = None if request.is_form else fields.get("paid_amount")
        if not isinstance(channel, str) or channel not in self._service.invoice(invoice_id).channels():
            raise validation_error([{"path": "payment_channel", "message": "is not a channel this invoice offers"}])
        if paid_amount is not None and (not is_number(paid_amount) or paid_amount <= 0):
            raise validation_error([{"path": "paid_amount", "message": "must be a number greater than 0"}])
        if not request.is_form:
            return json_response(self._service.pay(invoice_id, channel, paid_amount).to_json())
        try:
            self._service.pay(invoice_id, channel)
        except XenditError as refused:
            if refused.status == 404:
                raise
        # Relative to /_sandbox/invoices/{id}/pay: back to /web/{id} at any mount point. A stale page
        # posted again lands on the page too, which shows what the invoice became.
        return redirect(f"../../../web/{invoice_id}")

    async def expire(self, request: Request) -> Response:
        return json_response(self._service.force_expire(request.params["invoice_id"]).to_json())

    async def succeed(self, request: Request) -> Response:
        return json_response(self._service.settle(request.params["refund_id"], True).to_json())

    async def fail(self, request: Request) -> Response:
        return json_response(self._service.settle(request.params["refund_id"], False).to_json())

    async def payout_succeeds(self, request: Request) -> Response:
        return json_response(self._service.settle_payout(request.params["payout_id"], True).to_json())

    async def payout_fails(self, request: Request) -> Response:
        """Optional JSON `{"failure_code": ...}`, one of Xendit's payout failure codes (TRANSFER_ERROR by default)."""
        code = json_object(request.body).get("failure_code") or "TRANSFER_ERROR"
        if code not in PAYOUT_FAILURE_CODES:
            raise validation_error(
                [{"path": "failure_code", "message": f"must be among {', '.join(PAYOUT_FAILURE_CODES)}"}]
            )
        return json_response(self._service.settle_payout(request.params["payout_id"], False, code).to_json())

    async def payout_requested(self, request: Request) -> Response:
        return json_response(self._service.request_payout(request.params["payout_id"]).to_json())

    async def payout_reversed(self, request: Request) -> Response:
        return json_response(self._service.reverse_payout(request.params["payout_id"]).to_json())

    async def callbacks(self, request: Request) -> Response:
        """Every callback sent (the latest 1000), oldest first, with each attempt's answer or error."""
        subject = request.arg("subject_id")
        found = [d for d in self._service.callbacks.deliveries() if subject is None or d.subject_id == subject]
        return json_response({"data": [d.to_json() for d in found]})
