"""An order's shipment, for its buyer and for its store's owner (404 for anyone else)."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.shipping.views import ShipmentView, shipment_view
from marketplace.domain.shared.ids import is_id
from marketplace.domain.shipping.shipment import Shipment


@dataclass(frozen=True, slots=True)
class GetShipment:
    uow: UnitOfWorkFactory

    async def __call__(self, user_id: str, order_id: str) -> ShipmentView:
        async with self.uow() as uow:
            order = await uow.orders.get(order_id) if is_id(order_id) else None
            store = await uow.stores.get(order.store_id) if order is not None else None
            allowed = order is not None and (
                order.buyer_id == user_id or (store is not None and store.is_owned_by(user_id))
            )
            if order is None or not allowed or order.voided:
                raise NotFound("order", order_id[:64])
            shipment = await uow.shipments.get(order.id)
            if shipment is None:  # not shipped yet: no booking, no timeline
                shipment = Shipment(order_id=order.id, store_id=order.store_id, buyer_id=order.buyer_id)
            return shipment_view(shipment, order)
