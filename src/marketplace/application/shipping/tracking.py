"""What a courier report does: the shipment takes it, and the order follows its current booking.

The order follows only the current (latest) booking: a late report about an earlier attempt
updates that attempt's record and nothing else. The order moves as docs/api.md "Shipment statuses" says: to
`shipping` once a booking is confirmed, `delivered` on delivery, back to `accepted` after
`no_driver` or a cancelled booking, `returned` after `rejected` (which refunds the buyer).
"""

from __future__ import annotations

from datetime import datetime

from marketplace.application.ports.shipping import Booking as CourierBooking
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shipping.shipment import Courier, Shipment
from marketplace.domain.shipping.status import FAILED, BookingStatus

# The order's moves, from where it is, that bring it in line with its booking.
_MOVES: dict[str, dict[OrderStatus, tuple[str, ...]]] = {
    "live": {OrderStatus.ACCEPTED: ("start_shipping",)},
    "delivered": {OrderStatus.ACCEPTED: ("start_shipping", "deliver"), OrderStatus.SHIPPING: ("deliver",)},
    "failed": {OrderStatus.SHIPPING: ("booking_failed",)},
    "rejected": {OrderStatus.ACCEPTED: ("start_shipping", "return"), OrderStatus.SHIPPING: ("return",)},
}


def _kind(status: BookingStatus) -> str:
    if status is BookingStatus.DELIVERED:
        return "delivered"
    if status is BookingStatus.REJECTED:
        return "rejected"
    return "failed" if status in FAILED else "live"


def follow(order: Order, shipment: Shipment, now: datetime) -> bool:
    """Moves the order to match the shipment's current booking; answers whether it moved."""
    current = shipment.current
    if current is None:
        return False
    moves = _MOVES[_kind(current.status)].get(order.status, ())
    for action in moves:
        getattr(order, "return_to_store" if action == "return" else action)(now)
    return bool(moves)


def courier_of(booking: CourierBooking) -> Courier:
    return Courier(
        driver_name=booking.driver_name,
        driver_phone=booking.driver_phone,
        tracking_url=booking.tracking_url,
        price=booking.price,
    )
