"""The MongoDB chat store on the wire, beyond the ChatStore contract: its indexes, its times, and a
server it cannot reach. Runs against MARKETPLACE_TEST_MONGO_URL, else against nx-27017 (a
MongoDB-wire-compatible server on SQLite, not MongoDB), as the contract does; see chat_stores.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from marketplace.adapters.mongo.chat_store import MongoChatStore, open_mongo_chat_store
from marketplace.application.errors import BackendUnavailable
from marketplace.domain.chat.conversation import Conversation, Draft, Role
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.chat_stores import MONGO_KIND, free_port, mongo_test_url

T0 = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)  # whole seconds: stored without a fraction


@pytest.fixture(params=[pytest.param(MONGO_KIND, marks=pytest.mark.mongo)])
def mongo_url(request: pytest.FixtureRequest) -> str:
    return mongo_test_url(request)


@pytest.fixture
async def opened(mongo_url: str) -> AsyncIterator[tuple[Any, MongoChatStore]]:
    client, store = await open_mongo_chat_store(mongo_url)
    try:
        yield client.get_default_database(), store
    finally:
        await client.drop_database(client.get_default_database().name)
        await client.close()


def a_conversation(store: str, at: datetime) -> Conversation:
    return Conversation(id=new_id(), buyer_id="ana", store_id=store, product_id=None, order_id=None, created_at=at)


def a_draft(conversation: Conversation, client_id: str, at: datetime) -> Draft:
    return Draft.write(
        id=new_id(),
        conversation_id=conversation.id,
        sender_id="ana",
        sender_role=Role.BUYER,
        body="Halo",
        media_ids=(),
        client_id=client_id,
        now=at,
        max_body=4000,
    )


async def test_the_indexes_it_relies_on_exist_and_ensuring_them_again_is_harmless(
    opened: tuple[Any, MongoChatStore],
) -> None:
    database, store = opened
    await store.ensure_indexes()  # the factory ensured them once already

    async def keys(collection: str) -> dict[tuple[str, ...], bool]:
        indexes = await database[collection].index_information()
        return {tuple(name for name, _ in index["key"]): bool(index.get("unique")) for index in indexes.values()}

    conversations, messages = await keys("chat_conversations"), await keys("chat_messages")
    assert conversations[("buyer_id", "store_id", "product_key", "order_key")] is True
    assert ("buyer_id", "position.at", "position.id") in conversations
    assert ("store_id", "position.at", "position.id") in conversations
    assert messages[("conversation_id", "seq")] is True
    assert messages[("conversation_id", "sender_id", "client_id")] is True


async def test_what_it_answers_is_what_it_stored_to_the_millisecond(opened: tuple[Any, MongoChatStore]) -> None:
    _, store = opened
    precise = T0 + timedelta(microseconds=456_789)
    conversation, _ = await store.open(a_conversation("s1", precise))
    message, _ = await store.append(a_draft(conversation, "c1", precise + timedelta(seconds=1)))
    assert conversation.created_at == T0 + timedelta(microseconds=456_000)
    assert message.created_at == T0 + timedelta(seconds=1, microseconds=456_000)
    stored = await store.get(conversation.id)
    assert stored is not None and stored.created_at == conversation.created_at
    assert stored.last_message == message and stored.active_at == message.created_at
    assert await store.message(conversation.id, message.id) == message


async def test_conversations_moved_by_a_message_list_among_the_others_by_time(
    opened: tuple[Any, MongoChatStore],
) -> None:
    _, store = opened
    first, _ = await store.open(a_conversation("s-1", T0))
    second, _ = await store.open(a_conversation("s-2", T0 + timedelta(seconds=2)))
    third, _ = await store.open(a_conversation("s-3", T0 + timedelta(seconds=4, milliseconds=500)))
    fourth, _ = await store.open(a_conversation("s-4", T0 + timedelta(seconds=1, milliseconds=999)))
    await store.append(a_draft(first, "late", T0 + timedelta(seconds=3)))
    listed = await store.conversations("ana", [], None, 10)
    assert [c.id for c in listed] == [third.id, first.id, second.id, fourth.id]
    page = await store.conversations("ana", [], None, 2)
    rest = await store.conversations("ana", [], (page[-1].active_at, page[-1].id), 10)
    assert [c.id for c in page + rest] == [third.id, first.id, second.id, fourth.id]


async def test_a_server_it_cannot_reach_is_backend_unavailable() -> None:
    nowhere = f"mongodb://127.0.0.1:{free_port()}/chat"
    with pytest.raises(BackendUnavailable):
        await open_mongo_chat_store(nowhere, timeout_ms=300)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(nowhere, serverSelectionTimeoutMS=300)
    try:
        store = MongoChatStore(client.get_default_database())
        with pytest.raises(BackendUnavailable):
            await store.get(new_id())
        with pytest.raises(BackendUnavailable):
            await store.append(a_draft(a_conversation("s1", T0), "c1", T0))
    finally:
        await client.close()
