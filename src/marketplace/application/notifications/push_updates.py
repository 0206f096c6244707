"""Outbox handler: order, payment and shipment status changes pushed live (docs/api.md, "Chat and notifications
over Socket.IO"): `order:updated` and `shipment:updated` to the buyer and the store's owner, `payment:updated` to
the buyer. Pushing is best effort and may repeat; clients read the resource again when told it changed."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.ports.notifier import Notifier
from marketplace.application.ports.outbox import OutboxEntry
from marketplace.application.ports.persistence import UnitOfWorkFactory

PAYMENT_STATUS = {"paid": "paid", "expired": "expired", "cancelled": "expired"}  # checkout -> its payment


@dataclass(frozen=True, slots=True)
class PushUpdates:
    uow: UnitOfWorkFactory
    notifier: Notifier
    name: str = "push-updates"
    topics: tuple[str, ...] = ("OrderStatusChanged", "CheckoutSettled", "ShipmentStatusChanged")

    async def __call__(self, message: OutboxEntry) -> None:
        payload, at = message.payload, message.created_at.isoformat()
        if message.topic == "CheckoutSettled":
            status = str(payload["status"])
            await self.notifier.notify(
                [payload["buyer_id"]],
                "payment:updated",
                {
                    "checkout_id": payload["checkout_id"],
                    "status": PAYMENT_STATUS.get(status, status),
                    "checkout_status": status,
                    "at": at,
                },
            )
            return
        people = [payload["buyer_id"], *await self._owner(payload["store_id"])]
        if message.topic == "OrderStatusChanged":
            await self.notifier.notify(
                people,
                "order:updated",
                {
                    "order_id": payload["order_id"],
                    "checkout_id": payload["checkout_id"],
                    "store_id": payload["store_id"],
                    "status": payload["status"],
                    "at": at,
                },
            )
        elif message.topic == "ShipmentStatusChanged":
            await self.notifier.notify(
                people,
                "shipment:updated",
                {
                    "order_id": payload["order_id"],
                    "booking_id": payload["booking_id"],
                    "status": payload["status"],
                    "at": payload.get("at") or at,
                },
            )

    async def _owner(self, store_id: str) -> list[str]:
        async with self.uow() as uow:
            store = await uow.stores.get(store_id)
        return [store.owner_id] if store is not None else []
