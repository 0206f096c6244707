"""Moving an order: the one way every use case does it, so that stock and money always follow."""

from __future__ import annotations

from datetime import datetime

from marketplace.application.ports.persistence import UnitOfWork
from marketplace.application.settlement.booking import settle_order_money
from marketplace.domain.ordering.order import Order, OrderEffects
from marketplace.domain.ordering.policy import OrderAction


async def move_order(uow: UnitOfWork, order: Order, action: OrderAction, now: datetime) -> OrderEffects:
    """Applies `action` to the order, gives its stock back and books its money, as the policy says
    (domain/ordering/policy.py). The caller saves the order (it may move it more than once first); the
    refund itself is asked of the provider by the worker, from the order's event."""
    effects = order.apply(action, now)
    if effects.released:
        await uow.stock.release(effects.released)
    await settle_order_money(uow, order, effects.ledger)
    return effects
