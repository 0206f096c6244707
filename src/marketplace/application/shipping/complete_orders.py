"""Delivered orders complete by themselves once the buyer has had `after` to say otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from marketplace.application.ordering.moves import move_order
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import Conflict

BATCH = 100


@dataclass(frozen=True, slots=True)
class CompleteDeliveredOrders:
    uow: UnitOfWorkFactory
    clock: Clock
    after: timedelta = timedelta(days=7)

    async def __call__(self) -> int:
        """Answers how many orders it completed."""
        async with self.uow() as uow:
            due = await uow.orders.delivered_before(self.clock.now() - self.after, BATCH)
        completed = 0
        for order_id in due:
            try:
                async with self.uow() as uow:
                    order = await uow.orders.get(order_id)
                    if order is None or order.status is not OrderStatus.DELIVERED:
                        continue  # the buyer confirmed meanwhile
                    await move_order(uow, order, OrderAction.COMPLETE, self.clock.now())
                    await uow.orders.save(order)
                    await uow.commit()
                    completed += 1
            except Conflict:
                continue  # the buyer confirmed at the same moment
        return completed
