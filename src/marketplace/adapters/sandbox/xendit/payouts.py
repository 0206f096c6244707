"""Payouts as the sandbox keeps them, their JSON as Xendit's Payouts v2 shapes it, and their create
bodies checked as Xendit checks them (docs/providers.md, "Xendit payouts", "Xendit errors")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from marketplace.adapters.sandbox.xendit.errors import XenditError, validation_error
from marketplace.adapters.sandbox.xendit.records import new_invoice_id, stamp
from marketplace.adapters.sandbox.xendit.validation import EMAIL, Problems, check_metadata, is_number

# Payouts v2 (docs/providers.md, "Xendit payouts"). The Indonesian destinations this sandbox pays out to: a
# subset of what Xendit's `GET /payouts_channels` lists, by its `ID_` channel codes (the full list is not in
# docs/providers.md).
PAYOUT_BANKS = (
    "ID_BCA",
    "ID_BNI",
    "ID_BRI",
    "ID_MANDIRI",
    "ID_PERMATA",
    "ID_BSI",
    "ID_CIMB",
    "ID_DANAMON",
    "ID_BTN",
    "ID_MAYBANK",
    "ID_PANIN",
    "ID_OCBC",
)
PAYOUT_EWALLETS = ("ID_DANA", "ID_OVO", "ID_GOPAY", "ID_SHOPEEPAY", "ID_LINKAJA")
PAYOUT_CHANNELS = PAYOUT_BANKS + PAYOUT_EWALLETS
PAYOUT_PENDING = ("ACCEPTED", "REQUESTED", "LOCKED")  # on its way; CANCELLED only from ACCEPTED
PAYOUT_FAILURE_CODES = (
    "INSUFFICIENT_BALANCE",
    "REJECTED_BY_CHANNEL",
    "TEMPORARY_TRANSFER_ERROR",
    "INVALID_DESTINATION",
    "TRANSFER_ERROR",
)
PAYOUT_ARRIVAL = timedelta(minutes=15)  # Xendit's estimate on local rails (its create example: created + 15 min)
MAX_ACCOUNT_DIGITS = 30  # Indonesian bank accounts have 7-17 digits, e-wallets are phone numbers


def new_payout_id() -> str:
    """`disb-` and 24 hex characters, as in Xendit's payout examples (`disb-571f3644d2b4edf0745e9703`)."""
    return f"disb-{new_invoice_id()}"


@dataclass(slots=True)
class PayoutRecord:
    id: str
    business_id: str
    reference_id: str
    channel_code: str
    channel_properties: dict[str, Any]
    amount: int
    currency: str
    created: datetime
    updated: datetime
    options: dict[str, Any] = field(default_factory=dict)  # description, receipt_notification, metadata as given
    status: str = "ACCEPTED"
    failure_code: str | None = None

    @property
    def pending(self) -> bool:
        return self.status in PAYOUT_PENDING

    def to_json(self) -> dict[str, Any]:
        """The payout object (the SDKs' GetPayouts200ResponseDataInner); optional fields only when set."""
        body: dict[str, Any] = {
            "id": self.id,
            "amount": self.amount,
            "channel_code": self.channel_code,
            "currency": self.currency,
            "reference_id": self.reference_id,
            "status": self.status,
            "created": stamp(self.created),
            "updated": stamp(self.updated),
            "estimated_arrival_time": stamp(self.created + PAYOUT_ARRIVAL),
            "business_id": self.business_id,
            "channel_properties": self.channel_properties,
        }
        body.update(self.options)
        if self.failure_code is not None:
            body["failure_code"] = self.failure_code
        return body


@dataclass(frozen=True, slots=True)
class PayoutFields:
    reference_id: str
    channel_code: str
    channel_properties: dict[str, Any]
    amount: int
    currency: str
    options: dict[str, Any]  # description, receipt_notification, metadata: echoed as given


PAYOUT_CURRENCY = "IDR"  # every ID_ channel pays out in rupiah
MAX_LOCAL_TRANSFER = 250_000_000  # Xendit's transaction limit on Indonesian local rails (RTGS needs activation)


def validate_payout(body: dict[str, Any]) -> PayoutFields:
    """Shape first (API_VALIDATION_ERROR with every problem), then the payout codes of Xendit's payout error
    guide in this order: CHANNEL_CODE_NOT_SUPPORTED_ERROR, RECIPIENT_ACCOUNT_NUMBER_ERROR, RECIPIENT_AMOUNT_ERROR,
    MAXIMUM_TRANSFER_LIMIT_ERROR."""
    problems = Problems()
    for name in ("reference_id", "channel_code", "currency"):
        value = body.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.add(name, "is required and must be a non-empty string")
        elif len(value) > 255:
            problems.add(name, "must be at most 255 characters")
    properties = body.get("channel_properties")
    if not isinstance(properties, dict):
        problems.add("channel_properties", "is required and must be an object")
        properties = {}
    number = properties.get("account_number")
    if not isinstance(number, str) or not number:
        problems.add("channel_properties.account_number", "is required and must be a non-empty string")
    for name in ("account_holder_name", "account_type"):
        if properties.get(name) is not None and not isinstance(properties[name], str):
            problems.add(f"channel_properties.{name}", "must be a string")
    amount: Any = body.get("amount")
    if not is_number(amount):
        problems.add("amount", "is required and must be a number")
    elif isinstance(amount, float) and not amount.is_integer():
        problems.add("amount", "must be a whole number: IDR has no decimals")
    options = {
        name: body[name] for name in ("description", "receipt_notification", "metadata") if body.get(name) is not None
    }
    if not isinstance(options.get("description", ""), str) or len(options.get("description", "")) > 1000:
        problems.add("description", "must be a string of at most 1000 characters")
    _receipt(options.get("receipt_notification", {}), problems)
    metadata = options.get("metadata", {})
    if not isinstance(metadata, dict):
        problems.add("metadata", "must be an object")
    else:
        check_metadata(metadata, problems)
    problems.check()
    channel, currency = str(body["channel_code"]), str(body["currency"])
    if channel not in PAYOUT_CHANNELS:
        raise XenditError(
            400,
            "CHANNEL_CODE_NOT_SUPPORTED_ERROR",
            f"channel_code {channel!r} is not supported; this sandbox knows {', '.join(PAYOUT_CHANNELS)}",
        )
    if currency != PAYOUT_CURRENCY:
        raise validation_error([{"path": "currency", "message": f"must be {PAYOUT_CURRENCY} for {channel}"}])
    if not str(number).isascii() or not str(number).isdigit() or len(str(number)) > MAX_ACCOUNT_DIGITS:
        raise XenditError(
            400,
            "RECIPIENT_ACCOUNT_NUMBER_ERROR",
            f"account_number must be up to {MAX_ACCOUNT_DIGITS} digits (e-wallets: the phone number)",
        )
    if amount < 1:
        raise XenditError(400, "RECIPIENT_AMOUNT_ERROR", f"the amount {amount:g} is below {channel}'s minimum of 1")
    if amount > MAX_LOCAL_TRANSFER:
        raise XenditError(
            400,
            "MAXIMUM_TRANSFER_LIMIT_ERROR",
            f"the amount {amount:g} is over the {MAX_LOCAL_TRANSFER} limit of local transfers",
        )
    return PayoutFields(str(body["reference_id"]), channel, dict(properties), int(amount), currency, options)


def _receipt(receipt: Any, problems: Problems) -> None:
    """`{email_to, email_cc, email_bcc}`: each a list of at most three e-mail addresses."""
    if not isinstance(receipt, dict):
        problems.add("receipt_notification", "must be an object")
        return
    for name, emails in receipt.items():
        if name not in ("email_to", "email_cc", "email_bcc"):
            problems.add(f"receipt_notification.{name}", "is not a field (email_to, email_cc, email_bcc)")
        elif (
            not isinstance(emails, list)
            or len(emails) > 3
            or not all(isinstance(e, str) and EMAIL.fullmatch(e) for e in emails)
        ):
            problems.add(f"receipt_notification.{name}", "must be a list of at most three e-mail addresses")
