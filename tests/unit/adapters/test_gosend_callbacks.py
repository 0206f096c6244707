"""GoSend's booking events read into BookingReports: every status GoSend sends mapped to ours, an
unknown one kept as None with its words, the event's time and the driver's details, and an event
without a booking number or a status refused with the error the HTTP layer answers 422."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from marketplace.adapters.gosend.callbacks import booking_report
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shipping.shipment import Courier
from marketplace.domain.shipping.status import BookingStatus

EVENT = {
    "@type": "booking_event",
    "entity_id": "GK-11-1234567",
    "booking_id": "GK-11-1234567",
    "type": "DRIVER_ALLOCATED",
    "event_date": 1_764_061_200_000,
    "event_id": "4bb9c7a2-08c2-4c2e-9a53-0f4f8b1d2e3f",
    "partner_id": "marketplace-engine",
    "status": "allocated",
    "booking_status": "allocated",
    "booking_type": "instant",
    "driver_name": "Budi",
    "driver_phone": "6281234567890",
    "total_distance_in_kms": 4.2,
    "price": 20_500,
    "receiver_name": "Ayu",
    "live_tracking_url": "https://gsend.example/track/GK-11-1234567",
}


@pytest.mark.parametrize("status", list(BookingStatus))
def test_every_status_gosend_sends_reads_as_ours(status: BookingStatus) -> None:
    report = booking_report({**EVENT, "status": status.value, "booking_status": status.value})
    assert report.status is status and report.status_text == status.value


@pytest.mark.parametrize("text", ["Out For Pickup", "out-for-pickup", "OUT_FOR_PICKUP", " out_for_pickup "])
def test_spaces_dashes_and_capitals_in_a_status_are_tolerated(text: str) -> None:
    assert booking_report({**EVENT, "status": text}).status is BookingStatus.OUT_FOR_PICKUP


def test_a_status_gosend_is_not_known_to_send_is_none_and_keeps_its_words() -> None:
    report = booking_report({**EVENT, "status": "teleported"})
    assert report.status is None and report.status_text == "teleported"


def test_a_booking_event_is_reported_in_our_words_with_its_body_kept_as_sent() -> None:
    report = booking_report(EVENT)
    assert (report.provider, report.booking_id, report.status) == ("gosend", "GK-11-1234567", BookingStatus.ALLOCATED)
    assert report.occurred_at == datetime(2025, 11, 25, 9, 0, tzinfo=UTC)
    assert report.courier == Courier("Budi", "6281234567890", "https://gsend.example/track/GK-11-1234567", 20_500)
    assert report.payload == EVENT


def test_the_number_and_status_may_come_under_their_other_names() -> None:
    body = {k: v for k, v in EVENT.items() if k not in ("booking_id", "status")}
    report = booking_report({**body, "booking_status": "picked"})
    assert (report.booking_id, report.status) == ("GK-11-1234567", BookingStatus.PICKED)


@pytest.mark.parametrize("event_date", [None, "1764061200000", True, 10**30, -(10**30)])
def test_an_event_time_missing_or_unreadable_is_none(event_date: Any) -> None:
    assert booking_report({**EVENT, "event_date": event_date}).occurred_at is None


def test_driver_details_missing_or_blank_are_none_and_a_price_is_whole_rupiah() -> None:
    body = {"booking_id": "GK-1", "status": "confirmed", "driver_name": "  ", "driver_phone": 62, "price": 9_999.5}
    assert booking_report(body).courier == Courier(None, None, None, 9_999)
    assert booking_report({**body, "price": True}).courier.price is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "allocated"}, "booking_id"),
        ({"booking_id": "  ", "entity_id": "", "status": "allocated"}, "booking_id"),
        ({"booking_id": 1234, "status": "allocated"}, "booking_id"),
        ({"booking_id": "GK-1"}, "status"),
        ({"booking_id": "GK-1", "status": " ", "booking_status": None}, "status"),
        ({}, "booking_id"),
    ],
)
def test_an_event_without_a_booking_number_or_a_status_is_invalid(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        booking_report(body)
    assert (raised.value.field, raised.value.message) == (field, "is missing")
