"""Opening a conversation with a store (get or create), and listing one's conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.application.chat.participants import seat_of
from marketplace.application.chat.views import ConversationView, conversation_view
from marketplace.application.errors import NotFound
from marketplace.application.ports.chat import ChatStore
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.application.stores.lookup import visible_store
from marketplace.domain.chat.conversation import Conversation, Role
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id

KIND = "conversations"


def _id_or_none(field: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not is_id(value):
        raise InvalidValue(field, "is not an id")
    return value


@dataclass(frozen=True, slots=True)
class Conversations:
    uow: UnitOfWorkFactory
    chat: ChatStore
    clock: Clock
    ids: IdGenerator

    async def open(
        self, user_id: str, store_id: str, product_id: str | None = None, order_id: str | None = None
    ) -> tuple[ConversationView, bool]:
        """The buyer's conversation with a store, about a product or an order when given; created
        once (True) and found after (False)."""
        product_id, order_id = _id_or_none("product_id", product_id), _id_or_none("order_id", order_id)
        async with self.uow() as uow:
            store = await visible_store(uow, store_id, user_id)
            if store.is_owned_by(user_id):
                raise InvalidValue("store_id", "this is your own store")
            if product_id is not None:
                product = await uow.products.get(product_id)
                if product is None or product.store_id != store.id:
                    raise InvalidValue("product_id", "is not a product of this store")
            if order_id is not None:
                order = await uow.orders.get(order_id)
                if order is None or order.buyer_id != user_id or order.store_id != store.id or order.voided:
                    raise InvalidValue("order_id", "is not one of your orders from this store")
            buyer = await uow.users.get(user_id)
        conversation, created = await self.chat.open(
            Conversation(
                id=self.ids.new_id(),
                buyer_id=user_id,
                store_id=store.id,
                product_id=product_id,
                order_id=order_id,
                created_at=self.clock.now(),
            )
        )
        return conversation_view(conversation, Role.BUYER, store.name, buyer.name if buyer else ""), created

    async def list(self, user_id: str, limit: int, cursor: str | None) -> Page[ConversationView]:
        """Where the user is the buyer or owns the store, most recently active first."""
        before = _position(cursor)
        async with self.uow() as uow:
            store_ids = await uow.stores.ids_owned_by(user_id)
        found = await self.chat.conversations(user_id, store_ids, before, check_limit(limit) + 1)
        page = found[:limit]
        async with self.uow() as uow:  # two reads for the whole page, not two per conversation
            store_names = await uow.stores.names([c.store_id for c in page])
            buyer_names = await uow.users.names([c.buyer_id for c in page])
        views = [
            conversation_view(
                c,
                Role.BUYER if c.buyer_id == user_id else Role.SELLER,
                store_names.get(c.store_id, ""),
                buyer_names.get(c.buyer_id, ""),
            )
            for c in page
        ]
        more = None
        if len(found) > limit:
            last = page[-1]
            more = encode_cursor({"k": KIND, "at": last.active_at.isoformat(), "id": last.id})
        return Page(items=views, next_cursor=more)

    async def get(self, user_id: str, conversation_id: str) -> ConversationView:
        seat = await seat_of(self.uow, self.chat, user_id, conversation_id)
        async with self.uow() as uow:
            return await _view(uow, seat.conversation, seat.role)


async def _view(uow: UnitOfWork, conversation: Conversation, role: Role) -> ConversationView:
    store = await uow.stores.get(conversation.store_id)
    buyer = await uow.users.get(conversation.buyer_id)
    if store is None:
        raise NotFound("store", conversation.store_id)
    return conversation_view(conversation, role, store.name, buyer.name if buyer else "")


def _position(cursor: str | None) -> tuple[datetime, str] | None:
    position = decode_cursor(cursor, kind=KIND)
    if position is None:
        return None
    try:
        at = datetime.fromisoformat(str(position["at"]))
        conversation_id = str(position["id"])
    except (KeyError, ValueError):
        raise InvalidValue("cursor", "is not a cursor this list made") from None
    if at.tzinfo is None or not is_id(conversation_id):
        raise InvalidValue("cursor", "is not a cursor this list made")
    return at, conversation_id
