"""The seller ships an accepted order (books the courier) or cancels the live booking.

`ship` is synchronous: the courier is booked while the seller waits, outside any transaction, and
the booking is recorded after. A booking is asked for with a reference naming the order and the
attempt, so a retry after a timeout, or two clicks at once, get the same booking back from the
courier rather than two drivers. A courier failure leaves the order as it was: 503 when it could
not be reached (try again), 502 when it refused (the message says why).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from marketplace.application.errors import BackendUnavailable, ProviderFailed
from marketplace.application.ordering.orders import stores_order
from marketplace.application.ports.persistence import ProviderCallback, UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.provider_reports import BookingReport, BookingTranslator
from marketplace.application.ports.shipping import Booking as CourierBooking
from marketplace.application.ports.shipping import (
    BookingRequest,
    ShippingGateway,
    ShippingMethod,
    ShippingRefused,
    Stop,
)
from marketplace.application.ports.system import Clock
from marketplace.application.shipping.track_shipment import CONFIRMED_WITH_COURIER, event_time
from marketplace.application.shipping.tracking import courier_of, follow
from marketplace.application.shipping.views import ShipmentView, shipment_view
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import Conflict, IllegalTransition, InvalidValue
from marketplace.domain.shipping.shipment import Shipment
from marketplace.domain.shipping.status import CANCELLABLE

BOOKING_DEADLINE = 20.0  # seconds the seller waits for the courier, retries included
ATTEMPTS = 3  # a webhook may move the shipment while we record: read again and redo
NOT_YET = {
    OrderStatus.PENDING_PAYMENT: "this order is not paid yet",
    OrderStatus.PAID: "accept this order before shipping it",
    OrderStatus.SHIPPING: "this order already has a live courier booking; cancel it first",
}


@dataclass(frozen=True, slots=True)
class StoreShipping:
    uow: UnitOfWorkFactory
    shipping: ShippingGateway
    clock: Clock
    # Each courier provider's translator, by the provider's name, to read its kept webhooks again.
    booking_events: Mapping[str, BookingTranslator]

    async def ship(self, user_id: str, store_id: str, order_id: str) -> ShipmentView:
        async with self.uow() as uow:
            order = await stores_order(uow, user_id, store_id, order_id)
            shipment = await uow.shipments.get(order.id)
            if order.status is not OrderStatus.ACCEPTED:
                reason = NOT_YET.get(order.status, f"an order that is {order.status.value} cannot be shipped")
                raise IllegalTransition(reason)
            if shipment is not None and not shipment.may_book():
                raise Conflict("this order already has a live courier booking; cancel it first")
            request = await self._request(uow, order, shipment)
        try:
            async with asyncio.timeout(BOOKING_DEADLINE):
                booked = await self.shipping.book(request)
        except TimeoutError:
            # A booking made meanwhile is found by its reference at the next attempt: never two drivers.
            raise BackendUnavailable("the courier did not answer in time; try again") from None
        except ShippingRefused as refused:
            raise ProviderFailed(f"the courier refused the booking: {refused}; the order is unchanged") from None
        return await self._record(order.id, booked)

    async def cancel(self, user_id: str, store_id: str, order_id: str) -> ShipmentView:
        async with self.uow() as uow:
            order = await stores_order(uow, user_id, store_id, order_id)
            shipment = await uow.shipments.get(order.id)
        live = shipment.live if shipment is not None else None
        if live is None:
            raise IllegalTransition("this order has no live courier booking to cancel")
        if live.status not in CANCELLABLE:
            raise IllegalTransition(
                f"the booking is {live.status.value}: the driver has the parcel, it can no longer be cancelled"
            )
        try:
            cancelled = await self.shipping.cancel(live.booking_id)
        except ShippingRefused as refused:
            raise IllegalTransition(f"the courier would not cancel the booking: {refused}") from None
        return await self._record(order.id, cancelled)

    async def _request(self, uow: UnitOfWork, order: Order, shipment: Shipment | None) -> BookingRequest:
        store = await uow.stores.get(order.store_id)
        owner = await uow.users.get(store.owner_id) if store is not None else None
        if store is None or store.pickup_address.point is None:
            raise InvalidValue("pickup_address", "the store's pickup address has no coordinates")
        address = order.address
        if address is None or address.point is None:
            raise InvalidValue("address", "the delivery address has no coordinates: the courier cannot be booked")
        pickup, origin = store.pickup_address, store.pickup_address.point
        return BookingRequest(
            store_order_id=shipment.next_reference() if shipment is not None else f"{order.id}-1",
            method=ShippingMethod(order.shipping_method),
            origin=Stop(
                name=owner.name if owner else store.name,
                phone=pickup.phone,
                address=f"{pickup.line1}, {pickup.city} {pickup.postal_code}",
                point=origin,
                note=f"{store.name}, order {order.id}",
            ),
            destination=Stop(
                name=address.recipient,
                phone=address.phone,
                address=f"{address.line1}, {address.city} {address.postal_code}",
                point=address.point,
                note=address.label,
            ),
            item=", ".join(f"{line.quantity} x {line.title}" for line in order.lines)[:200],
            value=order.subtotal.amount,
        )

    async def _record(self, order_id: str, booked: CourierBooking) -> ShipmentView:
        for attempt in range(ATTEMPTS):
            try:
                return await self._record_once(order_id, booked)
            except Conflict:  # moved meanwhile (a webhook, a second click): read again
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def _record_once(self, order_id: str, booked: CourierBooking) -> ShipmentView:
        now = self.clock.now()
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise IllegalTransition("the order vanished while the courier was booked")
            shipment = await uow.shipments.get(order_id)
            is_new = shipment is None
            if shipment is None:
                shipment = Shipment(order_id=order.id, store_id=order.store_id, buyer_id=order.buyer_id)
            if shipment.booking(booked.booking_id) is None:
                shipment.add_booking(
                    booked.booking_id,
                    booked.store_order_id,
                    booked.method.value,
                    booked.status,
                    now,
                    courier_of(booked),
                )
                # Webhooks that came before this booking was recorded (GoSend sends `confirmed` at once)
                # were kept unmatched: they apply now.
                for provider in self.booking_events:
                    for early in await uow.callbacks.recent(provider, booked.booking_id, 20):
                        report = self._early(early)
                        if report is not None and report.status is not None:
                            at = event_time(report, now)
                            shipment.report(booked.booking_id, report.status, at, report.courier, now)
            else:
                shipment.report(booked.booking_id, booked.status, now, courier_of(booked), now)
            await follow(uow, order, shipment, now)
            await (uow.shipments.add(shipment) if is_new else uow.shipments.save(shipment))
            await uow.orders.save(order)
            await uow.commit()
            return shipment_view(shipment, order)

    def _early(self, kept: ProviderCallback) -> BookingReport | None:
        """A webhook kept unmatched, read again by its provider's translator; None when it does not apply
        now (matched already, unreadable, or a status that must be confirmed with the courier first)."""
        translate = self.booking_events.get(kept.provider)
        if kept.matched or translate is None:
            return None
        try:
            report = translate(kept.payload)
        except InvalidValue:
            return None
        return None if report.status in CONFIRMED_WITH_COURIER else report
