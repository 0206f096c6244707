"""The chat store over SQL (the embedded default): each call is its own short transaction.

A message takes its `seq` by incrementing the conversation's `last_seq` in the transaction that
inserts it: the UPDATE locks the conversation's row (PostgreSQL) or the database (SQLite, whose
transactions here begin IMMEDIATE), so concurrent sends queue there and each gets the next
number; a resend found by its client id rolls the increment back, leaving no gap.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from marketplace.adapters.sql.base import insert_new
from marketplace.adapters.sql.engine import read_only
from marketplace.adapters.sql.errors import busy_as_conflict
from marketplace.adapters.sql.mappers import time_from_json, time_to_json
from marketplace.adapters.sql.tables import chat_conversations as conversations
from marketplace.adapters.sql.tables import chat_messages as messages
from marketplace.application.ports.chat import Position
from marketplace.domain.chat.conversation import Conversation, Draft, Message, Role


def message_to_row(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_id": message.sender_id,
        "sender_role": message.sender_role.value,
        "body": message.body,
        "media_ids": list(message.media_ids),
        "client_id": message.client_id,
        "created_at": message.created_at,
    }


def message_to_domain(row: Any) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        seq=row["seq"],
        sender_id=row["sender_id"],
        sender_role=Role(row["sender_role"]),
        body=row["body"],
        media_ids=tuple(row["media_ids"]),
        client_id=row["client_id"],
        created_at=row["created_at"],
    )


def _message_json(message: Message) -> dict[str, Any]:
    return {**message_to_row(message), "created_at": time_to_json(message.created_at)}


def _message_from_json(data: dict[str, Any]) -> Message:
    return message_to_domain({**data, "created_at": time_from_json(data["created_at"])})


def conversation_to_row(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "buyer_id": c.buyer_id,
        "store_id": c.store_id,
        "product_key": c.product_id or "",
        "order_key": c.order_id or "",
        "created_at": c.created_at,
        "active_at": c.active_at,
        "last_seq": c.last_seq,
        "last_message": _message_json(c.last_message) if c.last_message else None,
        "buyer_read_seq": c.read.get(Role.BUYER, 0),
        "seller_read_seq": c.read.get(Role.SELLER, 0),
    }


def conversation_to_domain(row: Any) -> Conversation:
    return Conversation(
        id=row["id"],
        buyer_id=row["buyer_id"],
        store_id=row["store_id"],
        product_id=row["product_key"] or None,
        order_id=row["order_key"] or None,
        created_at=row["created_at"],
        last_seq=row["last_seq"],
        last_message=_message_from_json(row["last_message"]) if row["last_message"] else None,
        read={Role.BUYER: row["buyer_read_seq"], Role.SELLER: row["seller_read_seq"]},
    )


class SqlChatStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reader = read_only(engine)

    async def open(self, conversation: Conversation) -> tuple[Conversation, bool]:
        row = conversation_to_row(conversation)
        async with self._write() as connection:
            created = (await connection.execute(insert_new(conversations, self._engine.dialect.name), row)).rowcount
            if created == 1:
                return conversation, True
            found = (
                (
                    await connection.execute(
                        select(conversations).where(
                            conversations.c.buyer_id == row["buyer_id"],
                            conversations.c.store_id == row["store_id"],
                            conversations.c.product_key == row["product_key"],
                            conversations.c.order_key == row["order_key"],
                        )
                    )
                )
                .mappings()
                .one()
            )
            return conversation_to_domain(found), False

    async def get(self, conversation_id: str) -> Conversation | None:
        row = await self._one(select(conversations).where(conversations.c.id == conversation_id))
        return conversation_to_domain(row) if row else None

    async def conversations(
        self, buyer_id: str, store_ids: list[str], before: Position | None, limit: int
    ) -> list[Conversation]:
        mine = conversations.c.buyer_id == buyer_id
        if store_ids:
            mine = or_(mine, conversations.c.store_id.in_(store_ids))
        statement = select(conversations).where(mine)
        if before is not None:
            at, conversation_id = before
            statement = statement.where(
                or_(
                    conversations.c.active_at < at,
                    and_(conversations.c.active_at == at, conversations.c.id < conversation_id),
                )
            )
        statement = statement.order_by(conversations.c.active_at.desc(), conversations.c.id.desc()).limit(limit)
        with busy_as_conflict():
            async with self._reader.connect() as connection:
                rows = (await connection.execute(statement)).mappings().all()
        return [conversation_to_domain(row) for row in rows]

    async def append(self, draft: Draft) -> tuple[Message, bool]:
        async with self._write() as connection:
            seq = (
                await connection.execute(
                    update(conversations)
                    .where(conversations.c.id == draft.conversation_id)
                    .values(last_seq=conversations.c.last_seq + 1)
                    .returning(conversations.c.last_seq)
                )
            ).scalar()
            if seq is None:
                raise LookupError(f"conversation {draft.conversation_id} is not known")
            earlier = (
                (
                    await connection.execute(
                        select(messages).where(
                            messages.c.conversation_id == draft.conversation_id,
                            messages.c.sender_id == draft.sender_id,
                            messages.c.client_id == draft.client_id,
                        )
                    )
                )
                .mappings()
                .first()
            )
            if earlier is not None:
                await connection.rollback()  # the increment too: no gap
                return message_to_domain(earlier), False
            message = draft.placed(seq)
            await connection.execute(messages.insert(), message_to_row(message))
            read_column = "buyer_read_seq" if draft.sender_role is Role.BUYER else "seller_read_seq"
            await connection.execute(
                update(conversations)
                .where(conversations.c.id == draft.conversation_id)
                .values(last_message=_message_json(message), active_at=message.created_at, **{read_column: seq})
            )
            return message, True

    async def message(self, conversation_id: str, message_id: str) -> Message | None:
        row = await self._one(
            select(messages).where(messages.c.conversation_id == conversation_id, messages.c.id == message_id)
        )
        return message_to_domain(row) if row else None

    async def sent(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        row = await self._one(
            select(messages).where(
                messages.c.conversation_id == conversation_id,
                messages.c.sender_id == sender_id,
                messages.c.client_id == client_id,
            )
        )
        return message_to_domain(row) if row else None

    async def history(self, conversation_id: str, before_seq: int | None, limit: int) -> list[Message]:
        statement = select(messages).where(messages.c.conversation_id == conversation_id)
        if before_seq is not None:
            statement = statement.where(messages.c.seq < before_seq)
        return await self._messages(statement.order_by(messages.c.seq.desc()).limit(limit))

    async def since(self, conversation_id: str, after_seq: int, limit: int) -> list[Message]:
        return await self._messages(
            select(messages)
            .where(messages.c.conversation_id == conversation_id, messages.c.seq > after_seq)
            .order_by(messages.c.seq)
            .limit(limit)
        )

    async def mark_read(self, conversation_id: str, role: Role, up_to_seq: int) -> Conversation | None:
        column = conversations.c.buyer_read_seq if role is Role.BUYER else conversations.c.seller_read_seq
        async with self._write() as connection:
            # Forward only, and never past the last message: one conditional UPDATE.
            target = _least(up_to_seq, conversations.c.last_seq, self._engine.dialect.name)
            await connection.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id, column < target)
                .values({column.name: target})
            )
            row = (
                (await connection.execute(select(conversations).where(conversations.c.id == conversation_id)))
                .mappings()
                .first()
            )
        return conversation_to_domain(row) if row else None

    def _write(self) -> Any:
        return _Transaction(self._engine)

    async def _one(self, statement: Any) -> Any:
        with busy_as_conflict():  # an unreachable database or a full pool: 503, never a 500
            async with self._reader.connect() as connection:
                return (await connection.execute(statement)).mappings().first()

    async def _messages(self, statement: Any) -> list[Message]:
        with busy_as_conflict():
            async with self._reader.connect() as connection:
                return [message_to_domain(row) for row in (await connection.execute(statement)).mappings().all()]


def _least(value: int, column: Any, dialect: str) -> Any:
    return func.least(value, column) if dialect == "postgresql" else func.min(value, column)


class _Transaction:
    """`engine.begin()` with SQLite's busy lock and unreachable databases translated."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._context: Any = None

    async def __aenter__(self) -> AsyncConnection:
        with busy_as_conflict():
            self._context = self._engine.begin()
            connection: AsyncConnection = await self._context.__aenter__()
        return connection

    async def __aexit__(self, *exc: Any) -> None:
        with busy_as_conflict():
            await self._context.__aexit__(*exc)
