"""Xendit's invoice, refund and payout callbacks read into the application's provider reports.

Bodies as docs/providers.md ("Xendit callbacks", "Xendit refunds", "Xendit payouts") describes them:
the invoice flat, a refund in an `{event, data}` envelope, a payout in one when there is one. What
cannot be reported on (no id, no status) is `InvalidValue`, which the HTTP layer answers with 422.
"""

from __future__ import annotations

from typing import Any

from marketplace.adapters.xendit.payments import INVOICE_STATUS, REFUND_STATUS
from marketplace.adapters.xendit.payouts import PAYOUT_STATUS
from marketplace.application.ports.provider_reports import InvoiceReport, Payload, PayoutReport, RefundReport
from marketplace.domain.ordering.checkout import RefundState
from marketplace.domain.shared.errors import InvalidValue

PROVIDER = "xendit"
REFUND_EVENTS = {"refund.succeeded": RefundState.SUCCEEDED, "refund.failed": RefundState.FAILED}


def _text(payload: Payload, name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidValue(name, "is missing or not a string")
    return value


def _amount(payload: Payload, name: str) -> int | None:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _given(payload: Payload, name: str) -> str | None:
    """A field's value as text, None only when it is absent."""
    return str(payload[name]) if name in payload else None


def invoice_report(payload: Payload) -> InvoiceReport:
    """A flat invoice callback (`id`, `external_id`, `status`, `amount`, `paid_amount`, `currency`, ...)."""
    invoice_id, status_text = _text(payload, "id"), _text(payload, "status").upper()
    invoice_url = payload.get("invoice_url")
    external_id = payload.get("external_id")
    return InvoiceReport(
        provider=PROVIDER,
        invoice_id=invoice_id,
        status=INVOICE_STATUS.get(status_text),
        status_text=status_text,
        external_id=None if external_id is None else str(external_id),
        amount=_amount(payload, "amount"),
        paid_amount=_amount(payload, "paid_amount"),
        currency=_given(payload, "currency"),
        invoice_url=invoice_url if isinstance(invoice_url, str) else "",
        payload=payload,
    )


def refund_report(payload: Payload) -> RefundReport:
    """A refund event, `{event, data: {id, invoice_id, status, amount, currency, reference_id}}`: the event's
    name decides, else the refund's own status."""
    event, data = payload.get("event"), payload.get("data")
    if not isinstance(data, dict):
        raise InvalidValue("data", "is missing")
    refund_id = _text(data, "id")
    invoice_id, currency, reason = data.get("invoice_id"), data.get("currency"), data.get("reason")
    return RefundReport(
        provider=PROVIDER,
        refund_id=refund_id,
        state=REFUND_EVENTS.get(str(event)) or REFUND_STATUS.get(str(data.get("status", "")).upper()),
        status_text=str(event),
        invoice_id=invoice_id if isinstance(invoice_id, str) else None,
        reference=str(data.get("reference_id", "")),
        amount=_amount(data, "amount"),
        currency=str(currency) if currency else None,
        reason=str(reason) if reason else None,
        payload=payload,
    )


def payout_report(payload: Payload) -> PayoutReport:
    """A payout event: the payout is `data` when there is one, else the body itself; its `status` decides."""
    data: Payload = payload["data"] if isinstance(payload.get("data"), dict) else payload
    provider_id, reference = data.get("id"), data.get("reference_id")
    if not isinstance(provider_id, str) or not provider_id or len(provider_id) > 100:
        raise InvalidValue("data.id", "is missing")
    status_text = str(data.get("status", "")).upper()
    failure: Any = data.get("failure_code")
    return PayoutReport(
        provider=PROVIDER,
        payout_id=provider_id,
        reference=reference if isinstance(reference, str) else None,
        status=PAYOUT_STATUS.get(status_text),
        status_text=status_text,
        amount=_amount(data, "amount"),
        failure_code=str(failure) if failure else None,
        payload=payload,
    )
