"""Orders as the buyer and the store's owner see and move them."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.ordering.moves import move_order
from marketplace.application.ordering.views import OrderView, order_view
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.application.stores.lookup import owned_store
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shared.ids import is_id

KIND = "orders"


def parse_status(status: str | None) -> OrderStatus | None:
    if status is None or status == "":
        return None
    try:
        return OrderStatus(status)
    except ValueError:
        raise InvalidValue("status", "must be one of " + ", ".join(s.value for s in OrderStatus)) from None


def _before(cursor: str | None) -> str | None:
    position = decode_cursor(cursor, kind=KIND)
    if position is None:
        return None
    before = position.get("id")
    if not isinstance(before, str) or not is_id(before):
        raise InvalidValue("cursor", "is not a cursor this list made")
    return before


def _page(orders: list[Order], limit: int, views: list[OrderView]) -> Page[OrderView]:
    more = len(orders) > limit
    return Page(
        items=views[:limit], next_cursor=encode_cursor({"k": KIND, "id": orders[limit - 1].id}) if more else None
    )


async def buyers_order(uow: UnitOfWork, user_id: str, order_id: str) -> Order:
    order = await uow.orders.get(order_id) if is_id(order_id) else None
    if order is None or order.buyer_id != user_id or order.voided:
        raise NotFound("order", order_id[:64])
    return order


async def stores_order(uow: UnitOfWork, user_id: str, store_id: str, order_id: str) -> Order:
    store = await owned_store(uow, store_id, user_id)
    order = await uow.orders.get(order_id) if is_id(order_id) else None
    if order is None or order.store_id != store.id or order.voided:
        raise NotFound("order", order_id[:64])
    return order


@dataclass(frozen=True, slots=True)
class BuyerOrders:
    uow: UnitOfWorkFactory
    clock: Clock

    async def list(self, user_id: str, status: str | None, limit: int, cursor: str | None) -> Page[OrderView]:
        wanted, before = parse_status(status), _before(cursor)
        async with self.uow() as uow:
            orders = await uow.orders.of_buyer(user_id, wanted, before, check_limit(limit) + 1)
        return _page(orders, limit, [order_view(o) for o in orders[:limit]])

    async def get(self, user_id: str, order_id: str) -> OrderView:
        async with self.uow() as uow:
            return order_view(await buyers_order(uow, user_id, order_id))

    async def cancel(self, user_id: str, order_id: str) -> OrderView:
        """Only a paid order the store has not accepted; its total is refunded (by the worker)."""
        async with self.uow() as uow:
            order = await buyers_order(uow, user_id, order_id)
            if order.status is OrderStatus.PENDING_PAYMENT:
                raise IllegalTransition("this order is not paid yet: cancel its checkout instead")
            await move_order(uow, order, OrderAction.CANCEL, self.clock.now())
            await uow.orders.save(order)
            await uow.commit()
            return order_view(order)

    async def confirm_received(self, user_id: str, order_id: str) -> OrderView:
        async with self.uow() as uow:
            order = await buyers_order(uow, user_id, order_id)
            await move_order(uow, order, OrderAction.COMPLETE, self.clock.now())
            await uow.orders.save(order)
            await uow.commit()
            return order_view(order)


@dataclass(frozen=True, slots=True)
class StoreOrders:
    uow: UnitOfWorkFactory
    clock: Clock

    async def list(
        self, user_id: str, store_id: str, status: str | None, limit: int, cursor: str | None
    ) -> Page[OrderView]:
        wanted, before = parse_status(status), _before(cursor)
        async with self.uow() as uow:
            store = await owned_store(uow, store_id, user_id)
            orders = await uow.orders.of_store(store.id, wanted, before, check_limit(limit) + 1)
        return _page(orders, limit, [order_view(o) for o in orders[:limit]])

    async def get(self, user_id: str, store_id: str, order_id: str) -> OrderView:
        async with self.uow() as uow:
            order = await stores_order(uow, user_id, store_id, order_id)
            return order_view(order, await uow.users.get(order.buyer_id))

    async def accept(self, user_id: str, store_id: str, order_id: str) -> OrderView:
        """A suspended store may not take on new orders (it may still reject them: the buyer is refunded)."""
        return await self._move(user_id, store_id, order_id, OrderAction.ACCEPT)

    async def reject(self, user_id: str, store_id: str, order_id: str) -> OrderView:
        """The seller will not fill it: stock back, the buyer refunded (by the worker)."""
        return await self._move(user_id, store_id, order_id, OrderAction.REJECT)

    async def _move(self, user_id: str, store_id: str, order_id: str, action: OrderAction) -> OrderView:
        async with self.uow() as uow:
            order = await stores_order(uow, user_id, store_id, order_id)
            if action is OrderAction.ACCEPT:
                (await owned_store(uow, store_id, user_id)).ensure_trading("accept orders")
            await move_order(uow, order, action, self.clock.now())
            await uow.orders.save(order)
            await uow.commit()
            return order_view(order, await uow.users.get(order.buyer_id))
