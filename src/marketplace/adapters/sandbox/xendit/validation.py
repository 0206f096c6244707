"""Invoice and refund create bodies (payouts: payouts.py) checked the way Xendit answers: 400 API_VALIDATION_ERROR with `errors` for shape
problems, then the specific invoice and payout codes it documents (docs/providers.md: "Xendit invoices",
"Xendit errors", "Xendit payouts", "Xendit refunds")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec

from marketplace.adapters.sandbox.xendit.errors import XenditError, validation_error
from marketplace.adapters.sandbox.xendit.records import METHOD_OF_CHANNEL, Amount

CURRENCIES = ("IDR", "USD", "THB", "VND", "PHP", "MYR")  # the SDK's InvoiceCurrency enum
DEFAULT_DURATION = 86_400
MAX_DURATION = 31_536_000  # a year: Xendit's maximum is not known (docs/providers.md); this keeps dates sane
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
OPTIONAL_TYPES: dict[str, tuple[type, ...]] = {
    "payer_email": (str,),
    "description": (str,),
    "success_redirect_url": (str,),
    "failure_redirect_url": (str,),
    "currency": (str,),
    "invoice_duration": (int, float),
    "payment_methods": (list,),
    "items": (list,),
    "fees": (list,),
    "customer": (dict,),
    "customer_notification_preference": (dict,),
    "should_send_email": (bool,),
    "reminder_time": (int, float),
    "reminder_time_unit": (str,),
    "locale": (str,),
    "metadata": (dict,),
    "callback_virtual_account_id": (str,),
    "fixed_va": (bool,),
    "mid_label": (str,),
    "should_authenticate_credit_card": (bool,),
    "channel_properties": (dict,),
}
TYPE_NAMES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
}


@dataclass(frozen=True, slots=True)
class InvoiceFields:
    external_id: str
    amount: Amount
    currency: str
    duration_seconds: float
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RefundFields:
    invoice_id: str | None
    payment_request_id: str | None
    reference_id: str | None
    amount: float | None
    currency: str | None
    reason: str | None
    metadata: dict[str, Any] | None


class Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"path": path, "message": message})

    def check(self) -> None:
        if self.items:
            raise validation_error(self.items)


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object, so missing fields are named."""
    if not body.strip():
        return {}
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise XenditError(400, "INVALID_JSON_FORMAT", "the request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise validation_error([{"path": "body", "message": "must be a JSON object"}])
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def in_currency(amount: float, currency: str) -> Amount:
    """IDR has no decimals: Xendit truncates them (4550.50 -> 4550); others keep cents."""
    return int(amount) if currency == "IDR" else round(amount, 2)


def validate_invoice(body: dict[str, Any]) -> InvoiceFields:
    problems = Problems()
    external_id = body.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip():
        problems.add("external_id", "is required and must be a non-empty string")
    elif len(external_id) > 1000:
        problems.add("external_id", "must be at most 1000 characters")
    options = {name: body[name] for name in OPTIONAL_TYPES if body.get(name) is not None}
    for name, value in options.items():
        kinds = OPTIONAL_TYPES[name]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            problems.add(name, f"must be {TYPE_NAMES[kinds[0]]}")
    problems.check()
    currency = options.pop("currency", "IDR")
    amount: Any = body.get("amount")
    if not is_number(amount) or in_currency(amount, currency) <= 0:
        problems.add("amount", "is required and must be a number greater than 0")
    duration = options.pop("invoice_duration", DEFAULT_DURATION)
    if not 1 <= duration <= MAX_DURATION:
        problems.add("invoice_duration", f"must be from 1 to {MAX_DURATION} seconds")
    for name in ("success_redirect_url", "failure_redirect_url"):
        if name in options and not re.match(r"https?://\S+$", options[name]):
            problems.add(name, "must be an http(s) URL")
    _items(options.get("items", []), problems)
    _fees(options.get("fees", []), problems)
    check_metadata(options.get("metadata", {}), problems)
    if any(not isinstance(m, str) for m in options.get("payment_methods", [])):
        problems.add("payment_methods", "must be an array of strings")
    problems.check()
    _specific(currency, options)
    return InvoiceFields(str(external_id), in_currency(amount, currency), currency, float(duration), options)


def _specific(currency: str, options: dict[str, Any]) -> None:
    """The codes Xendit documents for invoice create, after the shape is known to be right."""
    if currency not in CURRENCIES:
        raise XenditError(400, "UNSUPPORTED_CURRENCY", f"currency {currency!r} is not one of {', '.join(CURRENCIES)}")
    methods = options.get("payment_methods")
    if methods is not None and not methods:
        raise XenditError(400, "NO_COLLECTION_METHODS_ERROR", "payment_methods names no payment method")
    unknown = [m for m in methods or [] if m not in METHOD_OF_CHANNEL]
    if unknown:
        raise XenditError(
            400, "UNAVAILABLE_PAYMENT_METHOD_ERROR", f"payment methods not available: {', '.join(unknown)}"
        )
    email = options.get("payer_email")
    if email is not None and not EMAIL.fullmatch(email):
        raise XenditError(400, "EMAIL_FORMAT_ERROR", f"payer_email {email!r} is not a valid email address")


def _items(items: list[Any], problems: Problems) -> None:
    if len(items) > 75:
        problems.add("items", "may hold at most 75 entries")
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            problems.add(path, "must be an object")
            continue
        if not isinstance(item.get("name"), str) or not item["name"]:
            problems.add(f"{path}.name", "is required and must be a non-empty string")
        if not is_number(item.get("price")) or item["price"] < 0:
            problems.add(f"{path}.price", "is required and must be a number of at least 0")
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            problems.add(f"{path}.quantity", "is required and must be a whole number of at least 0")
        for name in ("reference_id", "url", "category"):
            if item.get(name) is not None and not isinstance(item[name], str):
                problems.add(f"{path}.{name}", "must be a string")


def _fees(fees: list[Any], problems: Problems) -> None:
    if len(fees) > 10:
        problems.add("fees", "may hold at most 10 entries")
    for index, fee in enumerate(fees):
        if not isinstance(fee, dict) or not isinstance(fee.get("type"), str) or not is_number(fee.get("value")):
            problems.add(f"fees[{index}]", "must be an object with a string `type` and a number `value`")


def check_metadata(metadata: dict[str, Any], problems: Problems) -> None:
    """Up to 50 keys of at most 40 characters, values of at most 500 (docs/providers.md, "Xendit invoices")."""
    if len(metadata) > 50:
        problems.add("metadata", "may hold at most 50 keys")
    for key, value in metadata.items():
        size = len(value) if isinstance(value, str) else len(msgspec.json.encode(value))
        if len(key) > 40 or size > 500:
            problems.add(f"metadata.{key[:40]}", "keys may have 40 characters and values 500")


def validate_refund(body: dict[str, Any]) -> RefundFields:
    problems = Problems()
    text: dict[str, str | None] = {}
    for name in ("invoice_id", "payment_request_id", "reference_id", "currency", "reason"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value or len(value) > 255):
            problems.add(name, "must be a non-empty string of at most 255 characters")
        text[name] = value if isinstance(value, str) and value else None
    if (text["invoice_id"] is None) == (text["payment_request_id"] is None):
        problems.add("invoice_id", "give exactly one of invoice_id and payment_request_id")
    amount, metadata = body.get("amount"), body.get("metadata")
    if amount is not None and (not is_number(amount) or amount <= 0):
        problems.add("amount", "must be a number greater than 0")
    if metadata is not None and not isinstance(metadata, dict):
        problems.add("metadata", "must be an object")
    elif metadata is not None:
        check_metadata(metadata, problems)
    problems.check()
    return RefundFields(
        text["invoice_id"],
        text["payment_request_id"],
        text["reference_id"],
        amount,
        text["currency"],
        text["reason"],
        metadata,
    )
