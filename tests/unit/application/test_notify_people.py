"""The notification centre's outbox handler, in memory: who is told what, once per message, pushed live
as `notification:new` to that user only, and nothing for a kind turned off in the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from marketplace.adapters.memory.notifier import RecordingNotifier
from marketplace.application.notifications.notify_people import NotifyPeople
from marketplace.application.notifications.texts import words
from marketplace.application.ports.notifications import NotificationStore
from marketplace.application.worker.subscriptions import Received
from marketplace.domain.notifications.notification import Channels, NotificationKind
from marketplace.domain.ordering.checkout import RefundRecorded
from marketplace.domain.ordering.order import OrderStatusChanged
from marketplace.domain.settlement.payout import PayoutSettled
from marketplace.domain.shared.events import DomainEvent
from marketplace.domain.shared.ids import new_id
from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.settings import Settings
from tests.unit.application.conftest import Marketplace

AT = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


class World:
    def __init__(self, market: Marketplace, notifier: RecordingNotifier) -> None:
        self.market, self.notifier = market, notifier

    async def handler(self) -> NotifyPeople:
        handler: NotifyPeople = await self.market.use("notify_people")
        return handler

    async def store(self) -> NotificationStore:
        store: NotificationStore = await self.market.use("notifications")
        return store

    async def kinds(self, user_id: str) -> list[tuple[str, Any]]:
        found = await (await self.store()).list(user_id, False, None, 100)
        return [(n.kind.value, n.data.get("status")) for n in found]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    container = build_container(Settings.in_memory())
    notifier = RecordingNotifier()
    container.notifier.override(providers.Object(notifier))
    await container.init_resources()
    try:
        yield World(Marketplace(container), notifier)
    finally:
        await container.shutdown_resources()


def received(event: DomainEvent, message_id: str | None = None) -> Received[Any]:
    return Received(message_id or new_id(), AT, event)


def order_event(store_id: str, buyer_id: str, status: str) -> OrderStatusChanged:
    return OrderStatusChanged(
        order_id=new_id(),
        checkout_id=new_id(),
        store_id=store_id,
        buyer_id=buyer_id,
        status=status,
        refund_due=False,
        amount=250_000,
        currency="IDR",
    )


async def test_a_paid_order_delivered_twice_tells_the_owner_and_the_buyer_once(world: World) -> None:
    seller = await world.market.register("seller@example.com")
    buyer = await world.market.register("buyer@example.com")
    store = await world.market.open_store(seller)
    handler, paid = await world.handler(), received(order_event(store.id, buyer, "paid"))
    await handler.order_changed(paid)
    await handler.order_changed(paid)  # the outbox may deliver a message again
    assert await world.kinds(seller) == [("store_order", "paid")]
    assert await world.kinds(buyer) == [("order", "paid")]
    [live] = world.notifier.to(seller, "notification:new")
    [stored] = await (await world.store()).list(seller, False, None, 10)
    assert live == {
        "id": stored.id,
        "kind": "store_order",
        "title": "Pesanan baru untuk diterima",
        "body": stored.body,
        "data": {
            "order_id": paid.event.order_id,
            "store_id": store.id,
            "checkout_id": paid.event.checkout_id,
            "status": "paid",
        },
        "created_at": stored.created_at.isoformat(),
        "read_at": None,
    }
    assert len(world.notifier.to(buyer, "notification:new")) == 1


async def test_later_order_moves_tell_the_buyer_only_and_quiet_statuses_tell_nobody(world: World) -> None:
    seller = await world.market.register("seller@example.com")
    buyer = await world.market.register("buyer@example.com")
    store = await world.market.open_store(seller)
    handler = await world.handler()
    for status in ("accepted", "shipping", "delivered", "completed", "expired", "returned", "rejected", "cancelled"):
        await handler.order_changed(received(order_event(store.id, buyer, status)))
    assert sorted(await world.kinds(buyer)) == [
        ("order", "accepted"),
        ("order", "cancelled"),
        ("order", "rejected"),
        ("shipment", "delivered"),
        ("shipment", "returned"),
        ("shipment", "shipping"),
    ]
    assert await world.kinds(seller) == []


async def test_a_succeeded_refund_and_a_settled_payout_tell_their_people(world: World) -> None:
    seller = await world.market.register("seller@example.com")
    buyer = await world.market.register("buyer@example.com")
    store = await world.market.open_store(seller)
    handler = await world.handler()
    order_id = new_id()
    for status in ("pending", "succeeded"):
        refund = RefundRecorded(new_id(), buyer, order_id, new_id(), 50_000, status)
        await handler.refund_recorded(received(refund))
    [refunded] = await (await world.store()).list(buyer, False, None, 10)
    assert refunded.kind == NotificationKind.ORDER and refunded.data["order_id"] == order_id
    assert "50.000" in refunded.body

    await handler.payout_settled(received(PayoutSettled(new_id(), "store", store.id, "succeeded", 80_000)))
    await handler.payout_settled(received(PayoutSettled(new_id(), "affiliate", buyer, "failed", 10_000)))
    assert await world.kinds(seller) == [("payout", "succeeded")]
    assert ("payout", "failed") in await world.kinds(buyer)


async def test_a_kind_turned_off_in_the_app_stores_and_pushes_nothing(world: World) -> None:
    seller = await world.market.register("seller@example.com")
    buyer = await world.market.register("buyer@example.com")
    store = await world.market.open_store(seller)
    notifications = await world.store()
    off = (await notifications.preferences(seller)).changed(
        {NotificationKind.STORE_ORDER: Channels(in_app=False, email=True)}
    )
    await notifications.put_preferences(seller, off)
    await (await world.handler()).order_changed(received(order_event(store.id, buyer, "paid")))
    assert await world.kinds(seller) == [] and world.notifier.to(seller) == []
    assert await world.kinds(buyer) == [("order", "paid")]


def test_the_words_follow_the_locale_and_fall_back_to_indonesian() -> None:
    assert words("order.accepted", "en", order="#AB", store="Toko")[0] == "Order accepted"
    assert words("order.accepted", "id", order="#AB", store="Toko")[0] == "Pesanan diterima penjual"
    assert words("order.accepted", "fr", order="#AB", store="Toko") == words(
        "order.accepted", "id", order="#AB", store="Toko"
    )
