"""Who is in a conversation: its buyer, and whoever owns its store now (ownership is read at each call)."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.errors import NotFound
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.domain.chat.conversation import Conversation, Role
from marketplace.domain.shared.ids import is_id


@dataclass(frozen=True, slots=True)
class Seat:
    """A user's place in a conversation, and the two people in it."""

    conversation: Conversation
    role: Role
    buyer_id: str
    owner_id: str | None  # the store's owner (None if the store is gone)

    @property
    def everyone(self) -> list[str]:
        return [user for user in (self.buyer_id, self.owner_id) if user]

    @property
    def others(self) -> list[str]:
        """Who should hear about what this side does (the other side; both are one person only if a
        seller chats with their own store, which opening refuses)."""
        return [user for user in self.everyone if user != (self.buyer_id if self.role is Role.BUYER else self.owner_id)]


async def seat_of(uow: UnitOfWorkFactory, chat: ChatStore, user_id: str, conversation_id: str) -> Seat:
    """The caller's seat; 404 for a conversation that is not theirs (never 403: they may not see it)."""
    conversation = await chat.get(conversation_id) if is_id(conversation_id) else None
    if conversation is None:
        raise NotFound("conversation", conversation_id[:64])
    async with uow() as unit:
        store = await unit.stores.get(conversation.store_id)
    owner_id = store.owner_id if store is not None else None
    if user_id == conversation.buyer_id:
        role = Role.BUYER
    elif owner_id is not None and user_id == owner_id:
        role = Role.SELLER
    else:
        raise NotFound("conversation", conversation_id[:64])
    return Seat(conversation, role, conversation.buyer_id, owner_id)
