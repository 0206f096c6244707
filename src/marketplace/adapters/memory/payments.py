"""An in-memory payment provider: invoices and refunds with the provider's rules, for tests and notebooks.

`mark_paid` and `settle_refund` stand in for what a payer and the provider do.
"""

from __future__ import annotations

from datetime import timedelta

import msgspec

from marketplace.application.ports.payments import (
    Invoice,
    InvoiceStatus,
    PaymentRefused,
    Refund,
    RefundStatus,
    most_telling,
)
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.shared.money import Money


class MemoryPaymentGateway:
    def __init__(self, clock: Clock, ids: IdGenerator, base_url: str = "memory://payments") -> None:
        self._clock, self._ids, self._base_url = clock, ids, base_url.rstrip("/")
        self._invoices: dict[str, Invoice] = {}
        self._refunds: dict[str, Refund] = {}
        self._keys: dict[str, str] = {}

    async def create_invoice(
        self,
        *,
        external_id: str,
        amount: Money,
        description: str,
        payer_email: str,
        duration_seconds: int,
        idempotency_key: str,
    ) -> Invoice:
        if amount.amount <= 0:
            raise PaymentRefused("the amount must be positive")
        known = self._keys.get(f"invoice:{idempotency_key}")
        if known is not None:
            return await self._current(known)
        invoice_id = self._ids.new_id()
        invoice = Invoice(
            id=invoice_id,
            external_id=external_id,
            amount=amount.amount,
            currency=amount.currency,
            status=InvoiceStatus.PENDING,
            invoice_url=f"{self._base_url}/web/{invoice_id}",
            expires_at=self._clock.now() + timedelta(seconds=duration_seconds),
        )
        self._invoices[invoice_id] = invoice
        self._keys[f"invoice:{idempotency_key}"] = invoice_id
        return invoice

    async def _current(self, invoice_id: str) -> Invoice:
        invoice = self._invoices[invoice_id]
        if invoice.status is InvoiceStatus.PENDING and self._clock.now() >= invoice.expires_at:
            invoice = msgspec.structs.replace(invoice, status=InvoiceStatus.EXPIRED)
            self._invoices[invoice_id] = invoice
        return invoice

    async def get_invoice(self, invoice_id: str) -> Invoice | None:
        return await self._current(invoice_id) if invoice_id in self._invoices else None

    async def find_invoice(self, external_id: str) -> Invoice | None:
        made = [await self._current(i.id) for i in reversed(self._invoices.values()) if i.external_id == external_id]
        return most_telling(made)

    async def expire_invoice(self, invoice_id: str) -> Invoice:
        invoice = await self.get_invoice(invoice_id)
        if invoice is None or invoice.status is not InvoiceStatus.PENDING:
            raise PaymentRefused("only a pending invoice can be expired")
        self._invoices[invoice_id] = msgspec.structs.replace(invoice, status=InvoiceStatus.EXPIRED)
        return self._invoices[invoice_id]

    async def create_refund(self, *, invoice_id: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
        known = self._keys.get(f"refund:{idempotency_key}")
        if known is not None:
            return self._refunds[known]
        invoice = await self.get_invoice(invoice_id)
        if invoice is None or invoice.status is not InvoiceStatus.PAID:
            raise PaymentRefused("only a paid invoice can be refunded")
        if amount.currency != invoice.currency or amount.amount <= 0:
            raise PaymentRefused("a refund is a positive amount in the invoice's currency")
        refunded = sum(
            r.amount
            for r in self._refunds.values()
            if r.invoice_id == invoice_id and r.status is not RefundStatus.FAILED
        )
        if refunded + amount.amount > invoice.amount:
            raise PaymentRefused(f"refunds would exceed the {invoice.amount} paid")
        refund = Refund(
            id=self._ids.new_id(),
            invoice_id=invoice_id,
            amount=amount.amount,
            currency=amount.currency,
            status=RefundStatus.PENDING,
            reason=reason,
        )
        self._refunds[refund.id] = refund
        self._keys[f"refund:{idempotency_key}"] = refund.id
        return refund

    async def get_refund(self, refund_id: str) -> Refund | None:
        return self._refunds.get(refund_id)

    def mark_paid(self, invoice_id: str) -> Invoice:
        """The payer pays (only a pending, unexpired invoice)."""
        invoice = self._invoices[invoice_id]
        if invoice.status is not InvoiceStatus.PENDING or self._clock.now() >= invoice.expires_at:
            raise PaymentRefused("only a pending invoice can be paid")
        self._invoices[invoice_id] = msgspec.structs.replace(invoice, status=InvoiceStatus.PAID)
        return self._invoices[invoice_id]

    def settle_refund(self, refund_id: str, succeeded: bool = True) -> Refund:
        refund = self._refunds[refund_id]
        if refund.status is not RefundStatus.PENDING:
            raise PaymentRefused("the refund is already settled")
        status = RefundStatus.SUCCEEDED if succeeded else RefundStatus.FAILED
        self._refunds[refund_id] = msgspec.structs.replace(refund, status=status)
        return self._refunds[refund_id]
