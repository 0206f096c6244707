"""ShipmentRepository contract (and the orders' autocomplete query) over memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest

from marketplace.domain.ordering.order import Order
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.ordering.status import OrderStatus
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shipping.shipment import Courier, Shipment
from marketplace.domain.shipping.status import BookingStatus
from tests.integration.contracts.conftest import T0, Backend, a_checkout, a_store, a_user, an_order, fetch, is_utc, seed

DRIVER = Courier(
    driver_name="Budi", driver_phone="628123456789", tracking_url="https://track.example/GK-1", price=30_000
)


async def _accepted_order(backend: Backend, minutes: int = 0) -> Order:
    buyer = a_user()
    store = a_store(buyer)
    order = an_order(buyer, store, new_id(), at=T0 + timedelta(minutes=minutes))
    order.apply(OrderAction.PAY, T0 + timedelta(minutes=minutes, seconds=1))
    order.apply(OrderAction.ACCEPT, T0 + timedelta(minutes=minutes, seconds=2))
    order.pull_events()
    await seed(backend, buyer, store, a_checkout(buyer, [order]), order)
    return order


def _shipment(order: Order, booking_id: str, at_minutes: int = 1) -> Shipment:
    shipment = Shipment(order_id=order.id, store_id=order.store_id, buyer_id=order.buyer_id)
    shipment.add_booking(
        booking_id,
        f"{order.id}-1",
        "instant",
        BookingStatus.CONFIRMED,
        T0 + timedelta(minutes=at_minutes),
        Courier(price=30_000),
    )
    return shipment


async def test_a_shipment_comes_back_with_every_attempt_and_report(backend: Backend) -> None:
    order = await _accepted_order(backend)
    shipment = _shipment(order, "GK-11-1")
    shipment.report("GK-11-1", BookingStatus.NO_DRIVER, T0 + timedelta(minutes=9), Courier(), T0 + timedelta(minutes=9))
    shipment.add_booking(
        "GK-11-2", f"{order.id}-2", "instant", BookingStatus.CONFIRMED, T0 + timedelta(minutes=10), Courier()
    )
    shipment.report(
        "GK-11-2",
        BookingStatus.ALLOCATED,
        T0 + timedelta(minutes=12, microseconds=7),
        DRIVER,
        T0 + timedelta(minutes=12),
    )
    shipment.pull_events()
    async with backend.uow() as uow:
        await uow.shipments.add(shipment)
        await uow.commit()
    stored = await fetch(backend, lambda uow: uow.shipments.get(order.id))
    assert stored is not None
    assert asdict(stored.attempts[0]) == asdict(shipment.attempts[0])
    assert asdict(stored.attempts[1]) == asdict(shipment.attempts[1])
    assert [b.status for b in stored.attempts] == [BookingStatus.NO_DRIVER, BookingStatus.ALLOCATED]
    assert stored.attempts[1].courier == DRIVER
    assert all(is_utc(at) for b in stored.attempts for at in b.reported.values())
    assert stored.checked_at == shipment.checked_at and stored.version == shipment.version
    by_booking = await fetch(backend, lambda uow: uow.shipments.get_by_booking("GK-11-1"))
    assert by_booking is not None and by_booking.order_id == order.id
    assert await fetch(backend, lambda uow: uow.shipments.get_by_booking("GK-404")) is None
    assert await fetch(backend, lambda uow: uow.shipments.get(new_id())) is None


async def test_saves_are_versioned_and_keep_the_reports(backend: Backend) -> None:
    order = await _accepted_order(backend)
    await seed(backend, _shipment(order, "GK-21-1"))
    first = await fetch(backend, lambda uow: uow.shipments.get(order.id))
    second = await fetch(backend, lambda uow: uow.shipments.get(order.id))
    assert first is not None and second is not None
    first.report("GK-21-1", BookingStatus.ALLOCATED, T0 + timedelta(minutes=3), DRIVER, T0 + timedelta(minutes=3))
    async with backend.uow() as uow:
        await uow.shipments.save(first)
        await uow.commit()
    second.report("GK-21-1", BookingStatus.CANCELLED, T0 + timedelta(minutes=4), Courier(), T0 + timedelta(minutes=4))
    with pytest.raises(ConcurrentUpdate):
        async with backend.uow() as uow:
            await uow.shipments.save(second)
            await uow.commit()
    stored = await fetch(backend, lambda uow: uow.shipments.get(order.id))
    assert stored is not None and stored.current is not None
    assert stored.current.status is BookingStatus.ALLOCATED and stored.current.courier.driver_name == "Budi"


async def test_one_shipment_per_order_and_one_owner_per_booking_number(backend: Backend) -> None:
    order = await _accepted_order(backend)
    other = await _accepted_order(backend, minutes=1)
    await seed(backend, _shipment(order, "GK-31-1"))
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.shipments.add(_shipment(order, "GK-31-2"))
            await uow.commit()
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.shipments.add(_shipment(other, "GK-31-1"))
            await uow.commit()
    assert await fetch(backend, lambda uow: uow.shipments.get(other.id)) is None


async def test_quiet_lists_live_shipments_least_recently_heard_first(backend: Backend) -> None:
    orders = [await _accepted_order(backend, minutes=i) for i in range(4)]
    shipments = [_shipment(o, f"GK-4{i}-1", at_minutes=10 + i) for i, o in enumerate(orders)]
    shipments[0].checked(T0 + timedelta(minutes=30))  # heard of recently
    shipments[3].report(
        "GK-43-1", BookingStatus.DELIVERED, T0 + timedelta(minutes=20), Courier(), T0 + timedelta(minutes=20)
    )  # final: nothing to ask about
    await seed(backend, *shipments)
    quiet = await fetch(backend, lambda uow: uow.shipments.quiet(T0 + timedelta(minutes=25), 10))
    assert quiet == [orders[1].id, orders[2].id]
    assert await fetch(backend, lambda uow: uow.shipments.quiet(T0 + timedelta(minutes=25), 1)) == [orders[1].id]
    assert await fetch(backend, lambda uow: uow.shipments.quiet(T0 + timedelta(minutes=11), 10)) == []


async def test_delivered_before_finds_orders_still_delivered_oldest_first(backend: Backend) -> None:
    orders = [await _accepted_order(backend, minutes=i) for i in range(3)]
    for i, order in enumerate(orders):
        async with backend.uow() as uow:
            stored = await uow.orders.get(order.id)
        assert stored is not None
        stored.apply(OrderAction.START_SHIPPING, T0 + timedelta(hours=1))
        stored.apply(OrderAction.DELIVER, T0 + timedelta(hours=2, minutes=-i))
        if i == 1:
            stored.apply(OrderAction.COMPLETE, T0 + timedelta(hours=3))
        async with backend.uow() as uow:
            await uow.orders.save(stored)
            await uow.commit()
    due = await fetch(backend, lambda uow: uow.orders.delivered_before(T0 + timedelta(hours=2), 10))
    assert due == [orders[2].id, orders[0].id]
    assert await fetch(backend, lambda uow: uow.orders.delivered_before(T0 + timedelta(hours=1, minutes=59), 10)) == [
        orders[2].id
    ]
    reread = await fetch(backend, lambda uow: uow.orders.get(orders[0].id))
    assert reread is not None and reread.status is OrderStatus.DELIVERED
    assert reread.delivered_at == T0 + timedelta(hours=2)
