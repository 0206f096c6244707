"""Bookings as the sandbox keeps them, their status body (docs/providers.md, "GoSend booking status") and their
webhook ("GoSend webhook").

Times are RFC 3339 UTC with milliseconds (GoSend's own format is not known). `orderDispatchTime` is when
the driver picked the parcel up, `orderArrivalTime` when it was delivered, `orderClosedTime` when the
booking reached a final status (the fields' exact meaning is not known either).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marketplace.adapters.sandbox.gosend.validation import BookingFields
from marketplace.domain.shipping.status import BookingStatus

B = BookingStatus
# Event names for the webhook's `type`. Only DRIVER_NOT_FOUND is confirmed (docs/providers.md, "GoSend
# webhook"); the others are the sandbox's own, chosen to read clearly. Receivers should rely on `status`,
# not `type`.
EVENT_TYPES = {
    B.CONFIRMED: "BOOKING_CONFIRMED",
    B.ALLOCATED: "DRIVER_ALLOCATED",
    B.OUT_FOR_PICKUP: "DRIVER_OUT_FOR_PICKUP",
    B.PICKED: "ITEM_PICKED",
    B.OUT_FOR_DELIVERY: "DRIVER_OUT_FOR_DELIVERY",
    B.ON_HOLD: "DELIVERY_ON_HOLD",
    B.DELIVERED: "BOOKING_COMPLETED",
    B.CANCELLED: "BOOKING_CANCELLED",
    B.REJECTED: "BOOKING_REJECTED",
    B.NO_DRIVER: "DRIVER_NOT_FOUND",
}
DRIVER_NAMES = (
    "Budi Santoso",
    "Agus Setiawan",
    "Dewi Lestari",
    "Rudi Hartono",
    "Siti Rahmawati",
    "Joko Prasetyo",
    "Andi Wijaya",
    "Rina Kusuma",
)


def utc_now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stamp(moment: datetime | None) -> str | None:
    """`2024-05-01T03:04:05.678Z`, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def order_number(booking_id: int) -> str:
    """GoSend's `GK-<n>-<id>` order number (docs/providers.md, "GoSend booking")."""
    return f"GK-11-{booking_id}"


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Driver:
    """A fake driver, the same one for a booking every time."""

    id: int
    name: str
    phone: str

    @classmethod
    def for_booking(cls, booking_id: int) -> Driver:
        return cls(700_000 + booking_id, DRIVER_NAMES[booking_id % len(DRIVER_NAMES)], f"62812{booking_id % 10**8:08d}")


@dataclass(frozen=True, slots=True)
class Change:
    status: BookingStatus
    at: datetime
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(slots=True)
class BookingRecord:
    id: int
    fields: BookingFields
    distance_km: float
    price: int
    tracking_url: str
    created: datetime
    status: BookingStatus = B.CONFIRMED
    furthest: BookingStatus = B.CONFIRMED  # the furthest happy-path status reached
    driver: Driver | None = None
    dispatched: datetime | None = None
    arrived: datetime | None = None
    closed: datetime | None = None
    cancel_description: str | None = None
    history: list[Change] = field(default_factory=list)

    @property
    def order_no(self) -> str:
        return order_number(self.id)

    @property
    def booking_type(self) -> str:
        return self.fields.method

    @property
    def receiver_name(self) -> str | None:
        return self.fields.destination.text("ContactName")

    def to_json(self) -> dict[str, Any]:
        """The status body of `GET /gokilat/v10/booking/orderno/{orderNo}`."""
        origin, destination, driver = self.fields.origin, self.fields.destination, self.driver
        return {
            "id": self.id,
            "orderNo": self.order_no,
            "storeOrderId": self.fields.store_order_id,
            "status": self.status.value,
            "bookingType": self.booking_type,
            "driverId": driver and driver.id,
            "driverName": driver and driver.name,
            "driverPhone": driver and driver.phone,
            "receiverName": self.receiver_name,
            "totalPrice": self.price,
            "totalDistanceInKms": round(self.distance_km, 2),
            "liveTrackingUrl": self.tracking_url,
            "orderCreatedTime": stamp(self.created),
            "orderDispatchTime": stamp(self.dispatched),
            "orderArrivalTime": stamp(self.arrived),
            "orderClosedTime": stamp(self.closed),
            "sellerAddressName": origin.text("Name"),
            "sellerAddressDetail": origin.text("Address"),
            "buyerAddressName": destination.text("Name"),
            "buyerAddressDetail": destination.text("Address"),
            "cancelDescription": self.cancel_description,
            "insuranceDetails": self.fields.insurance,
        }

    def webhook(self, change: Change, partner_id: str) -> dict[str, Any]:
        """The `booking_event` of docs/providers.md, "GoSend webhook", for `change`, with the booking as it
        was right after it."""
        driver = self.driver
        payload: dict[str, Any] = {
            "@type": "booking_event",
            "entity_id": self.order_no,
            "type": EVENT_TYPES[change.status],
            "event_date": epoch_millis(change.at),
            "event_id": change.event_id,
            "partner_id": partner_id,
            "destination_type": "market_place",
            "booking_id": self.order_no,
            "status": change.status.value,
            "booking_status": change.status.value,
            "booking_type": self.booking_type.lower(),
            "driver_name": driver and driver.name,
            "driver_phone": driver and driver.phone,
            "driver_phone2": None,
            "driver_phone3": None,
            "driver_photo_url": None,
            "total_distance_in_kms": round(self.distance_km, 2),
            "price": self.price,
            "receiver_name": self.receiver_name,
            "live_tracking_url": self.tracking_url,
        }
        if change.status is B.CANCELLED:
            payload["cancellation_reason"] = self.cancel_description
        return payload
