"""Chat use cases in memory: only participants read or write, a resend stores once, floods and bad
bodies are refused with nothing stored, pushes go to the participants' user rooms only."""

from __future__ import annotations

from typing import Any

import pytest
from dependency_injector import providers

from marketplace.adapters.memory.notifier import RecordingNotifier
from marketplace.application.errors import NotFound, RateLimited
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.domain.shared.errors import InvalidValue
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

ADDRESS = AddressInput(
    recipient="Ayu",
    phone="081234567890",
    line1="Jl. Sudirman 1",
    city="Jakarta",
    postal_code="10110",
    lat=-6.2,
    lng=106.8,
)


class Chat:
    def __init__(self, container: Any, notifier: RecordingNotifier) -> None:
        self.container, self.notifier = container, notifier

    async def use(self, name: str) -> Any:
        return await resolve(getattr(self.container, name))

    async def user(self, name: str) -> str:
        register = await self.use("register_user")
        return (await register(Register(f"{name}@example.com", PASSWORD, name.title()))).id

    async def setup(self) -> None:
        self.seller, self.buyer, self.stranger = (
            await self.user("seller"),
            await self.user("buyer"),
            await self.user("eve"),
        )
        store = await (await self.use("open_store"))(self.seller, OpenStoreCommand("Toko Ayu", "Batik", ADDRESS))
        self.store_id = store.id
        view, created = await (await self.use("conversations")).open(self.buyer, store.id)
        assert created
        self.conversation_id = view.id


@pytest.fixture
async def chat() -> Any:
    container = build_container(Settings.in_memory(chat_rate_limit=5, chat_max_body=50))
    notifier = RecordingNotifier()
    container.notifier.override(providers.Object(notifier))
    await container.init_resources()
    try:
        world = Chat(container, notifier)
        await world.setup()
        yield world
    finally:
        await container.shutdown_resources()


async def test_participants_exchange_messages_and_only_they_are_pushed_to(chat: Chat) -> None:
    messages = await chat.use("chat_messages")
    sent, created = await messages.send(chat.buyer, chat.conversation_id, "c-1", "Halo kak", [])
    assert created and sent.seq == 1 and sent.sender_role == "buyer"
    reply, _ = await messages.send(chat.seller, chat.conversation_id, "s-1", "Halo, ada yang bisa dibantu?", [])
    assert reply.seq == 2 and reply.sender_role == "seller"
    assert [p["id"] for p in chat.notifier.to(chat.buyer, "message:new")] == [sent.id, reply.id]
    assert [p["id"] for p in chat.notifier.to(chat.seller, "message:new")] == [sent.id, reply.id]
    assert chat.notifier.to(chat.stranger) == []
    again, created_again = await messages.send(chat.buyer, chat.conversation_id, "c-1", "Halo kak", [])
    assert not created_again and again.id == sent.id
    assert len(chat.notifier.to(chat.seller, "message:new")) == 2  # a resend pushes nothing again


async def test_a_third_user_neither_reads_nor_writes_nor_signals(chat: Chat) -> None:
    messages, conversations = await chat.use("chat_messages"), await chat.use("conversations")
    await messages.send(chat.buyer, chat.conversation_id, "c-1", "rahasia", [])
    for attempt in (
        messages.send(chat.stranger, chat.conversation_id, "x", "hi", []),
        messages.history(chat.stranger, chat.conversation_id, 20, None),
        messages.sync(chat.stranger, chat.conversation_id, None),
        messages.typing(chat.stranger, chat.conversation_id, True),
        conversations.get(chat.stranger, chat.conversation_id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await conversations.list(chat.stranger, 20, None)).items == []
    history = await messages.history(chat.seller, chat.conversation_id, 20, None)
    assert [m.body for m in history.items] == ["rahasia"]


async def test_bad_bodies_and_floods_are_refused_and_nothing_is_stored(chat: Chat) -> None:
    messages = await chat.use("chat_messages")
    for body, client_id in (("", "a"), ("   ", "b"), ("x" * 51, "c"), ("ok", ""), ("bell\x07", "d")):
        with pytest.raises(InvalidValue):
            await messages.send(chat.buyer, chat.conversation_id, client_id, body, [])
    with pytest.raises(InvalidValue):
        await messages.send(chat.buyer, chat.conversation_id, "e", "with a stranger's photo", ["not-an-id"])
    # The refused attachment counted as an attempt (a flood of bad sends is a flood too); malformed
    # bodies are refused before the limiter is asked.
    for i in range(4):
        await messages.send(chat.buyer, chat.conversation_id, f"f-{i}", f"pesan {i}", [])
    with pytest.raises(RateLimited) as limited:
        await messages.send(chat.buyer, chat.conversation_id, "f-5", "one too many", [])
    assert limited.value.retry_after > 0
    resent, created = await messages.send(chat.buyer, chat.conversation_id, "f-3", "pesan 3", [])
    assert not created and resent.seq == 4  # a resend is answered with the stored message, limit or not
    history = await messages.history(chat.buyer, chat.conversation_id, 20, None)
    assert [m.seq for m in history.items] == [4, 3, 2, 1]
    await messages.send(chat.seller, chat.conversation_id, "s-1", "the other side is not limited by it", [])


async def test_read_markers_unread_counts_typing_and_sync(chat: Chat) -> None:
    messages, conversations = await chat.use("chat_messages"), await chat.use("conversations")
    sent = [(await messages.send(chat.buyer, chat.conversation_id, f"c-{i}", f"m{i}", []))[0] for i in range(3)]
    [listed] = (await conversations.list(chat.seller, 20, None)).items
    assert listed.unread_count == 3 and listed.my_role == "seller" and listed.last_message.id == sent[2].id
    assert listed.buyer.name == "Buyer" and listed.store.name == "Toko Ayu"
    await messages.read(chat.seller, chat.conversation_id, sent[1].id)
    assert (await conversations.get(chat.seller, chat.conversation_id)).unread_count == 1
    assert chat.notifier.to(chat.buyer, "message:read")[-1]["up_to_message_id"] == sent[1].id
    assert chat.notifier.to(chat.seller, "message:read") == []
    await messages.read(chat.seller, chat.conversation_id, sent[0].id)  # backwards: nothing moves
    assert (await conversations.get(chat.seller, chat.conversation_id)).unread_count == 1
    await messages.typing(chat.seller, chat.conversation_id, True)
    assert chat.notifier.to(chat.buyer, "typing") == [
        {"conversation_id": chat.conversation_id, "is_typing": True, "user_id": chat.seller}
    ]
    missed = await messages.sync(chat.seller, chat.conversation_id, sent[0].id)
    assert [m.id for m in missed] == [sent[1].id, sent[2].id]
    assert [m.seq for m in await messages.sync(chat.seller, chat.conversation_id, None)] == [1, 2, 3]
    with pytest.raises(InvalidValue):
        await messages.sync(chat.seller, chat.conversation_id, "01900000-0000-7000-8000-000000000000")


async def test_opening_is_get_or_create_and_checks_what_it_is_about(chat: Chat) -> None:
    conversations = await chat.use("conversations")
    again, created = await conversations.open(chat.buyer, chat.store_id)
    assert not created and again.id == chat.conversation_id
    with pytest.raises(InvalidValue):
        await conversations.open(chat.seller, chat.store_id)  # one's own store
    with pytest.raises(InvalidValue):
        await conversations.open(chat.buyer, chat.store_id, product_id="01900000-0000-7000-8000-000000000000")
    with pytest.raises(NotFound):
        await conversations.open(chat.buyer, "01900000-0000-7000-8000-000000000000")


async def test_a_message_is_stored_and_acknowledged_while_pushes_cannot_go_out(chat: Chat) -> None:
    messages = await chat.use("chat_messages")
    chat.notifier.unavailable = True  # as the Redis fan-out is while Redis is down
    sent, created = await messages.send(chat.buyer, chat.conversation_id, "c-1", "Halo kak", [])
    await messages.typing(chat.buyer, chat.conversation_id, True)
    await messages.read(chat.seller, chat.conversation_id, sent.id)
    assert created and chat.notifier.pushed == []
    assert [m.id for m in await messages.sync(chat.seller, chat.conversation_id, None)] == [sent.id]
