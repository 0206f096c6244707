"""GoSend's booking webhook read into the application's BookingReport.

The payload as docs/providers.md ("GoSend webhook") describes it: the order number in `booking_id`
(or `entity_id`), the status in `status` (or `booking_status`), `event_date` in epoch milliseconds and
the driver's details. Without a booking number or a status it is `InvalidValue` (422).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marketplace.application.ports.provider_reports import BookingReport, Payload
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shipping.shipment import Courier
from marketplace.domain.shipping.status import BookingStatus

PROVIDER = "gosend"


def _text(payload: Payload, *names: str) -> str | None:
    for name in names:
        value = payload.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def booking_status(text: str) -> BookingStatus | None:
    """GoSend's lower-case status names (docs/providers.md, "GoSend statuses"), spaces or dashes tolerated."""
    try:
        return BookingStatus(text.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        return None


def _occurred_at(payload: Payload) -> datetime | None:
    millis = _number(payload.get("event_date"))
    if millis is None:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def booking_report(payload: Payload) -> BookingReport:
    """A booking event; its status is None when it is not one GoSend is known to send."""
    booking_id = _text(payload, "booking_id", "entity_id")
    status_text = _text(payload, "status", "booking_status")
    if booking_id is None:
        raise InvalidValue("booking_id", "is missing")
    if status_text is None:
        raise InvalidValue("status", "is missing")
    return BookingReport(
        provider=PROVIDER,
        booking_id=booking_id,
        status=booking_status(status_text),
        status_text=status_text,
        occurred_at=_occurred_at(payload),
        courier=Courier(
            driver_name=_text(payload, "driver_name"),
            driver_phone=_text(payload, "driver_phone"),
            tracking_url=_text(payload, "live_tracking_url"),
            price=_number(payload.get("price")),
        ),
        payload=payload,
    )
