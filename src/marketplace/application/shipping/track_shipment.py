"""Courier reports: the webhook, and the worker's poll of live bookings that have gone quiet.

Reports come again, late and out of order; the shipment keeps each status once and works its
state out from them (see domain/shipping/shipment.py), so any number of repeats in any order
leaves the same timeline. A webhook about a booking we do not know is acknowledged and recorded
for a person to look at, like every other provider callback.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.persistence import ProviderCallback, UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.shipping import ShippingGateway, ShippingRefused
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.shipping.tracking import courier_of, follow
from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shipping.shipment import Courier
from marketplace.domain.shipping.status import BookingStatus

log = logging.getLogger("marketplace.shipping")
ATTEMPTS = 10  # reports for one booking arriving together queue on its version: each is read again
BATCH = 50
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
CONFIRMED_WITH_COURIER = frozenset({BookingStatus.REJECTED})  # statuses checked with the courier before they apply


def _text(payload: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = payload.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def event_time(payload: dict[str, Any], now: datetime) -> datetime:
    """`event_date` is epoch milliseconds (docs/providers.md, "GoSend webhook"); one missing or absurd is taken as now."""
    millis = _number(payload.get("event_date"))
    if millis is None:
        return now
    try:
        at = datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return now
    return at if EARLIEST <= at <= now + timedelta(minutes=5) else now


def report_of(payload: dict[str, Any], now: datetime) -> tuple[BookingStatus, datetime, Courier] | None:
    """A booking event's status, time and courier details; None when its status is not one we know."""
    status_text = _text(payload, "status", "booking_status")
    try:
        status = BookingStatus((status_text or "").lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        return None
    courier = Courier(
        driver_name=_text(payload, "driver_name"),
        driver_phone=_text(payload, "driver_phone"),
        tracking_url=_text(payload, "live_tracking_url"),
        price=_number(payload.get("price")),
    )
    return status, event_time(payload, now), courier


@dataclass(frozen=True, slots=True)
class ShipmentReports:
    uow: UnitOfWorkFactory
    shipping: ShippingGateway
    clock: Clock
    ids: IdGenerator
    quiet_after: timedelta = timedelta(minutes=5)  # a live booking unheard of this long is asked about

    async def webhook(self, payload: dict[str, Any]) -> str:
        """A GoSend booking event; answers what became of it."""
        booking_id = _text(payload, "booking_id", "entity_id")
        status_text = _text(payload, "status", "booking_status")
        if booking_id is None:
            raise InvalidValue("booking_id", "is missing")
        if status_text is None:
            raise InvalidValue("status", "is missing")
        try:
            status = BookingStatus(status_text.lower().replace("-", "_").replace(" ", "_"))
        except ValueError:
            return await self._keep(booking_id, status_text, False, f"unknown status {status_text[:40]}", payload)
        if status in CONFIRMED_WITH_COURIER:
            # A refund follows: the static token alone is not enough, the courier must say so too.
            booking = await self.shipping.booking(booking_id)
            if booking is None or booking.status is not status:
                said = booking.status.value if booking is not None else "unknown"
                return await self._keep(
                    booking_id, status_text, False, f"unconfirmed: the courier says the booking is {said}", payload
                )
        now = self.clock.now()
        courier = Courier(
            driver_name=_text(payload, "driver_name"),
            driver_phone=_text(payload, "driver_phone"),
            tracking_url=_text(payload, "live_tracking_url"),
            price=_number(payload.get("price")),
        )
        return await self._apply(booking_id, status, event_time(payload, now), courier, payload)

    async def poll(self) -> int:
        """Asks the courier about live bookings not heard of for `quiet`; answers how many changed."""
        now = self.clock.now()
        async with self.uow() as uow:
            quiet = await uow.shipments.quiet(now - self.quiet_after, BATCH)
        changed = 0
        for order_id in quiet:
            try:
                changed += await self._poll_one(order_id)
            except (BackendUnavailable, ShippingRefused) as error:
                log.warning("the courier could not be asked about order %s: %s", order_id, error)
            except Conflict:
                continue  # a webhook moved it meanwhile
        return changed

    async def _poll_one(self, order_id: str) -> int:
        async with self.uow() as uow:
            shipment = await uow.shipments.get(order_id)
        live = shipment.live if shipment is not None else None
        if live is None:
            return 0
        booking = await self.shipping.booking(live.booking_id)
        now = self.clock.now()
        async with self.uow() as uow:
            shipment = await uow.shipments.get(order_id)
            order = await uow.orders.get(order_id)
            if shipment is None or order is None:
                return 0
            if booking is None:
                log.warning("the courier does not know booking %s of order %s", live.booking_id, order_id)
                shipment.checked(now)
                changed = False
            else:
                changed = shipment.report(booking.booking_id, booking.status, now, courier_of(booking), now)
                await follow(uow, order, shipment, now)
                await uow.orders.save(order)
            await uow.shipments.save(shipment)
            await uow.commit()
        return int(changed)

    async def _apply(
        self, booking_id: str, status: BookingStatus, at: datetime, courier: Courier, payload: dict[str, Any]
    ) -> str:
        for attempt in range(ATTEMPTS):
            try:
                async with self.uow() as uow:
                    shipment = await uow.shipments.get_by_booking(booking_id)
                    order = await uow.orders.get(shipment.order_id) if shipment is not None else None
                    if shipment is None or order is None:
                        return await self._keep_in(
                            uow, booking_id, status.value, False, "no shipment has this booking", payload
                        )
                    now = self.clock.now()
                    changed = shipment.report(booking_id, status, at, courier, now)
                    moved = await follow(uow, order, shipment, now)
                    await uow.shipments.save(shipment)
                    if moved:
                        await uow.orders.save(order)
                    booking = shipment.booking(booking_id)
                    current = booking.status.value if booking else status.value
                    note = f"applied: the booking is {current}" if changed else f"ignored: the booking is {current}"
                    return await self._keep_in(uow, booking_id, status.value, True, note, payload)
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise AssertionError("unreachable")

    async def _keep(self, reference: str, status: str, matched: bool, note: str, payload: dict[str, Any]) -> str:
        async with self.uow() as uow:
            return await self._keep_in(uow, reference, status, matched, note, payload)

    async def _keep_in(
        self, uow: UnitOfWork, reference: str, status: str, matched: bool, note: str, payload: dict[str, Any]
    ) -> str:
        await uow.callbacks.add(
            ProviderCallback(
                id=self.ids.new_id(),
                provider="gosend",
                kind="booking",
                reference=reference[:100],
                status=status[:40],
                matched=matched,
                note=note[:500],
                payload=payload,
                received_at=self.clock.now(),
            )
        )
        await uow.commit()
        return note
