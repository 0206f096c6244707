"""Shipments as docs/api.md shows them (GET /api/v1/orders/{id}/shipment, and the ship actions)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from marketplace.application.shared.views import MoneyView
from marketplace.domain.ordering.order import Order
from marketplace.domain.shipping.shipment import Shipment
from marketplace.domain.shipping.status import SEQUENCE, BookingStatus


class DriverView(msgspec.Struct, frozen=True):
    name: str | None
    phone: str | None


class TimelineEntryView(msgspec.Struct, frozen=True):
    status: str
    at: datetime
    booking_id: str


class AttemptView(msgspec.Struct, frozen=True):
    booking_id: str
    status: str
    method: str
    created_at: datetime


class ShipmentView(msgspec.Struct, frozen=True):
    order_id: str
    order_status: str
    provider: str
    booking_id: str | None
    method: str
    status: str | None
    driver: DriverView | None
    tracking_url: str | None
    price: MoneyView | None
    timeline: list[TimelineEntryView]  # every attempt's applied statuses, in the order they happened
    attempts: list[AttemptView]  # oldest first; the last one is the current booking


def shipment_view(shipment: Shipment, order: Order) -> ShipmentView:
    current = shipment.current
    timeline = sorted(
        (
            TimelineEntryView(status=point.status.value, at=point.at, booking_id=booking.booking_id)
            for booking in shipment.attempts
            for point in booking.timeline
        ),
        key=lambda entry: (entry.at, SEQUENCE[BookingStatus(entry.status)]),
    )
    courier = current.courier if current else None
    driver = None
    if courier is not None and (courier.driver_name or courier.driver_phone):
        driver = DriverView(name=courier.driver_name, phone=courier.driver_phone)
    price = None
    if courier is not None and courier.price is not None:
        price = MoneyView(amount=courier.price, currency=order.shipping_fee.currency)
    return ShipmentView(
        order_id=order.id,
        order_status=order.status.value,
        provider=shipment.provider,
        booking_id=current.booking_id if current else None,
        method=current.method if current else order.shipping_method,
        status=current.status.value if current else None,
        driver=driver,
        tracking_url=courier.tracking_url if courier else None,
        price=price,
        timeline=timeline,
        attempts=[
            AttemptView(booking_id=b.booking_id, status=b.status.value, method=b.method, created_at=b.created_at)
            for b in shipment.attempts
        ],
    )
