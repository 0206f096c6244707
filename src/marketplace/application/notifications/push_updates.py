"""Outbox handler: order, payment and shipment status changes pushed live (docs/api.md, "Chat and notifications
over Socket.IO"): `order:updated` and `shipment:updated` to the buyer and the store's owner, `payment:updated` to
the buyer. Pushing is best effort and may repeat; clients read the resource again when told it changed."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ports.notifier import Notifier
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.ordering.checkout import CheckoutSettled
from marketplace.domain.ordering.order import OrderStatusChanged
from marketplace.domain.shipping.shipment import ShipmentStatusChanged

PAYMENT_STATUS = {"paid": "paid", "expired": "expired", "cancelled": "expired"}  # checkout -> its payment


@dataclass(frozen=True, slots=True)
class PushUpdates:
    uow: UnitOfWorkFactory
    notifier: Notifier
    name: str = "push-updates"

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(CheckoutSettled, self.name, self.checkout_settled)
        bus.subscribe(OrderStatusChanged, self.name, self.order_changed)
        bus.subscribe(ShipmentStatusChanged, self.name, self.shipment_changed)

    async def checkout_settled(self, received: Received[CheckoutSettled]) -> None:
        event, status = received.event, received.event.status
        await self.notifier.notify(
            [event.buyer_id],
            "payment:updated",
            {
                "checkout_id": event.checkout_id,
                "status": PAYMENT_STATUS.get(status, status),
                "checkout_status": status,
                "at": received.created_at.isoformat(),
            },
        )

    async def order_changed(self, received: Received[OrderStatusChanged]) -> None:
        event = received.event
        await self.notifier.notify(
            [event.buyer_id, *await self._owner(event.store_id)],
            "order:updated",
            {
                "order_id": event.order_id,
                "checkout_id": event.checkout_id,
                "store_id": event.store_id,
                "status": event.status,
                "at": received.created_at.isoformat(),
            },
        )

    async def shipment_changed(self, received: Received[ShipmentStatusChanged]) -> None:
        event = received.event
        await self.notifier.notify(
            [event.buyer_id, *await self._owner(event.store_id)],
            "shipment:updated",
            {
                "order_id": event.order_id,
                "booking_id": event.booking_id,
                "status": event.status,
                "at": event.at.isoformat(),
            },
        )

    async def _owner(self, store_id: str) -> list[str]:
        async with self.uow() as uow:
            store = await uow.stores.get(store_id)
        return [store.owner_id] if store is not None else []
