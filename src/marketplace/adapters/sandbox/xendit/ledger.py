"""All state of a Xendit sandbox and the rules on it: invoices, refunds, payouts, idempotency keys.

Every method runs to completion without awaiting, so on one event loop each change is applied
whole before another request is looked at: that, not a lock, is what keeps the state consistent.
Each record changed is handed to `keep` (the sandbox's StateFile) as soon as the change is whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import msgspec

from marketplace.adapters.sandbox.state import Keep, forget
from marketplace.adapters.sandbox.xendit.errors import XenditError, validation_error
from marketplace.adapters.sandbox.xendit.payouts import PayoutFields, PayoutRecord, new_payout_id
from marketplace.adapters.sandbox.xendit.records import (
    REFUND_METHOD_TYPE,
    Amount,
    InvoiceRecord,
    Payment,
    RefundRecord,
    new_invoice_id,
    new_refund_id,
)
from marketplace.adapters.sandbox.xendit.validation import InvoiceFields, RefundFields, in_currency

KINDS = {"invoices": InvoiceRecord, "refunds": RefundRecord, "payouts": PayoutRecord, "keys": tuple[bytes, str]}


class XenditLedger:
    def __init__(self, *, business_id: str, merchant_name: str, base_url: str, keep: Keep = forget) -> None:
        self.business_id, self._merchant_name, self._base_url = business_id, merchant_name, base_url
        self._keep = keep
        self._invoices: dict[str, InvoiceRecord] = {}
        self._refunds: dict[str, RefundRecord] = {}
        self._payouts: dict[str, PayoutRecord] = {}
        self._keys: dict[str, tuple[bytes, str]] = {}  # "<scope>:<idempotency key>" -> (body fingerprint, id)

    def restore(self, records: Mapping[str, Mapping[str, msgspec.Raw]]) -> None:
        """Takes back what `everything` gave to be kept."""
        tables: dict[str, dict[str, Any]] = {
            "invoices": self._invoices,
            "refunds": self._refunds,
            "payouts": self._payouts,
            "keys": self._keys,
        }
        for kind, table in tables.items():
            for key, raw in records.get(kind, {}).items():
                table[key] = msgspec.json.decode(raw, type=KINDS[kind])

    def everything(self) -> dict[str, Mapping[str, Any]]:
        return {"invoices": self._invoices, "refunds": self._refunds, "payouts": self._payouts, "keys": self._keys}

    def create_invoice(self, fields: InvoiceFields, now: datetime) -> InvoiceRecord:
        invoice_id = new_invoice_id()
        invoice = InvoiceRecord(
            id=invoice_id,
            external_id=fields.external_id,
            user_id=self.business_id,
            merchant_name=self._merchant_name,
            merchant_profile_picture_url=f"{self._base_url}/web/assets/merchant.svg",
            amount=fields.amount,
            currency=fields.currency,
            invoice_url=f"{self._base_url}/web/{invoice_id}",
            created=now,
            expiry_date=now + timedelta(seconds=fields.duration_seconds),
            options=fields.options,
        )
        self._invoices[invoice_id] = invoice
        self._keep("invoices", invoice_id, invoice)
        return invoice

    def invoice(self, invoice_id: str) -> InvoiceRecord:
        found = self._invoices.get(invoice_id)
        if found is None:
            raise XenditError(404, "INVOICE_NOT_FOUND_ERROR", f"Could not find invoice with id {invoice_id}")
        return found

    def invoices(self) -> list[InvoiceRecord]:
        """Newest first, as Xendit lists them."""
        return list(reversed(self._invoices.values()))

    def expire(self, invoice: InvoiceRecord, now: datetime) -> bool:
        """PENDING -> EXPIRED; False (and no change) for an invoice in any other state."""
        if invoice.status != "PENDING":
            return False
        invoice.status, invoice.updated = "EXPIRED", now
        self._keep("invoices", invoice.id, invoice)
        return True

    def pay(self, invoice: InvoiceRecord, channel: str, paid_amount: Amount | None, now: datetime) -> bool:
        """PENDING -> PAID through `channel`; False (and no change) for an invoice in any other state."""
        if invoice.status != "PENDING":
            return False
        amount = invoice.amount if paid_amount is None else in_currency(paid_amount, invoice.currency)
        invoice.payment = Payment(amount, now, channel, invoice.destination(channel), f"py-{uuid.uuid4()}")
        invoice.status, invoice.updated = "PAID", now
        self._keep("invoices", invoice.id, invoice)
        return True

    def create_refund(self, fields: RefundFields, now: datetime) -> RefundRecord:
        if fields.invoice_id is None:
            raise XenditError(404, "DATA_NOT_FOUND", "this sandbox has no payment requests; refund an invoice_id")
        invoice = self._invoices.get(fields.invoice_id)
        if invoice is None:
            raise XenditError(404, "DATA_NOT_FOUND", f"no paid invoice has id {fields.invoice_id}")
        paid = invoice.payment
        if invoice.status not in ("PAID", "SETTLED") or paid is None:
            # Xendit's code for this; its QR refund docs answer it with 403, but 400 keeps it a refusal of
            # this request for clients (ours included) that read every 403 as a refused key.
            raise XenditError(
                400,
                "INELIGIBLE_TRANSACTION",
                f"invoice {invoice.id} is {invoice.status}: only a paid invoice can be refunded",
            )
        if fields.currency is not None and fields.currency != invoice.currency:
            raise validation_error([{"path": "currency", "message": f"must be the invoice's {invoice.currency}"}])
        remaining = paid.amount - self.refunded(invoice.id)
        amount = remaining if fields.amount is None else in_currency(fields.amount, invoice.currency)
        if amount <= 0 and fields.amount is not None:
            raise validation_error([{"path": "amount", "message": "must be greater than 0"}])
        if amount > remaining or remaining <= 0:
            raise XenditError(
                400,
                "MAXIMUM_REFUND_AMOUNT_REACHED",
                f"the refund amount {amount} is greater than the {remaining} left to refund",
            )
        refund = RefundRecord(
            id=new_refund_id(),
            invoice_id=invoice.id,
            payment_id=paid.payment_id,
            amount=amount,
            currency=invoice.currency,
            channel_code=paid.channel,
            payment_method_type=REFUND_METHOD_TYPE[paid.method],
            reason=fields.reason,
            reference_id=fields.reference_id,
            metadata=fields.metadata,
            created=now,
            updated=now,
        )
        self._refunds[refund.id] = refund
        self._keep("refunds", refund.id, refund)
        return refund

    def refunded(self, invoice_id: str) -> Amount:
        """What is refunded or on its way back: pending and succeeded refunds of the invoice."""
        total = sum(r.amount for r in self._refunds.values() if r.invoice_id == invoice_id and r.status != "FAILED")
        return round(total, 2) if isinstance(total, float) else total

    def refund(self, refund_id: str) -> RefundRecord:
        found = self._refunds.get(refund_id)
        if found is None:
            raise XenditError(404, "DATA_NOT_FOUND", f"Could not find refund with id {refund_id}")
        return found

    def refunds(self) -> list[RefundRecord]:
        """Newest first."""
        return list(reversed(self._refunds.values()))

    def settle(self, refund: RefundRecord, succeeded: bool, now: datetime) -> bool:
        """PENDING -> SUCCEEDED or FAILED (failure_code REFUND_FAILED); False for a settled refund."""
        if refund.status != "PENDING":
            return False
        refund.status = "SUCCEEDED" if succeeded else "FAILED"
        refund.failure_code = None if succeeded else "REFUND_FAILED"
        refund.updated = now
        self._keep("refunds", refund.id, refund)
        return True

    def create_payout(self, fields: PayoutFields, now: datetime) -> PayoutRecord:
        """Always ACCEPTED at first, as Xendit answers every payout it takes."""
        payout = PayoutRecord(
            id=new_payout_id(),
            business_id=self.business_id,
            reference_id=fields.reference_id,
            channel_code=fields.channel_code,
            channel_properties=fields.channel_properties,
            amount=fields.amount,
            currency=fields.currency,
            created=now,
            updated=now,
            options=fields.options,
        )
        self._payouts[payout.id] = payout
        self._keep("payouts", payout.id, payout)
        return payout

    def payout_by_id_or_reference(self, ref: str) -> PayoutRecord:
        """For the control endpoints: a payout's id, or the partner's reference_id (its newest payout)."""
        found = self._payouts.get(ref) or next(
            (p for p in reversed(self._payouts.values()) if p.reference_id == ref), None
        )
        return found if found is not None else self.payout(ref)

    def payout(self, payout_id: str) -> PayoutRecord:
        found = self._payouts.get(payout_id)
        if found is None:
            raise XenditError(404, "DATA_NOT_FOUND", f"Could not find payout with id {payout_id}")
        return found

    def payouts(self) -> list[PayoutRecord]:
        """Newest first, as Xendit lists them."""
        return list(reversed(self._payouts.values()))

    def move_payout(
        self, payout: PayoutRecord, source: tuple[str, ...], target: str, now: datetime, failure_code: str | None = None
    ) -> bool:
        """`source` -> `target` (with its failure code); False (and no change) from any other status."""
        if payout.status not in source:
            return False
        payout.status, payout.failure_code, payout.updated = target, failure_code, now
        self._keep("payouts", payout.id, payout)
        return True

    def recall(self, scope: str, key: str, fingerprint: bytes) -> str | None:
        """The id made earlier with this idempotency key and this body; 409 DUPLICATE_ERROR for another body.
        Modelled on Payouts v3 (docs/providers.md, "Xendit idempotency"): only successful creates are
        remembered, for good."""
        earlier = self._keys.get(f"{scope}:{key}")
        if earlier is None:
            return None
        if earlier[0] != fingerprint:
            raise XenditError(
                409,
                "DUPLICATE_ERROR",
                "duplicate value on idempotency key with another request body; try again with a new key",
            )
        return earlier[1]

    def remember(self, scope: str, key: str, fingerprint: bytes, made_id: str) -> None:
        self._keys[f"{scope}:{key}"] = (fingerprint, made_id)
        self._keep("keys", f"{scope}:{key}", self._keys[f"{scope}:{key}"])
