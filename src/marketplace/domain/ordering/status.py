"""The order state machine of docs/api.md, Statuses: which status each action may leave from."""

from __future__ import annotations

import enum


class OrderStatus(str, enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    ACCEPTED = "accepted"
    SHIPPING = "shipping"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    RETURNED = "returned"


S = OrderStatus
# action -> (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[OrderStatus], OrderStatus]] = {
    "pay": (frozenset({S.PENDING_PAYMENT}), S.PAID),
    "expire": (frozenset({S.PENDING_PAYMENT}), S.EXPIRED),
    "cancel": (frozenset({S.PENDING_PAYMENT, S.PAID}), S.CANCELLED),  # by the buyer, before acceptance
    "accept": (frozenset({S.PAID}), S.ACCEPTED),
    "reject": (frozenset({S.PAID}), S.REJECTED),
    "start_shipping": (frozenset({S.ACCEPTED}), S.SHIPPING),  # a booking was confirmed
    "booking_failed": (frozenset({S.SHIPPING}), S.ACCEPTED),  # no_driver or cancelled: the one backward edge
    "deliver": (frozenset({S.SHIPPING}), S.DELIVERED),
    "complete": (frozenset({S.DELIVERED}), S.COMPLETED),
    "return": (frozenset({S.SHIPPING}), S.RETURNED),  # the courier brought it back
}
FINAL = frozenset({S.COMPLETED, S.EXPIRED, S.CANCELLED, S.REJECTED, S.RETURNED})
# Exits after money was taken: the order's total goes back to the buyer.
# Exits before the parcel left: its quantities go back to the variants' stock. (A returned parcel is
# back in the seller's hands; the seller decides whether it can be sold again.)
RELEASES_STOCK = frozenset({"expire", "cancel", "reject"})
REFUNDED_FROM = {"cancel": frozenset({S.PAID}), "reject": frozenset({S.PAID}), "return": frozenset({S.SHIPPING})}


def next_status(current: OrderStatus, action: str) -> OrderStatus | None:
    """Where `action` leads from `current`, or None when it is not allowed there."""
    sources, target = TRANSITIONS[action]
    return target if current in sources else None
