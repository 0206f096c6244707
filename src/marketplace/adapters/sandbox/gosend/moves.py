"""How a sandbox booking may move (docs/api.md, "Shipment statuses"): forward along the happy path
`confirmed -> allocated -> out_for_pickup -> picked -> out_for_delivery -> delivered` (jumps allowed),
`on_hold` after out_for_pickup and before delivered, `no_driver` only while confirmed, `cancelled` only
while CANCELLABLE, `rejected` only once the driver has the parcel; nothing moves a final booking."""

from __future__ import annotations

from datetime import datetime

from marketplace.adapters.sandbox.gosend.errors import GoSendError
from marketplace.adapters.sandbox.gosend.records import BookingRecord, Change, Driver
from marketplace.domain.shipping.status import CANCELLABLE, FINAL, FORWARD, HOLDS_AFTER, RANK, BookingStatus

B = BookingStatus
REJECTABLE = frozenset({B.PICKED, B.OUT_FOR_DELIVERY, B.ON_HOLD})


def next_status(booking: BookingRecord) -> BookingStatus:
    """The happy-path status after the furthest one reached (so from on_hold too)."""
    refuse_final(booking)
    return FORWARD[RANK[booking.furthest] + 1]


def refuse_final(booking: BookingRecord) -> None:
    if booking.status in FINAL:
        raise GoSendError(409, f"booking {booking.order_no} is {booking.status.value}, which is final")


def check(booking: BookingRecord, target: BookingStatus) -> None:
    """Raise 409 unless `target` may follow where `booking` is now."""
    refuse_final(booking)
    current = booking.status
    if target is B.ON_HOLD:
        allowed, rule = current in HOLDS_AFTER, "only from out_for_pickup, picked or out_for_delivery"
    elif target is B.NO_DRIVER:
        allowed, rule = current is B.CONFIRMED, "only from confirmed"
    elif target is B.CANCELLED:
        allowed, rule = current in CANCELLABLE, "only from confirmed, allocated or out_for_pickup"
    elif target is B.REJECTED:
        allowed, rule = current in REJECTABLE, "only from picked, out_for_delivery or on_hold"
    else:
        allowed = RANK[target] > RANK[booking.furthest]
        rule = f"only beyond {booking.furthest.value}, the furthest status it reached"
    if not allowed:
        raise GoSendError(
            409,
            f"booking {booking.order_no} cannot go from {current.value} to {target.value}: {target.value} comes {rule}",
        )


def apply(booking: BookingRecord, target: BookingStatus, at: datetime, reason: str | None = None) -> Change:
    """Move `booking` to `target` (already checked) and record the change."""
    booking.status = target
    if target in RANK and RANK[target] > RANK[booking.furthest]:
        booking.furthest = target
    if booking.driver is None and RANK[booking.furthest] >= RANK[B.ALLOCATED]:
        booking.driver = Driver.for_booking(booking.id)
    if booking.dispatched is None and RANK[booking.furthest] >= RANK[B.PICKED]:
        booking.dispatched = at
    if target is B.DELIVERED:
        booking.arrived = at
    if target in FINAL:
        booking.closed = at
    if target is B.CANCELLED:
        booking.cancel_description = reason or "Cancelled"
    change = Change(target, at)
    booking.history.append(change)
    return change
