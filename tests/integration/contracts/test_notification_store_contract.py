"""NotificationStore contract over memory, SQLite and PostgreSQL: one notification per user and source,
newest first with ties by id, read marks that touch only the caller's, preferences with defaults."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketplace.adapters.memory.notifications import MemoryNotificationStore
from marketplace.adapters.sql.notifications import SqlNotificationStore
from marketplace.application.ports.notifications import NotificationStore
from marketplace.domain.notifications.notification import Channels, Notification, NotificationKind, Preferences
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import T0, Backend, is_utc


@pytest.fixture
def store(backend: Backend) -> NotificationStore:
    return MemoryNotificationStore() if backend.engine is None else SqlNotificationStore(backend.engine)


def a_notification(user_id: str, *, source: str | None = None, minutes: int = 0) -> Notification:
    return Notification(
        id=new_id(),
        user_id=user_id,
        kind=NotificationKind.STORE_ORDER,
        title="Pesanan baru untuk diterima",
        body="Pesanan #ABCD1234 sudah dibayar.",
        data={"order_id": new_id(), "amount": 150000, "nested": {"ok": True}},
        created_at=T0 + timedelta(minutes=minutes),
        source=source or new_id(),
    )


async def test_a_notification_round_trips_and_one_source_stores_once(store: NotificationStore) -> None:
    user = new_id()
    first = a_notification(user, source="message-1:user:store_order")
    assert await store.add(first) is True
    assert await store.add(a_notification(user, source="message-1:user:store_order")) is False
    assert await store.add(a_notification(new_id(), source="message-1:user:store_order")) is True  # another user
    [found] = await store.list(user, False, None, 10)
    assert found == first and found.read_at is None and is_utc(found.created_at)


async def test_concurrent_adds_of_one_source_store_one(store: NotificationStore) -> None:
    user = new_id()
    added = await asyncio.gather(*(store.add(a_notification(user, source="same")) for _ in range(5)))
    assert sorted(added) == [False, False, False, False, True]
    assert await store.unread_count(user) == 1


async def test_a_list_is_newest_first_with_ties_by_id_and_pages_by_position(store: NotificationStore) -> None:
    user = new_id()
    made = [a_notification(user, minutes=m) for m in (0, 1, 1, 2)]
    for notification in made:
        await store.add(notification)
    await store.add(a_notification(new_id(), minutes=5))  # someone else's
    expected = sorted(made, key=lambda n: (n.created_at, n.id), reverse=True)
    assert [n.id for n in await store.list(user, False, None, 10)] == [n.id for n in expected]
    first = await store.list(user, False, None, 2)
    rest = await store.list(user, False, (first[-1].created_at, first[-1].id), 10)
    assert [n.id for n in first + rest] == [n.id for n in expected]


async def test_marking_read_touches_only_the_callers_unread_and_answers_what_is_left(store: NotificationStore) -> None:
    user, other = new_id(), new_id()
    mine = [a_notification(user, minutes=m) for m in range(3)]
    theirs = a_notification(other)
    for notification in [*mine, theirs]:
        await store.add(notification)
    now = T0 + timedelta(hours=1)
    assert await store.mark_read(user, [mine[0].id, theirs.id, new_id()], now) == 2
    assert await store.unread_count(other) == 1
    assert [n.id for n in await store.list(user, True, None, 10)] == [mine[2].id, mine[1].id]
    [read] = [n for n in await store.list(user, False, None, 10) if n.id == mine[0].id]
    assert read.read_at == now
    assert await store.mark_read(user, [mine[0].id], now + timedelta(hours=1)) == 2  # already read: kept as it was
    assert [n.read_at for n in await store.list(user, False, None, 10) if n.id == mine[0].id] == [now]
    assert await store.mark_read(user, [], now) == 2
    assert await store.mark_read(user, None, now) == 0
    assert await store.unread_count(other) == 1


async def test_preferences_default_to_everything_but_marketing_and_are_replaced(store: NotificationStore) -> None:
    user = new_id()
    defaults = (await store.preferences(user)).every()
    assert defaults[NotificationKind.MARKETING] == Channels(in_app=False, email=False)
    assert {k for k, c in defaults.items() if c == Channels(in_app=True, email=True)} == set(NotificationKind) - {
        NotificationKind.MARKETING
    }
    chosen = Preferences().changed({NotificationKind.ORDER: Channels(in_app=False, email=True)})
    await store.put_preferences(user, chosen)
    assert (await store.preferences(user)).every() == chosen.every()
    again = chosen.changed({NotificationKind.MARKETING: Channels(in_app=True, email=False)})
    await store.put_preferences(user, again)
    assert (await store.preferences(user)).every() == again.every()
    assert (await store.preferences(new_id())).every() == defaults
