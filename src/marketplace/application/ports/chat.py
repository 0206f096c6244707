"""The chat store: conversations and their messages, the system of record for chat.

A message is acknowledged to its sender only once `append` has returned it, so whatever it answers
must be durable. Implemented over SQL (the embedded default), MongoDB (production) and memory;
one contract suite holds them to the same behaviour.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.chat.conversation import Conversation, Draft, Message, Role

Position = tuple[datetime, str]  # (active_at, id): where a page of conversations ends


class ChatStore(Protocol):
    async def open(self, conversation: Conversation) -> tuple[Conversation, bool]:
        """Stores a new conversation, or answers the one already open between the same buyer and
        store about the same product and order; True when it was created now. Concurrent calls
        create one."""
        ...

    async def get(self, conversation_id: str) -> Conversation | None: ...

    async def conversations(
        self, buyer_id: str, store_ids: list[str], before: Position | None, limit: int
    ) -> list[Conversation]:
        """Those where `buyer_id` is the buyer or one of `store_ids` the store, most recently active
        first (ties by id, descending), strictly after `before` in that order when given."""
        ...

    async def append(self, draft: Draft) -> tuple[Message, bool]:
        """Stores the message with the conversation's next `seq` (no gaps, none twice, even when sent
        concurrently), makes it the conversation's last message and marks the sender's side read up
        to it. The same sender's `client_id` in the same conversation stores once: a resend answers
        the stored message and False. Raises LookupError for an unknown conversation."""
        ...

    async def message(self, conversation_id: str, message_id: str) -> Message | None: ...

    async def sent(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        """The message this sender already stored under `client_id` in this conversation, if any."""
        ...

    async def history(self, conversation_id: str, before_seq: int | None, limit: int) -> list[Message]:
        """Newest first, those with a `seq` below `before_seq` when given."""
        ...

    async def since(self, conversation_id: str, after_seq: int, limit: int) -> list[Message]:
        """Oldest first, those with a `seq` above `after_seq`."""
        ...

    async def mark_read(self, conversation_id: str, role: Role, up_to_seq: int) -> Conversation | None:
        """Moves that side's read marker up to `up_to_seq` (never back, never past the last message);
        the conversation as it is after, None when unknown."""
        ...
