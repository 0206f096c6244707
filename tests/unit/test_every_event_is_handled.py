"""No event is written for nobody: every registered event class is either taken by a handler of the
worker as this deployment builds it, or listed in PUBLISHED_FOR_INTEGRATORS with a reason. With the
registry's own tests (every domain event class registered) and the unit of work refusing an event of an
unregistered class (the UnitOfWork contract), whatever a use case writes has a reader."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from marketplace.application.events import EVENTS, PUBLISHED_FOR_INTEGRATORS
from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.settings import Settings
from marketplace.entrypoints.worker import build_worker


@pytest.fixture
async def dispatcher() -> AsyncIterator[OutboxDispatcher]:
    container = build_container(Settings.in_memory())
    await container.init_resources()
    try:
        yield (await build_worker(container)).dispatcher
    finally:
        await container.shutdown_resources()


async def test_every_event_class_is_handled_or_published_for_integrators(dispatcher: OutboxDispatcher) -> None:
    handled = dispatcher.subscriptions.handled()
    orphans = sorted(cls.topic for cls in EVENTS.classes - handled - set(PUBLISHED_FOR_INTEGRATORS))
    assert orphans == [], "subscribe a handler to these (entrypoints/worker.py) or list them as published"


async def test_the_published_list_names_registered_events_with_a_one_line_reason(dispatcher: OutboxDispatcher) -> None:
    assert set(PUBLISHED_FOR_INTEGRATORS) <= EVENTS.classes
    assert all(reason.strip() and "\n" not in reason for reason in PUBLISHED_FOR_INTEGRATORS.values())
    handled_too = sorted(cls.topic for cls in set(PUBLISHED_FOR_INTEGRATORS) & dispatcher.subscriptions.handled())
    assert handled_too == [], "an event a handler takes needs no entry in the published list: drop it"


async def test_todays_handlers_take_the_events_they_act_on(dispatcher: OutboxDispatcher) -> None:
    names = {
        cls.topic: sorted(s.name for s in dispatcher.subscriptions.of(cls))
        for cls in dispatcher.subscriptions.handled()
    }
    assert names == {
        "CheckoutSettled": ["expire-cancelled-invoice", "push-updates"],
        "LatePaymentReceived": ["refund-order"],
        "OrderStatusChanged": ["notify-people", "push-updates", "refund-order"],
        "PayoutRequested": ["send-payout"],
        "PayoutSettled": ["notify-people"],
        "RefundRecorded": ["notify-people", "refund-order"],
        "ShipmentStatusChanged": ["push-updates"],
    }
