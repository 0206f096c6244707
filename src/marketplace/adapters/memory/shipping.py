"""An in-memory courier with the GoSend sandbox's tariffs: prices by the great-circle distance, Instant
nearby, Same Day further; bookings that only move when a test says so (`advance`)."""

from __future__ import annotations

import itertools
import math

import msgspec

from marketplace.application.ports.shipping import (
    MAX_WEIGHT_GRAMS,
    Booking,
    BookingRequest,
    ShippingMethod,
    ShippingOption,
    ShippingRefused,
)
from marketplace.domain.shared.address import GeoPoint
from marketplace.domain.shipping.status import CANCELLABLE, FORWARD, RANK, BookingStatus, applies

# method: (largest distance served in km, base fee, fee per started km, eta)
TARIFFS = {
    ShippingMethod.INSTANT: (40.0, 10_000, 2_500, "1-2 hours"),
    ShippingMethod.SAME_DAY: (100.0, 8_000, 1_500, "6-8 hours"),
}
DRIVEN = frozenset(FORWARD[1:]) | {BookingStatus.ON_HOLD}  # statuses by which a driver has been found


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    return a.distance_km(b)


class MemoryShippingGateway:
    def __init__(self) -> None:
        self._bookings: dict[str, Booking] = {}
        self._by_store_order: dict[str, str] = {}
        self._furthest: dict[str, BookingStatus] = {}  # the furthest happy-path status each booking reached
        self._numbers = itertools.count(1)

    async def quote(self, origin: GeoPoint, destination: GeoPoint, weight_grams: int) -> list[ShippingOption]:
        if not 0 < weight_grams <= MAX_WEIGHT_GRAMS:
            return []
        distance = origin.distance_km(destination)
        options = []
        for method, (reach, base, per_km, eta) in TARIFFS.items():
            if distance <= reach:
                price = base + per_km * math.ceil(distance)
                options.append(ShippingOption(method=method, price=price, currency="IDR", eta=eta))
        return options

    async def book(self, request: BookingRequest) -> Booking:
        if (known := self._by_store_order.get(request.store_order_id)) is not None:
            return self._bookings[known]
        reach, base, per_km, _ = TARIFFS[request.method]
        distance = request.origin.point.distance_km(request.destination.point)
        if distance > reach:
            raise ShippingRefused(f"{request.method.value} does not serve a trip of {distance:.1f} km")
        booking_id = f"GK-11-{next(self._numbers)}"
        booking = Booking(
            booking_id=booking_id,
            store_order_id=request.store_order_id,
            method=request.method,
            status=BookingStatus.CONFIRMED,
            price=base + per_km * math.ceil(distance),
            tracking_url=f"https://gosend.example/track/{booking_id}",
        )
        self._furthest[booking_id] = BookingStatus.CONFIRMED
        self._by_store_order[request.store_order_id] = booking_id
        return self._put(booking)

    async def booking(self, booking_id: str) -> Booking | None:
        return self._bookings.get(booking_id)

    async def cancel(self, booking_id: str) -> Booking:
        booking = self._bookings.get(booking_id)
        if booking is None:
            raise ShippingRefused("unknown booking")
        if booking.status is BookingStatus.CANCELLED:
            return booking  # cancelling twice is not an error
        if booking.status not in CANCELLABLE:
            raise ShippingRefused(f"a booking that is {booking.status.value} can no longer be cancelled")
        return self._put(msgspec.structs.replace(booking, status=BookingStatus.CANCELLED))

    def advance(self, booking_id: str, status: BookingStatus) -> Booking:
        """Moves a booking as the courier would (tests only: there is no webhook); a driver comes with
        `allocated` or any later step. KeyError for an unknown booking, ValueError for a move the
        status rules forbid (backwards, or on from a final status)."""
        booking = self._bookings[booking_id]
        furthest = self._furthest[booking_id]
        if not applies(status, booking.status, furthest):
            raise ValueError(f"booking {booking_id} cannot go from {booking.status.value} to {status.value}")
        if status in RANK and RANK[status] > RANK[furthest]:
            self._furthest[booking_id] = status
        moved = msgspec.structs.replace(booking, status=status)
        if status in DRIVEN and booking.driver_name is None:
            number = booking_id.rsplit("-", 1)[-1]
            moved = msgspec.structs.replace(moved, driver_name="Budi Santoso", driver_phone=f"62812{number:0>8}")
        return self._put(moved)

    def _put(self, booking: Booking) -> Booking:
        self._bookings[booking.booking_id] = booking
        return booking
