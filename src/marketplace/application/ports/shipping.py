"""The courier as the application sees it: prices for a trip, bookings, their status, cancelling.

Errors: `BackendUnavailable` when the courier cannot be reached or answers 5xx (retry later),
`ShippingRefused` when it refuses a request (a 4xx: the message says why).
"""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shipping.status import BookingStatus

MAX_WEIGHT_GRAMS = 20_000  # what a GoSend motorbike carries (inferred: integrations cap Instant at 20 kg)


class ShippingMethod(str, enum.Enum):
    INSTANT = "instant"
    SAME_DAY = "same_day"


class ShippingOption(msgspec.Struct, frozen=True):
    method: ShippingMethod
    price: int
    currency: str
    eta: str


class Stop(msgspec.Struct, frozen=True):
    """One end of the trip: who hands over or receives the parcel, and where."""

    name: str
    phone: str
    address: str
    point: GeoPoint
    note: str = ""


class BookingRequest(msgspec.Struct, frozen=True):
    store_order_id: str  # our reference, unique per attempt: the same one never books twice
    method: ShippingMethod
    origin: Stop
    destination: Stop
    item: str  # what the parcel holds, for the driver
    value: int  # the goods' value in IDR, declared for insurance


class Booking(msgspec.Struct, frozen=True):
    booking_id: str  # the provider's order number, e.g. GK-11-170563
    store_order_id: str
    method: ShippingMethod
    status: BookingStatus
    price: int | None = None
    driver_name: str | None = None
    driver_phone: str | None = None
    tracking_url: str | None = None


class ShippingRefused(Exception):
    """The courier refused the request (the message says why); repeating it as is will not help."""


class ShippingGateway(Protocol):
    async def quote(self, origin: GeoPoint, destination: GeoPoint, weight_grams: int) -> list[ShippingOption]:
        """The methods that serve this trip with their price now; an empty list when none does."""
        ...

    async def book(self, request: BookingRequest) -> Booking:
        """Books a courier. Asking again with the same `store_order_id` (after a timeout, say) gives
        back the booking already made for it rather than a second courier."""
        ...

    async def booking(self, booking_id: str) -> Booking | None:
        """The booking as the courier sees it now; None when it does not know the number."""
        ...

    async def cancel(self, booking_id: str) -> Booking:
        """Cancels a booking the driver has not picked up yet; ShippingRefused once it is too late."""
        ...
