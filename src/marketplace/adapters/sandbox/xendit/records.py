"""Invoices and refunds as the sandbox keeps them, and their JSON as Xendit shapes it (docs/providers.md:
the invoice object in "Xendit invoices", the flat callback in "Xendit callbacks", the refund object in
"Xendit refunds"); payouts are in payouts.py."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Amount = int | float

BANKS = ("BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "BSI")
RETAIL_OUTLETS = ("ALFAMART", "INDOMARET")
EWALLETS = ("OVO", "DANA", "SHOPEEPAY", "LINKAJA")
QR_CODES = ("QRIS",)
DIRECT_DEBITS = ("DD_BRI",)
PAYLATERS = ("KREDIVO", "AKULAKU")
CARDS = ("CREDIT_CARD",)
METHOD_OF_CHANNEL = {
    **dict.fromkeys(BANKS, "BANK_TRANSFER"),
    **dict.fromkeys(RETAIL_OUTLETS, "RETAIL_OUTLET"),
    **dict.fromkeys(EWALLETS, "EWALLET"),
    **dict.fromkeys(QR_CODES, "QR_CODE"),
    **dict.fromkeys(DIRECT_DEBITS, "DIRECT_DEBIT"),
    **dict.fromkeys(PAYLATERS, "PAYLATER"),
    **dict.fromkeys(CARDS, "CREDIT_CARD"),
}
# The refund object names the payment method the way the Payments API does.
REFUND_METHOD_TYPE = {
    "BANK_TRANSFER": "VIRTUAL_ACCOUNT",
    "RETAIL_OUTLET": "OVER_THE_COUNTER",
    "EWALLET": "EWALLET",
    "QR_CODE": "QR_CODE",
    "DIRECT_DEBIT": "DIRECT_DEBIT",
    "PAYLATER": "PAYLATER",
    "CREDIT_CARD": "CARD",
}
COUNTRY_OF_CURRENCY = {"IDR": "ID", "PHP": "PH", "THB": "TH", "VND": "VN", "MYR": "MY", "USD": "ID"}
VA_PREFIX = {"BCA": "10766", "BNI": "8808", "BRI": "26215", "MANDIRI": "88908", "PERMATA": "8214", "BSI": "7007"}
# Optional create fields the invoice object echoes back (docs/providers.md, "Xendit invoices").
ECHOED = (
    "payer_email",
    "description",
    "success_redirect_url",
    "failure_redirect_url",
    "items",
    "fees",
    "customer",
    "customer_notification_preference",
    "metadata",
    "locale",
    "should_authenticate_credit_card",
    "fixed_va",
    "reminder_time",
    "reminder_time_unit",
    "mid_label",
    "channel_properties",
)
CALLBACK_ECHOED = ("payer_email", "description", "success_redirect_url", "failure_redirect_url", "items", "fees")


def utc_now() -> datetime:
    """Now, to the millisecond Xendit's timestamps carry, so stored and shown times agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stamp(moment: datetime) -> str:
    """`2020-01-13T02:32:49.827Z`: UTC with milliseconds, as in Xendit's examples."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_invoice_id() -> str:
    """24 hex characters, time first, like the ObjectId-looking ids in every Xendit example."""
    return f"{int(time.time()):08x}{secrets.token_hex(8)}"


def new_refund_id() -> str:
    return f"rfd-{uuid.uuid4()}"


def digits_of(hex_id: str, count: int) -> str:
    """Stable digits from an invoice id, for VA numbers and payment codes."""
    return str(int(hex_id, 16))[-count:].zfill(count)


@dataclass(frozen=True, slots=True)
class Payment:
    amount: Amount
    at: datetime
    channel: str
    destination: str | None
    payment_id: str

    @property
    def method(self) -> str:
        return METHOD_OF_CHANNEL[self.channel]


@dataclass(slots=True)
class InvoiceRecord:
    id: str
    external_id: str
    user_id: str
    merchant_name: str
    merchant_profile_picture_url: str
    amount: Amount
    currency: str
    invoice_url: str
    created: datetime
    expiry_date: datetime
    options: dict[str, Any] = field(default_factory=dict)  # the optional create fields as given
    status: str = "PENDING"
    updated: datetime | None = None
    payment: Payment | None = None

    @property
    def last_change(self) -> datetime:
        return self.updated or self.created

    def channels(self) -> list[str]:
        """The channels on offer: all of ours, or those named in `payment_methods`."""
        chosen = self.options.get("payment_methods")
        return [c for c in METHOD_OF_CHANNEL if chosen is None or c in chosen]

    def destination(self, channel: str) -> str | None:
        """The VA number or payment code a payer would use on `channel`."""
        if channel in VA_PREFIX:
            return VA_PREFIX[channel] + digits_of(self.id, 11)
        if channel in RETAIL_OUTLETS:
            return "TEST" + digits_of(self.id, 8)
        return None

    def to_json(self) -> dict[str, Any]:
        offered = self.channels()
        body: dict[str, Any] = {
            "id": self.id,
            "external_id": self.external_id,
            "user_id": self.user_id,
            "status": self.status,
            "merchant_name": self.merchant_name,
            "merchant_profile_picture_url": self.merchant_profile_picture_url,
            "amount": self.amount,
            "currency": self.currency,
            "expiry_date": stamp(self.expiry_date),
            "invoice_url": self.invoice_url,
            "available_banks": [self._bank(c) for c in offered if c in BANKS],
            "available_retail_outlets": [
                {"retail_outlet_name": c, "payment_code": self.destination(c), "transfer_amount": self.amount}
                for c in offered
                if c in RETAIL_OUTLETS
            ],
            "available_ewallets": [{"ewallet_type": c} for c in offered if c in EWALLETS],
            "available_qr_codes": [{"qr_code_type": c} for c in offered if c in QR_CODES],
            "available_direct_debits": [{"direct_debit_type": c} for c in offered if c in DIRECT_DEBITS],
            "available_paylaters": [{"paylater_type": c} for c in offered if c in PAYLATERS],
            "should_exclude_credit_card": "CREDIT_CARD" not in offered,
            "should_send_email": bool(self.options.get("should_send_email", False)),
            "created": stamp(self.created),
            "updated": stamp(self.last_change),
        }
        body.update({name: self.options[name] for name in ECHOED if name in self.options})
        body.update(self._paid_fields())
        return body

    def callback_json(self) -> dict[str, Any]:
        """The flat invoice callback (docs/providers.md, "Xendit callbacks"); payment fields only once paid."""
        body: dict[str, Any] = {
            "id": self.id,
            "external_id": self.external_id,
            "user_id": self.user_id,
            "status": self.status,
            "merchant_name": self.merchant_name,
            "amount": self.amount,
            "currency": self.currency,
            "created": stamp(self.created),
            "updated": stamp(self.last_change),
        }
        body.update({name: self.options[name] for name in CALLBACK_ECHOED if name in self.options})
        body.update(self._paid_fields())
        return body

    def _paid_fields(self) -> dict[str, Any]:
        paid = self.payment
        if paid is None:
            return {}
        fields = {
            "paid_amount": paid.amount,
            "paid_at": stamp(paid.at),
            "payment_method": paid.method,
            "payment_channel": paid.channel,
            "payment_destination": paid.destination,
            "payment_id": paid.payment_id,
        }
        if paid.channel in BANKS:
            fields["bank_code"] = paid.channel
        elif paid.channel in EWALLETS:
            fields["ewallet_type"] = paid.channel
        return {name: value for name, value in fields.items() if value is not None}

    def _bank(self, code: str) -> dict[str, Any]:
        return {
            "bank_code": code,
            "collection_type": "POOL",
            "bank_account_number": self.destination(code),
            "transfer_amount": self.amount,
            "bank_branch": "Virtual Account",
            "account_holder_name": self.merchant_name.upper(),
            "identity_amount": 0,
        }


@dataclass(slots=True)
class RefundRecord:
    id: str
    invoice_id: str
    payment_id: str
    amount: Amount
    currency: str
    channel_code: str
    payment_method_type: str
    reason: str | None
    reference_id: str | None
    metadata: dict[str, Any] | None
    created: datetime
    updated: datetime
    status: str = "PENDING"
    failure_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "payment_request_id": None,
            "invoice_id": self.invoice_id,
            "payment_id": self.payment_id,
            "amount": self.amount,
            "channel_code": self.channel_code,
            "country": COUNTRY_OF_CURRENCY.get(self.currency, "ID"),
            "currency": self.currency,
            "reference_id": self.reference_id,
            "failure_code": self.failure_code,
            "refund_fee_amount": 0,
            "payment_method_type": self.payment_method_type,
            "status": self.status,
            "reason": self.reason,
            "created": stamp(self.created),
            "updated": stamp(self.updated),
            "metadata": self.metadata,
        }
