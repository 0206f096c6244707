"""The JSON the provider callbacks read (docs/providers.md), as JSON Schema for the OpenAPI document.

The handlers read the raw body, so Litestar documents none; these say what the use cases check:
the fields they need, as non-blank strings. Everything else a provider sends is kept as it came
(recorded with the callback), so further fields are open.
"""

from __future__ import annotations

from typing import Any

from marketplace.entrypoints.http.schemas.patterns import NOT_BLANK


def _text(max_length: int, description: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": max_length}
    return {**found, "description": description} if description else found


_NOT_BLANK = {"type": "string", "pattern": NOT_BLANK}
_INVOICE = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {
        "id": _text(200, "Xendit's invoice id"),
        "status": _text(200, "PAID, SETTLED, EXPIRED or PENDING; any other is recorded as unmatched"),
        "external_id": {"description": "our checkout's id"},
        "amount": {"description": "must equal the checkout's amount, or the checkout is flagged"},
    },
}
_REFUND = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "event": {"description": "refund.succeeded or refund.failed"},
        "data": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": _text(200, "Xendit's refund id"),
                "invoice_id": {"description": "the invoice the refund is of"},
            },
        },
    },
}
_PAYOUT_ID = _text(100, "Xendit's payout id")
_PAYOUT = {  # the event's `data`, or (older callbacks) the payout itself at the top
    "anyOf": [
        {
            "type": "object",
            "required": ["data"],
            "properties": {"data": {"type": "object", "required": ["id"], "properties": {"id": _PAYOUT_ID}}},
        },
        {"type": "object", "required": ["id"], "properties": {"id": _PAYOUT_ID, "data": {"not": {"type": "object"}}}},
    ]
}
_GOSEND = {
    "type": "object",
    "allOf": [
        {
            "anyOf": [
                {"required": ["booking_id"], "properties": {"booking_id": _NOT_BLANK}},
                {"required": ["entity_id"], "properties": {"entity_id": _NOT_BLANK}},
            ]
        },
        {
            "anyOf": [
                {"required": ["status"], "properties": {"status": _NOT_BLANK}},
                {"required": ["booking_status"], "properties": {"booking_status": _NOT_BLANK}},
            ]
        },
    ],
    "properties": {"event_date": {"description": "epoch milliseconds"}},
}
PAYLOADS: dict[str, dict[str, Any]] = {
    "xenditInvoiceCallback": _INVOICE,
    "xenditRefundCallback": _REFUND,
    "xenditPayoutCallback": _PAYOUT,
    "gosendBookingEvent": _GOSEND,
}
