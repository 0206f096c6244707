"""Sending, reading back and catching up on messages; read markers and typing.

A message is acknowledged once the chat store has it; only then is it pushed to both participants'
sockets (best effort: `sync` repairs what a client missed). A resend with the same `client_id` is
answered with the stored message and pushes nothing again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from marketplace.application.chat.participants import Seat, seat_of
from marketplace.application.chat.views import MessageView
from marketplace.application.errors import BackendUnavailable, RateLimited
from marketplace.application.media.attachments import attach_media
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.notifier import Notifier
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.rate_limit import RateLimiter
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.domain.chat.conversation import Draft
from marketplace.domain.media.kinds import Purpose
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id

log = logging.getLogger("marketplace.chat")
KIND = "messages"
CHAT_ATTACHMENTS = frozenset({Purpose.CHAT_ATTACHMENT})
SYNC_LIMIT = 500  # one catch-up answer at most; the client asks again from the last one it got


@dataclass(frozen=True, slots=True)
class ChatMessages:
    uow: UnitOfWorkFactory
    chat: ChatStore
    notifier: Notifier
    limiter: RateLimiter
    clock: Clock
    ids: IdGenerator
    max_body: int = 4000
    per_minute: int = 60

    async def send(
        self, user_id: str, conversation_id: str, client_id: str, body: str, media_ids: list[str]
    ) -> tuple[MessageView, bool]:
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        draft = Draft.write(
            id=self.ids.new_id(),
            conversation_id=seat.conversation.id,
            sender_id=user_id,
            sender_role=seat.role,
            body=body,
            media_ids=media_ids,
            client_id=client_id,
            now=self.clock.now(),
            max_body=self.max_body,
        )
        earlier = await self.chat.sent(seat.conversation.id, user_id, draft.client_id)
        if earlier is not None:  # a resend (a lost ack): the stored message, whatever the rate
            return MessageView.of(earlier), False
        await self._within_rate(user_id)
        await self._attach(user_id, seat, draft.media_ids)
        message, created = await self.chat.append(draft)
        view = MessageView.of(message)
        if created:
            await self._push(seat.everyone, "message:new", view.payload())
        return view, created

    async def history(self, user_id: str, conversation_id: str, limit: int, cursor: str | None) -> Page[MessageView]:
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        position = decode_cursor(cursor, kind=KIND)
        before = position.get("seq") if position else None
        if before is not None and (type(before) is not int or before < 1):
            raise InvalidValue("cursor", "is not a cursor this list made")
        found = await self.chat.history(seat.conversation.id, before, check_limit(limit) + 1)
        page = found[:limit]
        more = encode_cursor({"k": KIND, "seq": page[-1].seq}) if len(found) > limit else None
        return Page(items=[MessageView.of(m) for m in page], next_cursor=more)

    async def sync(self, user_id: str, conversation_id: str, after_message_id: str | None) -> list[MessageView]:
        """What came after `after_message_id` (everything when None), oldest first."""
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        after = await self._seq_of(seat, after_message_id, "after_message_id") if after_message_id else 0
        return [MessageView.of(m) for m in await self.chat.since(seat.conversation.id, after, SYNC_LIMIT)]

    async def read(self, user_id: str, conversation_id: str, up_to_message_id: str) -> None:
        """Moves the caller's read marker and tells the other side; the marker never moves back."""
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        seq = await self._seq_of(seat, up_to_message_id, "up_to_message_id")
        before = seat.conversation.read.get(seat.role, 0)
        after = await self.chat.mark_read(seat.conversation.id, seat.role, seq)
        if after is not None and after.read.get(seat.role, 0) > before:
            await self._push(
                seat.others,
                "message:read",
                {
                    "conversation_id": seat.conversation.id,
                    "up_to_message_id": up_to_message_id,
                    "user_id": user_id,
                    "role": seat.role.value,
                },
            )

    async def typing(self, user_id: str, conversation_id: str, is_typing: bool) -> None:
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        await self._push(
            seat.others,
            "typing",
            {"conversation_id": seat.conversation.id, "is_typing": bool(is_typing), "user_id": user_id},
        )

    async def _push(self, user_ids: list[str], event: str, payload: dict[str, Any]) -> None:
        """Best effort: what is stored stands, and a client catches up with `conversation:sync`."""
        try:
            await self.notifier.notify(user_ids, event, payload)
        except BackendUnavailable as error:
            log.warning("chat %s not pushed: %s", event, error)

    async def _seq_of(self, seat: Seat, message_id: str, field: str) -> int:
        message = await self.chat.message(seat.conversation.id, message_id) if is_id(message_id) else None
        if message is None:
            raise InvalidValue(field, "is not a message of this conversation")
        return message.seq

    async def _within_rate(self, user_id: str) -> None:
        try:
            retry_after = await self.limiter.hit(f"chat:{user_id}", self.per_minute, 60)
        except BackendUnavailable:
            return  # an unreachable limiter must not silence every conversation
        if retry_after:
            raise RateLimited(retry_after)

    async def _attach(self, user_id: str, seat: Seat, media_ids: tuple[str, ...]) -> None:
        """Attachments must be the sender's own finished chat uploads; they become visible to the
        conversation's participants."""
        if not media_ids:
            return
        async with self.uow() as uow:
            target = f"conversation:{seat.conversation.id}"
            await attach_media(uow, user_id, media_ids, target=target, purposes=CHAT_ATTACHMENTS)
            await uow.commit()
