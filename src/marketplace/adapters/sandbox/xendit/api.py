"""Xendit's own routes: Invoices v2, Refunds and Payouts v2, with its idempotency keys and list filters
(docs/providers.md: "Xendit invoices", "Xendit idempotency", "Xendit payouts", "Xendit refunds"). Authentication
and rate limits are applied around them by the app."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

import msgspec

from marketplace.adapters.sandbox.asgi import Request, Response, Router, json_response
from marketplace.adapters.sandbox.xendit.errors import validation_error
from marketplace.adapters.sandbox.xendit.payouts import PayoutRecord, validate_payout
from marketplace.adapters.sandbox.xendit.records import InvoiceRecord, RefundRecord
from marketplace.adapters.sandbox.xendit.service import XenditSandboxService
from marketplace.adapters.sandbox.xendit.validation import json_object, validate_invoice, validate_refund

INVOICE_STATUSES = ("PENDING", "PAID", "SETTLED", "EXPIRED")
DEFAULT_LIMIT, MAX_LIMIT = 10, 100  # Xendit's list page sizes are not known (docs/providers.md); these are assumed
InvoiceTime = Callable[[InvoiceRecord], datetime | None]
TIME_FILTERS: dict[str, InvoiceTime] = {
    "created": lambda i: i.created,
    "paid": lambda i: i.payment.at if i.payment else None,
    "expired": lambda i: i.updated if i.status == "EXPIRED" else None,
}


def register(router: Router, service: XenditSandboxService) -> None:
    api = XenditApi(service)
    router.add("POST", "/v2/invoices", api.create_invoice, guarded=True)
    router.add("GET", "/v2/invoices", api.list_invoices, guarded=True)
    router.add("GET", "/v2/invoices/{invoice_id}", api.get_invoice, guarded=True)
    router.add("POST", "/invoices/{invoice_id}/expire!", api.expire_invoice, guarded=True)
    router.add("POST", "/refunds", api.create_refund, guarded=True)
    router.add("GET", "/refunds", api.list_refunds, guarded=True)
    router.add("GET", "/refunds/{refund_id}", api.get_refund, guarded=True)
    router.add("POST", "/v2/payouts", api.create_payout, guarded=True)
    router.add("GET", "/v2/payouts", api.list_payouts, guarded=True)
    router.add("GET", "/v2/payouts/{payout_id}", api.get_payout, guarded=True)
    router.add("POST", "/v2/payouts/{payout_id}/cancel", api.cancel_payout, guarded=True)


class XenditApi:
    def __init__(self, service: XenditSandboxService) -> None:
        self._service = service
        self._ledger = service.ledger

    async def create_invoice(self, request: Request) -> Response:
        body = json_object(request.body)
        key, fingerprint = _idempotency(request, "x-idempotency-key", body)
        earlier = None if key is None else self._ledger.recall("invoices", key, fingerprint)
        if earlier is not None:
            return json_response(self._service.invoice(earlier).to_json())
        invoice = self._service.create_invoice(validate_invoice(body))
        if key is not None:
            self._ledger.remember("invoices", key, fingerprint, invoice.id)
        return json_response(invoice.to_json())

    async def get_invoice(self, request: Request) -> Response:
        return json_response(self._service.invoice(request.params["invoice_id"]).to_json())

    async def list_invoices(self, request: Request) -> Response:
        """A JSON array, newest first; `last_invoice_id` (or the SDK's `last_invoice`) continues after that one."""
        statuses, limit = _statuses(request), _limit(request)
        external_id = request.arg("external_id")
        bounds = {name: (_time(request, f"{name}_after"), _time(request, f"{name}_before")) for name in TIME_FILTERS}
        found = [
            i
            for i in self._service.invoices()
            if (external_id is None or i.external_id == external_id)
            and (not statuses or i.status in statuses)
            and _within(i, bounds)
        ]
        cursor = request.arg("last_invoice_id") or request.arg("last_invoice")
        if cursor:
            ids = [i.id for i in found]
            found = found[ids.index(cursor) + 1 :] if cursor in ids else []
        return json_response([i.to_json() for i in found[:limit]])

    async def expire_invoice(self, request: Request) -> Response:
        return json_response(self._service.expire(request.params["invoice_id"]).to_json())

    async def create_refund(self, request: Request) -> Response:
        body = json_object(request.body)
        key, fingerprint = _idempotency(request, "idempotency-key", body)
        earlier = None if key is None else self._ledger.recall("refunds", key, fingerprint)
        if earlier is not None:
            return json_response(self._ledger.refund(earlier).to_json())
        refund = self._service.create_refund(validate_refund(body))
        if key is not None:
            self._ledger.remember("refunds", key, fingerprint, refund.id)
        return json_response(refund.to_json())

    async def get_refund(self, request: Request) -> Response:
        return json_response(self._ledger.refund(request.params["refund_id"]).to_json())

    async def list_refunds(self, request: Request) -> Response:
        """`{"data": [...], "has_more": bool}` (the SDKs' RefundList), newest first; `after_id` pages on."""
        limit = _limit(request)
        filters = {name: request.arg(name) for name in ("invoice_id", "channel_code", "payment_method_type")}
        found: list[RefundRecord] = (
            []
            if request.arg("payment_request_id")
            else [
                r
                for r in self._ledger.refunds()
                if all(value is None or getattr(r, name) == value for name, value in filters.items())
            ]
        )
        after = request.arg("after_id")
        if after:
            ids = [r.id for r in found]
            found = found[ids.index(after) + 1 :] if after in ids else []
        page = found[:limit]
        return json_response({"data": [r.to_json() for r in page], "has_more": len(found) > len(page)})

    async def create_payout(self, request: Request) -> Response:
        """`Idempotency-key` is required here (Payouts v2); the same key with the same body gives the payout
        made for it, with another body 409 DUPLICATE_ERROR."""
        if request.header("idempotency-key") is None:
            raise validation_error([{"path": "Idempotency-key", "message": "header is required for payouts"}])
        body = json_object(request.body)
        key, fingerprint = _idempotency(request, "idempotency-key", body)
        earlier = None if key is None else self._ledger.recall("payouts", key, fingerprint)
        if earlier is not None:
            return json_response(self._ledger.payout(earlier).to_json())
        payout = self._service.create_payout(validate_payout(body))
        if key is not None:
            self._ledger.remember("payouts", key, fingerprint, payout.id)
        return json_response(payout.to_json())

    async def get_payout(self, request: Request) -> Response:
        return json_response(self._ledger.payout(request.params["payout_id"]).to_json())

    async def list_payouts(self, request: Request) -> Response:
        """`{"data": [...], "has_more": bool, "links"?}` (the SDKs' GetPayouts200Response) for a required
        `reference_id`, newest first; `after_id` pages on, `before_id` back. `links` (the next page) only
        when there is more: its shape beyond `href`, `rel`, `method` is not documented."""
        reference_id = request.arg("reference_id")
        if reference_id is None:
            raise validation_error([{"path": "reference_id", "message": "is required"}])
        limit = _limit(request)
        found: list[PayoutRecord] = [p for p in self._ledger.payouts() if p.reference_id == reference_id]
        ids = [p.id for p in found]
        after, before = request.arg("after_id"), request.arg("before_id")
        if after:
            found = found[ids.index(after) + 1 :] if after in ids else []
            page = found[:limit]
        elif before:
            found = found[: ids.index(before)] if before in ids else []
            page = found[-limit:]
        else:
            page = found[:limit]
        answer: dict[str, object] = {"data": [p.to_json() for p in page], "has_more": len(found) > len(page)}
        if answer["has_more"] and page and not before:
            query = urlencode({"reference_id": reference_id, "limit": limit, "after_id": page[-1].id})
            answer["links"] = {"href": f"/v2/payouts?{query}", "rel": "next", "method": "GET"}
        return json_response(answer)

    async def cancel_payout(self, request: Request) -> Response:
        return json_response(self._service.cancel_payout(request.params["payout_id"]).to_json())


def _idempotency(request: Request, header: str, body: object) -> tuple[str | None, bytes]:
    key = request.header(header)
    if key is None:
        return None, b""
    if not key.strip() or len(key) > 100:
        raise validation_error([{"path": header, "message": "must have 1 to 100 characters"}])
    return key, msgspec.json.encode(body, order="sorted")


def _statuses(request: Request) -> set[str]:
    """`statuses` repeated, as `statuses[]`, comma separated or as a JSON array: clients send all of these."""
    given = request.query.get("statuses", []) + request.query.get("statuses[]", [])
    statuses = {word.upper() for value in given for word in re.findall(r"[A-Za-z]+", value)}
    unknown = statuses.difference(INVOICE_STATUSES)
    if unknown:
        raise validation_error([{"path": "statuses", "message": f"must be among {', '.join(INVOICE_STATUSES)}"}])
    return statuses


def _limit(request: Request) -> int:
    text = request.arg("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise validation_error([{"path": "limit", "message": f"must be a whole number from 1 to {MAX_LIMIT}"}])
    return int(text)


def _time(request: Request, name: str) -> datetime | None:
    text = request.arg(name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise validation_error([{"path": name, "message": "must be an ISO 8601 date-time"}]) from None
    if moment.tzinfo is None:
        raise validation_error([{"path": name, "message": "must carry a time zone (e.g. Z)"}])
    return moment


def _within(invoice: InvoiceRecord, bounds: dict[str, tuple[datetime | None, datetime | None]]) -> bool:
    for name, (after, before) in bounds.items():
        if after is None and before is None:
            continue
        moment = TIME_FILTERS[name](invoice)
        if moment is None or (after is not None and moment < after) or (before is not None and moment > before):
            return False
    return True
