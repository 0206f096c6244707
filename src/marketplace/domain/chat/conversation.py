"""A conversation between one buyer and one store (optionally about a product or an order), and its
messages. The chat store is their system of record; `seq` numbers a conversation's messages 1, 2, 3...

Read markers are kept per side as the highest `seq` that side has read; sending counts as reading
everything up to one's own message, so a side's unread count is `last_seq - its marker`.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from marketplace.domain.shared.errors import InvalidValue

MAX_MEDIA = 10
MAX_CLIENT_ID = 64


class Role(str, enum.Enum):
    BUYER = "buyer"
    SELLER = "seller"

    @property
    def other(self) -> Role:
        return Role.SELLER if self is Role.BUYER else Role.BUYER


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    sender_role: Role
    body: str
    media_ids: tuple[str, ...]
    client_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """A message as its sender wrote it, checked, before the store gives it its place (`seq`)."""

    id: str
    conversation_id: str
    sender_id: str
    sender_role: Role
    body: str
    media_ids: tuple[str, ...]
    client_id: str
    created_at: datetime

    @classmethod
    def write(
        cls,
        *,
        id: str,
        conversation_id: str,
        sender_id: str,
        sender_role: Role,
        body: str,
        media_ids: list[str] | tuple[str, ...],
        client_id: str,
        now: datetime,
        max_body: int,
    ) -> Draft:
        body = body.strip()
        if len(body) > max_body:
            raise InvalidValue("body", f"must be at most {max_body} characters")
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in body):
            raise InvalidValue("body", "must not contain control characters")
        media = tuple(dict.fromkeys(media_ids))
        if len(media) > MAX_MEDIA:
            raise InvalidValue("media_ids", f"at most {MAX_MEDIA} attachments")
        if not body and not media:
            raise InvalidValue("body", "a message needs text or an attachment")
        client_id = client_id.strip()
        if not 1 <= len(client_id) <= MAX_CLIENT_ID or not client_id.isprintable():
            raise InvalidValue("client_id", f"must be 1 to {MAX_CLIENT_ID} printable characters")
        return cls(
            id=id,
            conversation_id=conversation_id,
            sender_id=sender_id,
            sender_role=sender_role,
            body=body,
            media_ids=media,
            client_id=client_id,
            created_at=now,
        )

    def placed(self, seq: int) -> Message:
        return Message(
            id=self.id,
            conversation_id=self.conversation_id,
            seq=seq,
            sender_id=self.sender_id,
            sender_role=self.sender_role,
            body=self.body,
            media_ids=self.media_ids,
            client_id=self.client_id,
            created_at=self.created_at,
        )


@dataclass(eq=False, slots=True)
class Conversation:
    id: str
    buyer_id: str
    store_id: str
    product_id: str | None
    order_id: str | None
    created_at: datetime
    last_seq: int = 0
    last_message: Message | None = None
    read: dict[Role, int] = field(default_factory=lambda: {Role.BUYER: 0, Role.SELLER: 0})

    @property
    def active_at(self) -> datetime:
        """When something last happened in it: its last message, or its opening."""
        return self.last_message.created_at if self.last_message else self.created_at

    def unread(self, role: Role) -> int:
        return max(0, self.last_seq - self.read.get(role, 0))
