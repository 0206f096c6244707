"""The payment provider as the application sees it: invoices for checkouts, refunds for orders."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

import msgspec

from marketplace.domain.ordering.checkout import RefundState
from marketplace.domain.shared.money import Money


class InvoiceStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"


# The provider's refund statuses are the domain's: one enum, not two kept in step by hand.
RefundStatus = RefundState


class Invoice(msgspec.Struct, frozen=True):
    id: str
    external_id: str
    amount: int
    currency: str
    status: InvoiceStatus
    invoice_url: str
    expires_at: datetime


class Refund(msgspec.Struct, frozen=True):
    id: str
    invoice_id: str
    amount: int
    currency: str
    status: RefundStatus
    reason: str


def most_telling(invoices: list[Invoice]) -> Invoice | None:
    """Of several invoices for one checkout, the one that matters: paid, else pending, else any."""
    for status in (InvoiceStatus.PAID, InvoiceStatus.PENDING):
        found = next((i for i in invoices if i.status is status), None)
        if found is not None:
            return found
    return invoices[0] if invoices else None


class PaymentRefused(Exception):
    """The provider refused the request for a reason the caller must not retry (the message says why)."""


class PaymentGateway(Protocol):
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
        """The same idempotency key gives back the same invoice instead of a second one."""
        ...

    async def get_invoice(self, invoice_id: str) -> Invoice | None: ...

    async def find_invoice(self, external_id: str) -> Invoice | None:
        """The invoice made for `external_id` (our checkout id), found without its invoice id: after a
        crash between making it and recording it. A paid one wins over a pending one, then the newest."""
        ...

    async def expire_invoice(self, invoice_id: str) -> Invoice:
        """Stops a pending invoice from being paid; PaymentRefused when it is no longer pending."""
        ...

    async def create_refund(self, *, invoice_id: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
        """PaymentRefused when the invoice is not paid or the refunds would exceed what was paid."""
        ...

    async def get_refund(self, refund_id: str) -> Refund | None: ...
