"""Shipping on the real use cases (in-memory adapters, a clock we move): a courier that fails leaves
the order as it was, the poll catches what webhooks missed, delivered orders complete by themselves,
and every status change leaves an event in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers

from marketplace.adapters.gosend.callbacks import booking_report
from marketplace.adapters.memory.shipping import MemoryShippingGateway
from marketplace.application.errors import BackendUnavailable, ProviderFailed
from marketplace.application.ports.shipping import Booking, BookingRequest, ShippingRefused
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue
from marketplace.domain.shipping.status import BookingStatus
from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.settings import Settings
from tests.unit.application.test_payment_callbacks import Clock, World


class FailingCourier(MemoryShippingGateway):
    """The in-memory courier, made to fail at the edge the way a real one can: unreachable, or refusing."""

    def __init__(self) -> None:
        super().__init__()
        self.failure: Exception | None = None

    async def book(self, request: BookingRequest) -> Booking:
        if self.failure is not None:
            raise self.failure
        return await super().book(request)

    async def cancel(self, booking_id: str) -> Booking:
        if self.failure is not None:
            raise self.failure
        return await super().cancel(booking_id)


@pytest.fixture
async def world() -> Any:
    clock = Clock()
    container = build_container(Settings.in_memory(order_autocomplete_seconds=3600, shipment_poll_seconds=60))
    container.clock.override(providers.Object(clock))
    container.shipping.override(providers.Object(FailingCourier()))
    await container.init_resources()
    try:
        yield World(container, clock)
    finally:
        await container.shutdown_resources()


async def _accepted(world: World) -> str:
    view = await world.checkout()
    receive = await world.use("receive_callback")
    assert await receive.invoice(world.callback(view, "PAID")) == "paid"
    order_id: str = view.orders[0].id
    await (await world.use("store_orders")).accept(world.seller, world.store_id, order_id)
    return order_id


async def _order_status(world: World, order_id: str) -> str:
    return (await (await world.use("buyer_orders")).get(world.buyer, order_id)).status


async def test_a_courier_that_fails_leaves_the_order_as_it_was_and_a_retry_books_once(world: World) -> None:
    order_id = await _accepted(world)
    shipping, courier = await world.use("store_shipping"), await world.use("shipping")
    courier.failure = BackendUnavailable("GoSend could not be reached")
    with pytest.raises(BackendUnavailable):
        await shipping.ship(world.seller, world.store_id, order_id)
    courier.failure = ShippingRefused("route not serviceable")
    with pytest.raises(ProviderFailed, match="route not serviceable"):
        await shipping.ship(world.seller, world.store_id, order_id)
    assert await _order_status(world, order_id) == "accepted"
    shipment = await (await world.use("get_shipment"))(world.buyer, order_id)
    assert shipment.attempts == [] and shipment.status is None
    courier.failure = None
    booked = await shipping.ship(world.seller, world.store_id, order_id)
    assert booked.status == "confirmed" and booked.booking_id and len(booked.attempts) == 1
    assert booked.attempts[0].booking_id == booked.booking_id
    assert await _order_status(world, order_id) == "shipping"
    courier.failure = BackendUnavailable("GoSend could not be reached")
    with pytest.raises(BackendUnavailable):
        await shipping.cancel(world.seller, world.store_id, order_id)
    assert await _order_status(world, order_id) == "shipping"


async def test_an_address_without_coordinates_cannot_be_shipped_to(world: World) -> None:
    order_id = await _accepted(world)
    async with (await world.use("uow"))() as uow:
        order = await uow.orders.get(order_id)
        order.address = order.address.__class__(
            **{
                **{
                    f: getattr(order.address, f)
                    for f in ("label", "recipient", "phone", "line1", "city", "postal_code")
                },
                "point": None,
            }
        )
        await uow.orders.save(order)
        await uow.commit()
    with pytest.raises(InvalidValue, match="coordinates"):
        await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
    assert await _order_status(world, order_id) == "accepted"


async def test_the_poll_catches_what_the_webhooks_missed(world: World) -> None:
    order_id = await _accepted(world)
    booked = await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
    courier, reports = await world.use("shipping"), await world.use("shipment_reports")
    courier.advance(booked.booking_id, BookingStatus.PICKED)
    assert await reports.poll() == 0  # heard of just now: not quiet yet
    world.clock.at += timedelta(seconds=61)
    assert await reports.poll() == 1
    shipment = await (await world.use("get_shipment"))(world.buyer, order_id)
    assert shipment.status == "picked" and shipment.driver is not None
    assert await reports.poll() == 0  # asked just now
    courier.advance(booked.booking_id, BookingStatus.DELIVERED)
    world.clock.at += timedelta(seconds=61)
    assert await reports.poll() == 1
    assert await _order_status(world, order_id) == "delivered"
    world.clock.at += timedelta(seconds=61)
    assert await reports.poll() == 0  # final: no longer asked about


async def test_delivered_orders_complete_by_themselves_after_the_delay(world: World) -> None:
    order_id = await _accepted(world)
    booked = await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
    reports, complete = await world.use("shipment_reports"), await world.use("complete_delivered_orders")
    outcome = await reports.webhook(
        booking_report(
            {
                "booking_id": booked.booking_id,
                "status": "delivered",
                "event_date": int(world.clock.at.timestamp() * 1000),
            }
        )
    )
    assert outcome == "applied: the booking is delivered"
    assert await complete() == 0
    world.clock.at += timedelta(seconds=3599)
    assert await complete() == 0
    world.clock.at += timedelta(seconds=2)
    assert await complete() == 1
    assert await _order_status(world, order_id) == "completed"
    assert await complete() == 0
    with pytest.raises(IllegalTransition):
        await (await world.use("buyer_orders")).confirm_received(world.buyer, order_id)


async def test_every_order_and_shipment_change_leaves_an_event_in_the_outbox(world: World) -> None:
    order_id = await _accepted(world)
    booked = await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
    reports = await world.use("shipment_reports")
    for status in ("allocated", "no_driver"):
        await reports.webhook(booking_report({"booking_id": booked.booking_id, "status": status}))
    outbox = (await world.use("memory_db")).outbox
    shipment_events = [
        (m.payload["booking_id"], m.payload["status"]) for m in outbox.values() if m.topic == "ShipmentStatusChanged"
    ]
    assert shipment_events == [(booked.booking_id, s) for s in ("confirmed", "allocated", "no_driver")]
    order_events = [
        m.payload["status"]
        for m in outbox.values()
        if m.topic == "OrderStatusChanged" and m.payload["order_id"] == order_id
    ]
    assert order_events == ["paid", "accepted", "shipping", "accepted"]
    assert all(m.payload["buyer_id"] == world.buyer for m in outbox.values() if m.topic == "ShipmentStatusChanged")


class EagerCourier(MemoryShippingGateway):
    """A courier whose webhooks overtake the booking's answer (GoSend sends `confirmed` at once): each
    booking is reported confirmed and allocated before `book` returns."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: Any = None

    async def book(self, request: BookingRequest) -> Booking:
        booked = await super().book(request)
        self.advance(booked.booking_id, BookingStatus.ALLOCATED)
        base = int(datetime.now(UTC).timestamp() * 1000) - 60_000
        for offset, status in enumerate(("confirmed", "allocated")):
            outcome = await self.reports.webhook(
                booking_report({"booking_id": booked.booking_id, "status": status, "event_date": base + offset * 1_000})
            )
            assert outcome == "no shipment has this booking"
        return booked


async def test_webhooks_that_overtake_the_booking_apply_once_it_is_recorded() -> None:
    clock = Clock()
    clock.at = datetime.now(UTC)
    container = build_container(Settings.in_memory())
    container.clock.override(providers.Object(clock))
    courier = EagerCourier()
    container.shipping.override(providers.Object(courier))
    await container.init_resources()
    try:
        world = World(container, clock)
        courier.reports = await world.use("shipment_reports")
        order_id = await _accepted(world)
        booked = await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
        assert booked.status == "allocated"
        assert [e.status for e in booked.timeline] == ["confirmed", "allocated"]
        assert booked.timeline[0].at < clock.at  # the courier's own time, not when we recorded it
    finally:
        await container.shutdown_resources()


async def test_a_rejected_webhook_the_courier_does_not_confirm_changes_nothing(world: World) -> None:
    order_id = await _accepted(world)
    booked = await (await world.use("store_shipping")).ship(world.seller, world.store_id, order_id)
    reports = await world.use("shipment_reports")
    outcome = await reports.webhook(booking_report({"booking_id": booked.booking_id, "status": "rejected"}))
    assert outcome == "unconfirmed: the courier says the booking is confirmed"
    assert await _order_status(world, order_id) == "shipping"
    courier = await world.use("shipping")
    courier.advance(booked.booking_id, BookingStatus.PICKED)
    courier.advance(booked.booking_id, BookingStatus.REJECTED)
    assert (await reports.webhook(booking_report({"booking_id": booked.booking_id, "status": "rejected"}))).startswith(
        "applied"
    )
    assert await _order_status(world, order_id) == "returned"
