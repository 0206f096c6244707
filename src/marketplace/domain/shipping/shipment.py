"""The Shipment aggregate: one per order, with every courier booking made for it (its attempts).

A booking's state is worked out from the set of statuses the courier reported, each kept once with
the time it happened, walked in time order under the forward-only rule of `status.applies`. So the
same events give the same timeline and status in whatever order, and however often, they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shared.events import Aggregate, DomainEvent
from marketplace.domain.shipping.status import FAILED, FINAL, SEQUENCE, BookingStatus, applies

PROVIDER = "gosend"


@dataclass(frozen=True, slots=True)
class Courier:
    """What the courier says about the trip besides its status; a blank field leaves the known value."""

    driver_name: str | None = None
    driver_phone: str | None = None
    tracking_url: str | None = None
    price: int | None = None


@dataclass(frozen=True, slots=True)
class TrackPoint:
    status: BookingStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class ShipmentStatusChanged(DomainEvent):
    topic: ClassVar[str] = "ShipmentStatusChanged"

    order_id: str
    store_id: str
    buyer_id: str
    booking_id: str
    status: str
    at: datetime


@dataclass(eq=False, slots=True)
class Booking:
    """One attempt: a courier booking, known by the provider's order number (`booking_id`)."""

    booking_id: str
    store_order_id: str  # our reference for it at the provider, unique per attempt
    method: str
    created_at: datetime
    reported: dict[BookingStatus, datetime] = field(default_factory=dict)  # each status once, at its earliest
    courier: Courier = field(default_factory=Courier)

    @property
    def timeline(self) -> list[TrackPoint]:
        """The reported statuses that applied, in the order they happened."""
        points: list[TrackPoint] = []
        current: BookingStatus | None = None
        furthest: BookingStatus | None = None
        for status, at in sorted(self.reported.items(), key=lambda item: (item[1], SEQUENCE[item[0]])):
            if applies(status, current, furthest):
                points.append(TrackPoint(status, at))
                current = status
                if status is not BookingStatus.ON_HOLD:
                    furthest = status
        return points

    @property
    def status(self) -> BookingStatus:
        timeline = self.timeline
        return timeline[-1].status if timeline else BookingStatus.CONFIRMED

    @property
    def is_live(self) -> bool:
        return self.status not in FINAL

    def report(self, status: BookingStatus, at: datetime, courier: Courier) -> bool:
        """Takes one report; answers whether it changed the booking's status."""
        before = self.status
        known = self.reported.get(status)
        if known is None or at < known:
            self.reported[status] = at
        confirmed = self.reported.get(BookingStatus.CONFIRMED)
        if confirmed is not None and at < confirmed:
            # A booking is confirmed before anything else happens to it (we may learn of it late).
            self.reported[BookingStatus.CONFIRMED] = at
        self.courier = Courier(
            driver_name=courier.driver_name or self.courier.driver_name,
            driver_phone=courier.driver_phone or self.courier.driver_phone,
            tracking_url=courier.tracking_url or self.courier.tracking_url,
            price=courier.price if courier.price is not None else self.courier.price,
        )
        return self.status is not before


@dataclass(eq=False)
class Shipment(Aggregate):
    order_id: str
    store_id: str
    buyer_id: str
    provider: str = PROVIDER
    attempts: list[Booking] = field(default_factory=list)
    checked_at: datetime | None = None  # when we last heard about the live booking (webhook or poll)
    version: int = 0

    @property
    def id(self) -> str:
        return self.order_id

    @property
    def current(self) -> Booking | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def live(self) -> Booking | None:
        current = self.current
        return current if current is not None and current.is_live else None

    def may_book(self) -> bool:
        """No booking yet, or the last one failed before the parcel left (no driver, cancelled)."""
        current = self.current
        return current is None or current.status in FAILED

    def next_reference(self) -> str:
        """The provider-side reference for the next attempt: the order id and the attempt number."""
        return f"{self.order_id}-{len(self.attempts) + 1}"

    def booking(self, booking_id: str) -> Booking | None:
        return next((b for b in self.attempts if b.booking_id == booking_id), None)

    def add_booking(
        self, booking_id: str, store_order_id: str, method: str, status: BookingStatus, at: datetime, courier: Courier
    ) -> Booking:
        if not booking_id:
            raise InvalidValue("booking_id", "is required")
        if self.booking(booking_id) is not None:
            raise Conflict(f"booking {booking_id} is already recorded")
        if not self.may_book():
            raise Conflict("this order already has a live courier booking; cancel it first")
        booking = Booking(booking_id=booking_id, store_order_id=store_order_id, method=method, created_at=at)
        booking.reported[BookingStatus.CONFIRMED] = at  # a booking exists once it is confirmed
        self.attempts.append(booking)
        self.checked_at = at
        booking.report(status, at, courier)
        self._changed(booking)
        return booking

    def report(self, booking_id: str, status: BookingStatus, at: datetime, courier: Courier, now: datetime) -> bool:
        """A status from the courier (webhook or poll) for one of this shipment's bookings; answers
        whether the booking's status changed."""
        booking = self.booking(booking_id)
        if booking is None:
            raise InvalidValue("booking_id", f"{booking_id[:64]} is not a booking of this shipment")
        if booking is self.current:
            self.checked_at = now
        changed = booking.report(status, at, courier)
        if changed:
            self._changed(booking)
        return changed

    def checked(self, now: datetime) -> None:
        """We asked the courier about the live booking and nothing had changed."""
        self.checked_at = now

    def _changed(self, booking: Booking) -> None:
        last = booking.timeline[-1]
        self.record(
            ShipmentStatusChanged(
                order_id=self.order_id,
                store_id=self.store_id,
                buyer_id=self.buyer_id,
                booking_id=booking.booking_id,
                status=last.status.value,
                at=last.at,
            )
        )
