"""Conversations and messages as docs/api.md shows them (HTTP and Socket.IO alike)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from marketplace.domain.chat.conversation import Conversation, Message, Role


class MessageView(msgspec.Struct, frozen=True):
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    sender_role: str
    body: str
    media_ids: list[str]
    client_id: str
    created_at: datetime

    @classmethod
    def of(cls, message: Message) -> MessageView:
        return cls(
            id=message.id,
            conversation_id=message.conversation_id,
            seq=message.seq,
            sender_id=message.sender_id,
            sender_role=message.sender_role.value,
            body=message.body,
            media_ids=list(message.media_ids),
            client_id=message.client_id,
            created_at=message.created_at,
        )

    def payload(self) -> dict[str, Any]:
        """JSON-ready, for a socket event."""
        payload: dict[str, Any] = msgspec.to_builtins(self)
        return payload


class PartyView(msgspec.Struct, frozen=True):
    id: str
    name: str


class ConversationView(msgspec.Struct, frozen=True):
    id: str
    store: PartyView
    buyer: PartyView
    product_id: str | None
    order_id: str | None
    last_message: MessageView | None
    unread_count: int
    my_role: str  # which side the caller is on in it
    created_at: datetime
    updated_at: datetime


def conversation_view(conversation: Conversation, role: Role, store_name: str, buyer_name: str) -> ConversationView:
    last = conversation.last_message
    return ConversationView(
        id=conversation.id,
        store=PartyView(id=conversation.store_id, name=store_name),
        buyer=PartyView(id=conversation.buyer_id, name=buyer_name),
        product_id=conversation.product_id,
        order_id=conversation.order_id,
        last_message=MessageView.of(last) if last else None,
        unread_count=conversation.unread(role),
        my_role=role.value,
        created_at=conversation.created_at,
        updated_at=conversation.active_at,
    )
