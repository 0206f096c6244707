"""OrderRepository contract over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from marketplace.domain.identity.user import User
from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import new_id
from marketplace.domain.stores.store import Store
from tests.integration.contracts.conftest import T0, Backend, a_checkout, a_store, a_user, an_order, fetch, is_utc, seed


async def _orders(backend: Backend, buyer: User, stores: list[Store], statuses: list[OrderStatus]) -> list[Order]:
    """One checkout per order, made in the order given (so ids grow), moved to each status."""
    made = []
    for i, status in enumerate(statuses):
        order = an_order(buyer, stores[i % len(stores)], new_id(), at=T0 + timedelta(minutes=i))
        if status is not OrderStatus.PENDING_PAYMENT:
            order.apply(OrderAction.PAY, T0 + timedelta(minutes=i, seconds=1))
        if status is OrderStatus.ACCEPTED:
            order.apply(OrderAction.ACCEPT, T0 + timedelta(minutes=i, seconds=2))
        order.pull_events()
        await seed(backend, a_checkout(buyer, [order]), order)
        made.append(order)
    return made


async def test_an_order_comes_back_with_its_lines_history_and_address(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    order = an_order(buyer, store, new_id(), lines=[("v-2", 2, 150_000), ("v-1", 1, 99_500), ("v-3", 4, 1_000)])
    order.apply(OrderAction.PAY, T0 + timedelta(minutes=2))
    order.apply(OrderAction.ACCEPT, T0 + timedelta(minutes=5, microseconds=11))
    await seed(backend, buyer, store, a_checkout(buyer, [order]), order)
    stored = await fetch(backend, lambda uow: uow.orders.get(order.id))
    assert stored is not None
    assert asdict(stored) == asdict(order)
    assert [line.variant_id for line in stored.lines] == ["v-2", "v-1", "v-3"]
    assert [change.status for change in stored.history] == [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.ACCEPTED,
    ]
    assert all(is_utc(change.at) for change in stored.history) and is_utc(stored.created_at)
    assert stored.total == order.total
    assert await fetch(backend, lambda uow: uow.orders.get(new_id())) is None


async def test_an_order_without_an_address_round_trips(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    order = an_order(buyer, store, new_id())
    order.address = None
    await seed(backend, buyer, store, a_checkout(buyer, [order]), order)
    stored = await fetch(backend, lambda uow: uow.orders.get(order.id))
    assert stored is not None and stored.address is None


async def test_orders_may_be_added_before_their_checkout_and_come_back_in_its_order(backend: Backend) -> None:
    buyer = a_user()
    stores = [a_store(buyer), a_store(buyer), a_store(buyer)]
    await seed(backend, buyer, *stores)
    checkout_id = new_id()
    orders = [an_order(buyer, store, checkout_id) for store in stores]
    checkout = a_checkout(buyer, [orders[1], orders[2], orders[0]])
    async with backend.uow() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.checkouts.add(checkout)
        await uow.commit()
    found = await fetch(backend, lambda uow: uow.orders.of_checkout(checkout_id))
    assert [o.id for o in found] == checkout.order_ids
    assert await fetch(backend, lambda uow: uow.orders.of_checkout(new_id())) == []


async def test_a_buyers_orders_come_newest_first_by_status_and_page(backend: Backend) -> None:
    buyer, other = a_user(), a_user()
    stores = [a_store(buyer), a_store(other)]
    await seed(backend, buyer, other, *stores)
    s = OrderStatus
    mine = await _orders(backend, buyer, stores, [s.PAID, s.PENDING_PAYMENT, s.PAID, s.ACCEPTED, s.PAID])
    await _orders(backend, other, stores, [s.PAID])

    async def ids(status: OrderStatus | None, before: str | None, limit: int) -> list[str]:
        found = await fetch(backend, lambda uow: uow.orders.of_buyer(buyer.id, status, before, limit))
        return [o.id for o in found]

    newest_first = [o.id for o in reversed(mine)]
    assert await ids(None, None, 10) == newest_first
    assert await ids(None, None, 2) == newest_first[:2]
    assert await ids(None, newest_first[1], 2) == newest_first[2:4]
    paid = [o.id for o in reversed(mine) if o.status is s.PAID]
    assert await ids(s.PAID, None, 10) == paid
    assert await ids(s.PAID, paid[0], 10) == paid[1:]
    assert await ids(s.COMPLETED, None, 10) == []
    listed = await fetch(backend, lambda uow: uow.orders.of_buyer(buyer.id, None, None, 10))
    assert all(len(o.lines) == 1 and o.address is not None for o in listed)


async def test_a_stores_orders_come_newest_first_by_status_and_page(backend: Backend) -> None:
    seller, buyer = a_user(), a_user()
    store, elsewhere = a_store(seller), a_store(seller)
    await seed(backend, seller, buyer, store, elsewhere)
    s = OrderStatus
    orders = await _orders(backend, buyer, [store, elsewhere], [s.PAID, s.PAID, s.ACCEPTED, s.PAID, s.PAID])
    here = [o.id for o in reversed(orders) if o.store_id == store.id]

    async def ids(status: OrderStatus | None, before: str | None, limit: int) -> list[str]:
        found = await fetch(backend, lambda uow: uow.orders.of_store(store.id, status, before, limit))
        return [o.id for o in found]

    assert await ids(None, None, 10) == here
    assert await ids(None, here[0], 1) == here[1:2]
    assert await ids(s.PAID, None, 10) == [
        o.id for o in reversed(orders) if o.store_id == store.id and o.status is s.PAID
    ]
    assert await ids(s.ACCEPTED, None, 10) == [orders[2].id]


async def test_saving_moves_the_version_on_and_a_stale_save_fails(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    (order,) = await _orders(backend, buyer, [store], [OrderStatus.PAID])
    async with backend.uow() as first, backend.uow() as second:
        mine, theirs = await first.orders.get(order.id), await second.orders.get(order.id)
        assert mine is not None and theirs is not None
        mine.apply(OrderAction.ACCEPT, T0 + timedelta(hours=1))
        await first.orders.save(mine)
        assert mine.version == 1
        await first.commit()
        theirs.apply(OrderAction.REJECT, T0 + timedelta(hours=1))
        with pytest.raises((ConcurrentUpdate, Conflict)):
            await second.orders.save(theirs)
            await second.commit()
    stored = await fetch(backend, lambda uow: uow.orders.get(order.id))
    assert stored is not None and (stored.status, stored.version) == (OrderStatus.ACCEPTED, 1)
    assert [c.status for c in stored.history][-1] is OrderStatus.ACCEPTED


async def test_listing_orders_costs_two_statements_however_many_it_shows(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    buyer = a_user()
    store = a_store(buyer)
    await seed(sql_backend, buyer, store)
    await _orders(sql_backend, buyer, [store], [OrderStatus.PAID] * 6)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(sql_backend.engine.sync_engine, "before_cursor_execute", count)
    try:
        listed = await fetch(sql_backend, lambda uow: uow.orders.of_buyer(buyer.id, None, None, 10))
        by_store = await fetch(sql_backend, lambda uow: uow.orders.of_store(store.id, OrderStatus.PAID, None, 10))
    finally:
        event.remove(sql_backend.engine.sync_engine, "before_cursor_execute", count)
    assert len(listed) == len(by_store) == 6 and all(o.lines for o in listed)
    assert len(statements) == 4


async def test_voided_orders_are_kept_but_listed_to_nobody(backend: Backend) -> None:
    buyer = a_user()
    store = a_store(buyer)
    await seed(backend, buyer, store)
    kept, voided = await _orders(backend, buyer, [store], [OrderStatus.PENDING_PAYMENT, OrderStatus.PENDING_PAYMENT])
    assert voided.void(T0 + timedelta(hours=1)) == voided.quantities
    async with backend.uow() as uow:
        await uow.orders.save(voided)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.orders.get(voided.id))
    assert stored is not None and stored.voided and stored.status is OrderStatus.CANCELLED
    for listing in (
        lambda uow: uow.orders.of_buyer(buyer.id, None, None, 10),
        lambda uow: uow.orders.of_store(store.id, None, None, 10),
        lambda uow: uow.orders.of_store(store.id, OrderStatus.CANCELLED, None, 10),
    ):
        assert [o.id for o in await fetch(backend, listing)] in ([kept.id], [])
    assert [o.id for o in await fetch(backend, lambda uow: uow.orders.of_checkout(voided.checkout_id))] == [voided.id]
