"""ChatStore contract: memory, SQLite, PostgreSQL and MongoDB hold the same behaviour.

`seq` is gap-free and unique under concurrent sends, a resend with the same client_id stores once,
read markers only move forward, and conversations list by their latest activity.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from marketplace.domain.chat.conversation import Conversation, Draft, Role
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.chat_stores import CHAT_KINDS, chat_store_url, open_chat_store

T0 = datetime(2026, 11, 26, 8, 0, 0, 123000, tzinfo=UTC)


@pytest.fixture(params=CHAT_KINDS)
def chat_url(request: pytest.FixtureRequest, tmp_path: Any) -> tuple[str, str | None]:
    return request.param, chat_store_url(request.param, request, tmp_path)


@pytest.fixture
async def chat(chat_url: tuple[str, str | None]) -> Any:
    async with open_chat_store(*chat_url) as store:
        yield store


def a_conversation(
    buyer: str = "b1", store: str = "s1", product: str | None = None, order: str | None = None, at: datetime = T0
) -> Conversation:
    return Conversation(id=new_id(), buyer_id=buyer, store_id=store, product_id=product, order_id=order, created_at=at)


def a_draft(
    conversation: Conversation,
    client_id: str,
    *,
    sender: str | None = None,
    role: Role = Role.BUYER,
    body: str = "Halo, masih ada?",
    media: tuple[str, ...] = (),
    at: datetime = T0,
) -> Draft:
    return Draft.write(
        id=new_id(),
        conversation_id=conversation.id,
        sender_id=sender or conversation.buyer_id,
        sender_role=role,
        body=body,
        media_ids=media,
        client_id=client_id,
        now=at,
        max_body=4000,
    )


async def test_a_conversation_opens_once_per_buyer_store_product_and_order(chat: Any) -> None:
    first, created = await chat.open(a_conversation(product="p1"))
    assert created and first.product_id == "p1" and first.last_seq == 0 and first.last_message is None
    again, created_again = await chat.open(a_conversation(product="p1"))
    assert not created_again and again.id == first.id
    other, made = await chat.open(a_conversation(product="p2"))
    plain, made_plain = await chat.open(a_conversation())
    about_order, made_order = await chat.open(a_conversation(order="o1"))
    assert made and made_plain and made_order and len({first.id, other.id, plain.id, about_order.id}) == 4
    stored = await chat.get(first.id)
    assert stored is not None and stored.buyer_id == "b1" and stored.store_id == "s1" and stored.created_at == T0
    assert await chat.get(new_id()) is None


async def test_concurrent_opens_of_one_conversation_create_it_once(chat: Any) -> None:
    results = await asyncio.gather(*(chat.open(a_conversation(buyer="race", product="p9")) for _ in range(20)))
    assert len({c.id for c, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1


async def test_messages_are_numbered_in_order_and_the_last_one_is_kept(chat: Any) -> None:
    conversation, _ = await chat.open(a_conversation())
    sent = []
    for i in range(3):
        message, created = await chat.append(
            a_draft(conversation, f"c{i}", body=f"pesan {i} ✓", at=T0 + timedelta(seconds=i))
        )
        assert created
        sent.append(message)
    reply, _ = await chat.append(
        a_draft(
            conversation,
            "s-1",
            sender="seller-user",
            role=Role.SELLER,
            body="Ada kak",
            media=("m1", "m2"),
            at=T0 + timedelta(seconds=5),
        )
    )
    assert [m.seq for m in [*sent, reply]] == [1, 2, 3, 4]
    assert reply.media_ids == ("m1", "m2") and reply.sender_role is Role.SELLER
    stored = await chat.get(conversation.id)
    assert stored is not None and stored.last_seq == 4
    assert stored.last_message is not None and stored.last_message.id == reply.id
    assert stored.last_message.created_at == T0 + timedelta(seconds=5)
    assert stored.read[Role.SELLER] == 4 and stored.read[Role.BUYER] == 3  # sending reads up to one's message
    assert stored.unread(Role.BUYER) == 1 and stored.unread(Role.SELLER) == 0
    found = await chat.message(conversation.id, sent[1].id)
    assert found == sent[1] and found.body == "pesan 1 ✓" and found.created_at.tzinfo is not None
    assert await chat.message(conversation.id, new_id()) is None


async def test_a_resend_with_the_same_client_id_stores_once(chat: Any) -> None:
    conversation, _ = await chat.open(a_conversation())
    first, created = await chat.append(a_draft(conversation, "same"))
    again, created_again = await chat.append(a_draft(conversation, "same", body="edited on the way?"))
    assert created and not created_again and again == first
    theirs, theirs_created = await chat.append(a_draft(conversation, "same", sender="seller-user", role=Role.SELLER))
    assert theirs_created and theirs.seq == 2  # the key is per sender
    assert await chat.sent(conversation.id, conversation.buyer_id, "same") == first
    assert await chat.sent(conversation.id, "seller-user", "same") == theirs
    assert await chat.sent(conversation.id, conversation.buyer_id, "other") is None
    assert [m.seq for m in await chat.history(conversation.id, None, 10)] == [2, 1]


async def test_concurrent_sends_get_every_seq_once_without_gaps(chat: Any) -> None:
    conversation, _ = await chat.open(a_conversation())
    drafts = [
        a_draft(
            conversation,
            f"burst-{i}",
            sender="b1" if i % 2 else "seller-user",
            role=Role.BUYER if i % 2 else Role.SELLER,
        )
        for i in range(40)
    ]
    repeats = [a_draft(conversation, "burst-3", sender="b1") for _ in range(5)]
    results = await asyncio.gather(*(chat.append(d) for d in [*drafts, *repeats]))
    stored = {m.id: m for m, _ in results}
    assert sorted(m.seq for m in stored.values()) == list(range(1, 41))
    assert sum(1 for _, created in results if created) == 40
    current = await chat.get(conversation.id)
    assert current is not None and current.last_seq == 40
    assert current.last_message is not None and current.last_message.seq == 40


async def test_history_pages_newest_first_and_since_gives_what_was_missed_oldest_first(chat: Any) -> None:
    conversation, _ = await chat.open(a_conversation())
    for i in range(7):
        await chat.append(a_draft(conversation, f"h{i}", at=T0 + timedelta(seconds=i)))
    assert [m.seq for m in await chat.history(conversation.id, None, 3)] == [7, 6, 5]
    assert [m.seq for m in await chat.history(conversation.id, 5, 3)] == [4, 3, 2]
    assert [m.seq for m in await chat.history(conversation.id, 2, 3)] == [1]
    assert [m.seq for m in await chat.since(conversation.id, 4, 10)] == [5, 6, 7]
    assert [m.seq for m in await chat.since(conversation.id, 0, 2)] == [1, 2]
    assert await chat.since(conversation.id, 7, 10) == []
    assert await chat.history(new_id(), None, 10) == []


async def test_read_markers_only_move_forward_and_stop_at_the_last_message(chat: Any) -> None:
    conversation, _ = await chat.open(a_conversation())
    for i in range(4):
        await chat.append(a_draft(conversation, f"r{i}"))
    assert (await chat.get(conversation.id)).unread(Role.SELLER) == 4
    moved = await chat.mark_read(conversation.id, Role.SELLER, 3)
    assert moved is not None and moved.read[Role.SELLER] == 3 and moved.unread(Role.SELLER) == 1
    back = await chat.mark_read(conversation.id, Role.SELLER, 1)
    assert back is not None and back.read[Role.SELLER] == 3
    past = await chat.mark_read(conversation.id, Role.SELLER, 99)
    assert past is not None and past.read[Role.SELLER] == 4 and past.unread(Role.SELLER) == 0
    assert (await chat.get(conversation.id)).read[Role.SELLER] == 4
    assert await chat.mark_read(new_id(), Role.BUYER, 1) is None


async def test_conversations_list_by_latest_activity_for_the_buyer_and_the_stores(chat: Any) -> None:
    a, _ = await chat.open(a_conversation(buyer="ana", store="s-a", at=T0))
    b, _ = await chat.open(a_conversation(buyer="ana", store="s-b", at=T0 + timedelta(minutes=1)))
    c, _ = await chat.open(a_conversation(buyer="budi", store="s-a", at=T0 + timedelta(minutes=2)))
    d, _ = await chat.open(a_conversation(buyer="citra", store="s-c", at=T0 + timedelta(minutes=3)))
    await chat.append(a_draft(a, "late", sender="ana", at=T0 + timedelta(minutes=10)))
    ana = await chat.conversations("ana", [], None, 10)
    assert [x.id for x in ana] == [a.id, b.id]
    assert ana[0].last_message is not None and ana[0].last_message.client_id == "late"
    owner = await chat.conversations("owner", ["s-a", "s-c"], None, 10)
    assert [x.id for x in owner] == [a.id, d.id, c.id]
    both = await chat.conversations("budi", ["s-b"], None, 10)
    assert [x.id for x in both] == [c.id, b.id]
    first_page = await chat.conversations("owner", ["s-a", "s-c"], None, 2)
    last = first_page[-1]
    rest = await chat.conversations("owner", ["s-a", "s-c"], (last.active_at, last.id), 2)
    assert [x.id for x in first_page + rest] == [a.id, d.id, c.id]
    assert await chat.conversations("nobody", [], None, 10) == []


async def test_sending_to_an_unknown_conversation_is_refused(chat: Any) -> None:
    ghost = a_conversation()
    with pytest.raises(LookupError):
        await chat.append(a_draft(ghost, "x"))
