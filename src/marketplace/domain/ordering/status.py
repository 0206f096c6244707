"""The statuses an order can be in (docs/api.md, Statuses); which moves lead between them is `policy.py`."""

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
