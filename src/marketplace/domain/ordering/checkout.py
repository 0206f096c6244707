"""The Checkout aggregate: one payment for the orders a buyer placed at once, one per store."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.errors import Conflict, IllegalTransition, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shared.money import Money

MAX_REFERRAL_CODE = 64


class CheckoutStatus(str, enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PaymentStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"


class RefundState(str, enum.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RefundRecord:
    """Money going back to the buyer for one order of this checkout, as the provider reports it."""

    id: str
    order_id: str
    amount: Money
    status: RefundState
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CheckoutPlaced(DomainEvent):
    topic: ClassVar[str] = "CheckoutPlaced"

    checkout_id: str
    buyer_id: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class CheckoutSettled(DomainEvent):
    """The checkout left `pending_payment`: paid, expired or cancelled."""

    topic: ClassVar[str] = "CheckoutSettled"

    checkout_id: str
    buyer_id: str
    status: str


@dataclass(frozen=True, slots=True)
class PaymentFlagged(DomainEvent):
    topic: ClassVar[str] = "PaymentFlagged"

    checkout_id: str
    buyer_id: str
    reason: str
    at: str


@dataclass(frozen=True, slots=True)
class LatePaymentReceived(DomainEvent):
    topic: ClassVar[str] = "LatePaymentReceived"

    checkout_id: str
    buyer_id: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class RefundRecorded(DomainEvent):
    topic: ClassVar[str] = "RefundRecorded"

    checkout_id: str
    buyer_id: str
    order_id: str
    refund_id: str
    amount: int
    status: str


def check_referral_code(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if not code:
        return None
    if len(code) > MAX_REFERRAL_CODE or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise InvalidValue("referral_code", f"up to {MAX_REFERRAL_CODE} letters, digits, - and _")
    return code


@dataclass(eq=False)
class Checkout(Aggregate):
    id: str
    buyer_id: str
    order_ids: list[str]
    address: PostalAddress
    amount: Money
    created_at: datetime
    expires_at: datetime
    referral_code: str | None = None
    status: CheckoutStatus = CheckoutStatus.PENDING_PAYMENT
    invoice_id: str | None = None
    invoice_url: str | None = None
    payment_status: PaymentStatus = PaymentStatus.PENDING
    settled_at: datetime | None = None
    refunds: list[RefundRecord] = field(default_factory=list)
    flag: str | None = None  # something about the payment needs a person (a mismatch, a late payment)
    checked_at: datetime | None = None  # when the provider was last asked about it (reconciliation)
    idempotency_key: str | None = None  # the buyer's Idempotency-Key: a retry after a crash finds it
    voided: bool = False  # it never got an invoice the buyer was told about: hidden, stock back
    version: int = 0

    def __post_init__(self) -> None:
        if not self.order_ids:
            raise InvalidValue("orders", "a checkout has at least one order")
        if not self.amount.is_positive:
            raise InvalidValue("amount", "must be greater than zero")
        if self.expires_at <= self.created_at:
            raise InvalidValue("expires_at", "must be after the creation time")

    @classmethod
    def place(
        cls,
        *,
        id: str,
        buyer_id: str,
        order_ids: list[str],
        address: PostalAddress,
        amount: Money,
        now: datetime,
        expires_at: datetime,
        referral_code: str | None,
        idempotency_key: str | None = None,
    ) -> Checkout:
        checkout = cls(
            id=id,
            buyer_id=buyer_id,
            order_ids=list(order_ids),
            address=address,
            amount=amount,
            created_at=now,
            expires_at=expires_at,
            referral_code=check_referral_code(referral_code),
            idempotency_key=idempotency_key,
        )
        checkout.record(
            CheckoutPlaced(checkout_id=id, buyer_id=buyer_id, amount=amount.amount, currency=amount.currency)
        )
        return checkout

    @property
    def is_pending(self) -> bool:
        return self.status is CheckoutStatus.PENDING_PAYMENT

    def is_due(self, now: datetime) -> bool:
        return self.is_pending and now >= self.expires_at

    def attach_invoice(self, invoice_id: str, invoice_url: str) -> None:
        if self.invoice_id is not None and self.invoice_id != invoice_id:
            raise Conflict("this checkout already has another invoice")
        self.invoice_id, self.invoice_url = invoice_id, invoice_url

    def _settle(self, status: CheckoutStatus, payment: PaymentStatus, now: datetime) -> None:
        if not self.is_pending:
            raise IllegalTransition(f"a checkout that is {self.status.value} cannot become {status.value}")
        self.status, self.payment_status, self.settled_at = status, payment, now
        self.record(CheckoutSettled(checkout_id=self.id, buyer_id=self.buyer_id, status=status.value))

    def pay(self, now: datetime) -> None:
        self._settle(CheckoutStatus.PAID, PaymentStatus.PAID, now)

    def expire(self, now: datetime) -> None:
        self._settle(CheckoutStatus.EXPIRED, PaymentStatus.EXPIRED, now)

    def cancel(self, now: datetime) -> None:
        """The buyer gives up before paying; the invoice can no longer be paid."""
        self._settle(CheckoutStatus.CANCELLED, PaymentStatus.EXPIRED, now)

    def void(self, now: datetime) -> None:
        """The invoice could not be made (the buyer was told nothing was kept), or a crash left the
        checkout without one and the provider holds none: cancelled silently and hidden. Its key is
        let go, so a retry with it places a new checkout."""
        if not self.is_pending or self.invoice_id is not None:
            raise IllegalTransition("only a pending checkout without an invoice can be voided")
        self.status, self.payment_status, self.settled_at = CheckoutStatus.CANCELLED, PaymentStatus.EXPIRED, now
        self.voided, self.idempotency_key = True, None

    def raise_flag(self, reason: str, now: datetime) -> None:
        """Records what needs a person's eye; the newest reason wins, the event keeps each one."""
        self.flag = reason[:500]
        self.record(PaymentFlagged(checkout_id=self.id, buyer_id=self.buyer_id, reason=self.flag, at=now.isoformat()))

    def refund_for(self, order_id: str) -> RefundRecord | None:
        """The order's live refund (pending or succeeded), if any: failed attempts do not count."""
        return next((r for r in self.refunds if r.order_id == order_id and r.status is not RefundState.FAILED), None)

    @property
    def refunded(self) -> Money:
        total = Money.zero(self.amount.currency)
        for refund in self.refunds:
            if refund.status is not RefundState.FAILED:
                total = total + refund.amount
        return total

    def receive_late_payment(self, now: datetime) -> bool:
        """The invoice was paid after the checkout expired or was cancelled: the stock is gone back,
        so the whole amount is to be refunded. False when there is nothing to do (already known)."""
        if self.is_pending or self.payment_status is PaymentStatus.PAID:
            return False
        self.payment_status = PaymentStatus.PAID
        self.raise_flag(f"paid after it was {self.status.value}: the whole amount is refunded", now)
        self.record(
            LatePaymentReceived(
                checkout_id=self.id, buyer_id=self.buyer_id, amount=self.amount.amount, currency=self.amount.currency
            )
        )
        return True

    def record_refund(self, refund: RefundRecord) -> None:
        """Adds a refund, or updates the one with its id; what is refunded never exceeds what was paid.

        `order_id` names the order refunded; empty for a whole late payment."""
        if self.payment_status is not PaymentStatus.PAID:
            raise IllegalTransition("only a paid checkout can be refunded")
        if refund.order_id and refund.order_id not in self.order_ids:
            raise InvalidValue("order_id", "the order is not part of this checkout")
        others = [r for r in self.refunds if r.id != refund.id]
        counted = sum(r.amount.amount for r in others if r.status is not RefundState.FAILED)
        if refund.status is not RefundState.FAILED and counted + refund.amount.amount > self.amount.amount:
            raise Conflict(f"refunds would exceed the {self.amount.amount} paid")
        previous = next((r for r in self.refunds if r.id == refund.id), None)
        if previous is not None and previous.status is refund.status:
            return
        if previous is not None:
            refund = replace(refund, created_at=previous.created_at)
        self.refunds = (
            [*others, refund] if previous is None else [refund if r.id == refund.id else r for r in self.refunds]
        )
        self.record(
            RefundRecorded(
                checkout_id=self.id,
                buyer_id=self.buyer_id,
                order_id=refund.order_id,
                refund_id=refund.id,
                amount=refund.amount.amount,
                status=refund.status.value,
            )
        )
