"""What a courier report does: the shipment takes it, and the order follows its current booking.

The order follows only the current (latest) booking: a late report about an earlier attempt
updates that attempt's record and nothing else. The order moves as docs/api.md "Shipment statuses" says: to
`shipping` once a booking is confirmed, `delivered` on delivery, back to `accepted` after
`no_driver` or a cancelled booking, `returned` after `rejected` (which refunds the buyer).
"""

from __future__ import annotations

from datetime import datetime

from marketplace.application.ordering.moves import move_order
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.application.ports.shipping import Booking as CourierBooking
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shipping.shipment import Courier, Shipment
from marketplace.domain.shipping.status import FAILED, BookingStatus

# The order's moves, from where it is, that bring it in line with its booking.
_SHIP, _DELIVER, _RETURN = OrderAction.START_SHIPPING, OrderAction.DELIVER, OrderAction.RETURN
_MOVES: dict[str, dict[OrderStatus, tuple[OrderAction, ...]]] = {
    "live": {OrderStatus.ACCEPTED: (_SHIP,)},
    "delivered": {OrderStatus.ACCEPTED: (_SHIP, _DELIVER), OrderStatus.SHIPPING: (_DELIVER,)},
    "failed": {OrderStatus.SHIPPING: (OrderAction.BOOKING_FAILED,)},
    "rejected": {OrderStatus.ACCEPTED: (_SHIP, _RETURN), OrderStatus.SHIPPING: (_RETURN,)},
}


def _kind(status: BookingStatus) -> str:
    if status is BookingStatus.DELIVERED:
        return "delivered"
    if status is BookingStatus.REJECTED:
        return "rejected"
    return "failed" if status in FAILED else "live"


async def follow(uow: UnitOfWork, order: Order, shipment: Shipment, now: datetime) -> bool:
    """Moves the order to match the shipment's current booking (stock and money follow, see
    `move_order`); answers whether it moved. The caller saves the order."""
    current = shipment.current
    if current is None:
        return False
    moves = _MOVES[_kind(current.status)].get(order.status, ())
    for action in moves:
        await move_order(uow, order, action, now)
    return bool(moves)


def courier_of(booking: CourierBooking) -> Courier:
    return Courier(
        driver_name=booking.driver_name,
        driver_phone=booking.driver_phone,
        tracking_url=booking.tracking_url,
        price=booking.price,
    )
