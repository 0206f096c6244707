"""The chat store in memory: a real implementation (copies in and out, one lock) for tests and notebooks."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import replace

from marketplace.application.ports.chat import Position
from marketplace.domain.chat.conversation import Conversation, Draft, Message, Role


def _key(c: Conversation) -> tuple[str, str, str, str]:
    return (c.buyer_id, c.store_id, c.product_id or "", c.order_id or "")


class MemoryChatStore:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._conversations: dict[str, Conversation] = {}
        self._by_key: dict[tuple[str, str, str, str], str] = {}
        self._messages: dict[str, list[Message]] = {}
        self._by_client: dict[tuple[str, str, str], Message] = {}

    async def open(self, conversation: Conversation) -> tuple[Conversation, bool]:
        async with self._lock:
            known = self._by_key.get(_key(conversation))
            if known is not None:
                return copy.deepcopy(self._conversations[known]), False
            self._conversations[conversation.id] = copy.deepcopy(conversation)
            self._by_key[_key(conversation)] = conversation.id
            self._messages[conversation.id] = []
            return copy.deepcopy(conversation), True

    async def get(self, conversation_id: str) -> Conversation | None:
        found = self._conversations.get(conversation_id)
        return copy.deepcopy(found) if found else None

    async def conversations(
        self, buyer_id: str, store_ids: list[str], before: Position | None, limit: int
    ) -> list[Conversation]:
        stores = set(store_ids)
        mine = [c for c in self._conversations.values() if c.buyer_id == buyer_id or c.store_id in stores]
        ordered = sorted(mine, key=lambda c: (c.active_at, c.id), reverse=True)
        if before is not None:
            ordered = [c for c in ordered if (c.active_at, c.id) < before]
        return [copy.deepcopy(c) for c in ordered[:limit]]

    async def append(self, draft: Draft) -> tuple[Message, bool]:
        async with self._lock:
            conversation = self._conversations.get(draft.conversation_id)
            if conversation is None:
                raise LookupError(f"conversation {draft.conversation_id} is not known")
            earlier = self._by_client.get((draft.conversation_id, draft.sender_id, draft.client_id))
            if earlier is not None:
                return earlier, False
            message = draft.placed(conversation.last_seq + 1)
            self._messages[conversation.id].append(message)
            self._by_client[(draft.conversation_id, draft.sender_id, draft.client_id)] = message
            conversation.last_seq, conversation.last_message = message.seq, message
            conversation.read[draft.sender_role] = message.seq
            return message, True

    async def message(self, conversation_id: str, message_id: str) -> Message | None:
        return next((m for m in self._messages.get(conversation_id, []) if m.id == message_id), None)

    async def sent(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        return self._by_client.get((conversation_id, sender_id, client_id))

    async def history(self, conversation_id: str, before_seq: int | None, limit: int) -> list[Message]:
        found = [m for m in self._messages.get(conversation_id, []) if before_seq is None or m.seq < before_seq]
        return list(reversed(found))[:limit]

    async def since(self, conversation_id: str, after_seq: int, limit: int) -> list[Message]:
        return [m for m in self._messages.get(conversation_id, []) if m.seq > after_seq][:limit]

    async def mark_read(self, conversation_id: str, role: Role, up_to_seq: int) -> Conversation | None:
        async with self._lock:
            conversation = self._conversations.get(conversation_id)
            if conversation is None:
                return None
            conversation.read = {
                **conversation.read,
                role: max(conversation.read.get(role, 0), min(up_to_seq, conversation.last_seq)),
            }
            return replace(copy.deepcopy(conversation))
