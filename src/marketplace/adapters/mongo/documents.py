"""Chat conversations and messages as MongoDB documents, and back (times as BSON keeps them:
whole milliseconds, UTC)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marketplace.domain.chat.conversation import Conversation, Message, Role

Document = dict[str, Any]


def _ms(at: datetime) -> datetime:
    """As a BSON date keeps it: whole milliseconds."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def read_field(role: Role) -> str:
    return "buyer_read_seq" if role is Role.BUYER else "seller_read_seq"


def _message_fields(message: Message) -> Document:
    return {
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_id": message.sender_id,
        "sender_role": message.sender_role.value,
        "body": message.body,
        "media_ids": list(message.media_ids),
        "client_id": message.client_id,
        "created_at": _ms(message.created_at),
    }


def message_to_document(message: Message) -> Document:
    return {"_id": message.id, **_message_fields(message)}


def message_to_domain(document: Mapping[str, Any]) -> Message:
    return Message(
        id=document["_id"] if "_id" in document else document["id"],
        conversation_id=document["conversation_id"],
        seq=document["seq"],
        sender_id=document["sender_id"],
        sender_role=Role(document["sender_role"]),
        body=document["body"],
        media_ids=tuple(document["media_ids"]),
        client_id=document["client_id"],
        created_at=document["created_at"],
    )


def last_message_document(message: Message) -> Document:
    return {"id": message.id, **_message_fields(message)}


def conversation_to_document(c: Conversation) -> Document:
    return {
        "_id": c.id,
        "buyer_id": c.buyer_id,
        "store_id": c.store_id,
        "product_key": c.product_id or "",
        "order_key": c.order_id or "",
        "created_at": _ms(c.created_at),
        "last_seq": c.last_seq,
        "last_message": last_message_document(c.last_message) if c.last_message else None,
        "buyer_read_seq": c.read.get(Role.BUYER, 0),
        "seller_read_seq": c.read.get(Role.SELLER, 0),
        "position": {"at": _ms(c.active_at), "id": c.id},
    }


def conversation_to_domain(document: Mapping[str, Any]) -> Conversation:
    last = document.get("last_message")
    return Conversation(
        id=document["_id"],
        buyer_id=document["buyer_id"],
        store_id=document["store_id"],
        product_id=document["product_key"] or None,
        order_id=document["order_key"] or None,
        created_at=document["created_at"],
        last_seq=document["last_seq"],
        last_message=message_to_domain(last) if last else None,
        read={Role.BUYER: document["buyer_read_seq"], Role.SELLER: document["seller_read_seq"]},
    )
