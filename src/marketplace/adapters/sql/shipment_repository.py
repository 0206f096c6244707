"""SQL repository of shipments: a row per shipment, a row per booking (attempt)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.mappers import Row, time_from_json, time_to_json
from marketplace.adapters.sql.tables import shipment_bookings, shipments
from marketplace.domain.shared.errors import Conflict
from marketplace.domain.shipping.shipment import Booking, Courier, Shipment
from marketplace.domain.shipping.status import BookingStatus

TAKEN = {
    "shipments.id": lambda error: Conflict("this order has a shipment already"),
    "shipment_bookings.booking_id": lambda error: Conflict("this booking number belongs to another shipment"),
}


def shipment_to_row(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.order_id,
        "store_id": shipment.store_id,
        "buyer_id": shipment.buyer_id,
        "provider": shipment.provider,
        "live": shipment.live is not None,
        "checked_at": shipment.checked_at,
        "version": shipment.version,
    }


def booking_to_row(booking: Booking, shipment: Shipment, position: int) -> dict[str, Any]:
    courier = booking.courier
    return {
        "booking_id": booking.booking_id,
        "shipment_id": shipment.order_id,
        "position": position,
        "store_order_id": booking.store_order_id,
        "method": booking.method,
        "status": booking.status.value,
        "created_at": booking.created_at,
        "reported": {status.value: time_to_json(at) for status, at in booking.reported.items()},
        "courier": {
            "driver_name": courier.driver_name,
            "driver_phone": courier.driver_phone,
            "tracking_url": courier.tracking_url,
            "price": courier.price,
        },
    }


def booking_to_domain(row: Row) -> Booking:
    courier = row["courier"]
    return Booking(
        booking_id=row["booking_id"],
        store_order_id=row["store_order_id"],
        method=row["method"],
        created_at=row["created_at"],
        reported={BookingStatus(status): time_from_json(at) for status, at in row["reported"].items()},
        courier=Courier(
            driver_name=courier.get("driver_name"),
            driver_phone=courier.get("driver_phone"),
            tracking_url=courier.get("tracking_url"),
            price=courier.get("price"),
        ),
    )


def shipment_to_domain(row: Row, booking_rows: Sequence[Row]) -> Shipment:
    return Shipment(
        order_id=row["id"],
        store_id=row["store_id"],
        buyer_id=row["buyer_id"],
        provider=row["provider"],
        attempts=[booking_to_domain(b) for b in booking_rows],
        checked_at=row["checked_at"],
        version=row["version"],
    )


class SqlShipmentRepository(SqlRepository):
    """Bookings are few per shipment: a save writes them all again, in the same transaction."""

    async def add(self, shipment: Shipment) -> None:
        await self._write(insert(shipments), shipment_to_row(shipment), duplicates=TAKEN)
        await self._write_bookings(shipment)
        self._session.touch(shipment)

    async def get(self, order_id: str) -> Shipment | None:
        row = await self._one(select(shipments).where(shipments.c.id == order_id))
        return None if row is None else await self._with_bookings(row)

    async def get_by_booking(self, booking_id: str) -> Shipment | None:
        row = await self._one(
            select(shipments)
            .join(shipment_bookings, shipment_bookings.c.shipment_id == shipments.c.id)
            .where(shipment_bookings.c.booking_id == booking_id)
        )
        return None if row is None else await self._with_bookings(row)

    async def save(self, shipment: Shipment) -> None:
        await self._update_versioned(shipments, shipment, shipment_to_row(shipment))
        await self._write(delete(shipment_bookings).where(shipment_bookings.c.shipment_id == shipment.order_id))
        await self._write_bookings(shipment)

    async def quiet(self, heard_before: datetime, limit: int) -> list[str]:
        rows = await self._all(
            select(shipments.c.id)
            .where(shipments.c.live, (shipments.c.checked_at < heard_before) | shipments.c.checked_at.is_(None))
            .order_by(shipments.c.checked_at.nulls_first(), shipments.c.id)
            .limit(limit)
        )
        return [row["id"] for row in rows]

    async def _write_bookings(self, shipment: Shipment) -> None:
        if shipment.attempts:
            await self._write(
                insert(shipment_bookings),
                [booking_to_row(b, shipment, i) for i, b in enumerate(shipment.attempts)],
                duplicates=TAKEN,
            )

    async def _with_bookings(self, row: Row) -> Shipment:
        bookings = await self._all(
            select(shipment_bookings)
            .where(shipment_bookings.c.shipment_id == row["id"])
            .order_by(shipment_bookings.c.position)
        )
        return shipment_to_domain(row, bookings)
