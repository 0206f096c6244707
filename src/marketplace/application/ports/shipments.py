"""Ports of the shipping context's records: the shipment repository (the courier itself is shipping.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.shipping.shipment import Shipment


class ShipmentRepository(Protocol):
    """Shipments by order id (one each), findable by any of their bookings' numbers."""

    async def add(self, shipment: Shipment) -> None:
        """Conflict when the order has a shipment already or a booking number is taken."""
        ...

    async def get(self, order_id: str) -> Shipment | None: ...

    async def get_by_booking(self, booking_id: str) -> Shipment | None: ...

    async def save(self, shipment: Shipment) -> None:
        """Raises ConcurrentUpdate when the stored version moved on."""
        ...

    async def quiet(self, heard_before: datetime, limit: int) -> list[str]:
        """Order ids of shipments whose live booking was last heard of before `heard_before`, the
        least recently heard first."""
        ...
