"""GoSend's booking statuses and the order docs/api.md ("Shipment statuses") gives them.

A booking moves forward only: `confirmed < allocated < out_for_pickup < picked < out_for_delivery <
delivered`. `on_hold` may come between `out_for_pickup` and `delivered` and moves nothing.
`delivered`, `cancelled`, `rejected` and `no_driver` are final: nothing after them applies.
"""

from __future__ import annotations

import enum


class BookingStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    ALLOCATED = "allocated"
    OUT_FOR_PICKUP = "out_for_pickup"
    PICKED = "picked"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ON_HOLD = "on_hold"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    NO_DRIVER = "no_driver"


B = BookingStatus
FORWARD = (B.CONFIRMED, B.ALLOCATED, B.OUT_FOR_PICKUP, B.PICKED, B.OUT_FOR_DELIVERY, B.DELIVERED)
RANK = {status: rank for rank, status in enumerate(FORWARD)}
FINAL = frozenset({B.DELIVERED, B.CANCELLED, B.REJECTED, B.NO_DRIVER})
FAILED = frozenset({B.CANCELLED, B.NO_DRIVER})  # the parcel never left: the seller may book again
HOLDS_AFTER = frozenset({B.OUT_FOR_PICKUP, B.PICKED, B.OUT_FOR_DELIVERY})  # where `on_hold` may come
CANCELLABLE = frozenset({B.CONFIRMED, B.ALLOCATED, B.OUT_FOR_PICKUP})  # before the driver has the parcel
# Two events at the same instant are read in this order (a poll and a webhook may share a timestamp).
SEQUENCE = {
    status: i
    for i, status in enumerate(
        (
            B.CONFIRMED,
            B.ALLOCATED,
            B.OUT_FOR_PICKUP,
            B.ON_HOLD,
            B.PICKED,
            B.OUT_FOR_DELIVERY,
            B.NO_DRIVER,
            B.CANCELLED,
            B.REJECTED,
            B.DELIVERED,
        )
    )
}


def applies(status: BookingStatus, current: BookingStatus | None, furthest: BookingStatus | None) -> bool:
    """Whether `status` moves a booking that is at `current`, having got as far as `furthest`."""
    if current in FINAL or status == current:
        return False
    if status is B.ON_HOLD:
        return furthest in HOLDS_AFTER
    if status in FINAL and status is not B.DELIVERED:
        return True  # the courier's word on a failure ends the booking wherever it was
    return furthest is None or RANK[status] > RANK[furthest]
