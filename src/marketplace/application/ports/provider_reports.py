"""What a provider's callback says, in our words: each provider's adapter translates its payloads into these.

The use cases read the reports' fields only, never a provider's field names. `payload` is the body as
the provider sent it, kept in the provider_callbacks record for a person to read; nothing here looks
inside it. A status the adapter does not know is `None` (recorded, applied to nothing), with the
provider's own words in `status_text`. A payload too broken to report on is the adapter's
`InvalidValue` (422), before any use case runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.ports.payouts import PayoutStatus
from marketplace.domain.ordering.checkout import RefundState
from marketplace.domain.shipping.shipment import Courier
from marketplace.domain.shipping.status import BookingStatus

Payload = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class InvoiceReport:
    """An invoice was paid, expired (or is still pending)."""

    provider: str
    invoice_id: str
    status: InvoiceStatus | None
    status_text: str
    external_id: str | None  # our checkout's id as the provider echoes it; None when it sent none
    amount: int | None  # minor units; None when absent or not a number
    paid_amount: int | None
    currency: str | None  # None when the provider did not say
    invoice_url: str  # "" when the provider did not send one
    payload: Payload = field(repr=False)


@dataclass(frozen=True, slots=True)
class RefundReport:
    """A refund reached its outcome."""

    provider: str
    refund_id: str
    state: RefundState | None
    status_text: str  # the event's name, as the provider sent it
    invoice_id: str | None  # the invoice refunded
    reference: str  # our own reference id as the provider echoes it ("" when none)
    amount: int | None
    currency: str | None
    reason: str | None
    payload: Payload = field(repr=False)


@dataclass(frozen=True, slots=True)
class PayoutReport:
    """A payout succeeded, failed (or is on its way)."""

    provider: str
    payout_id: str  # the provider's id
    reference: str | None  # our payout's id as the provider echoes it
    status: PayoutStatus | None
    status_text: str
    amount: int | None
    failure_code: str | None
    payload: Payload = field(repr=False)


@dataclass(frozen=True, slots=True)
class BookingReport:
    """A courier booking moved."""

    provider: str
    booking_id: str
    status: BookingStatus | None
    status_text: str
    occurred_at: datetime | None  # when the provider says it happened; None when it did not say
    courier: Courier
    payload: Payload = field(repr=False)


# A provider's translator of booking events: a kept event (the provider_callbacks record) is read again
# by the translator of the provider that sent it. Raises InvalidValue on a payload it cannot read.
BookingTranslator = Callable[[Payload], BookingReport]
