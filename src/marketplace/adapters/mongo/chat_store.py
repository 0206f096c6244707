"""The chat store over MongoDB (production), through pymongo's async client.

Two collections. `chat_conversations` holds one document per conversation, `_id` its id, with its
last message, `last_seq` and both read markers inline; `chat_messages` one document per message,
`_id` its id. Times are BSON dates (milliseconds, UTC; read back timezone-aware).

Nothing here needs a multi-document transaction (a standalone mongod has none):

- `open` inserts, and the unique index on (buyer, store, product, order) makes concurrent opens
  create one; the losers read the winner's.
- `append` inserts the message at the next `seq` it believes free; the unique index on
  (conversation, seq) refuses a taken one, and the sender then reads the highest stored `seq` and
  tries the one after it. A message is only ever inserted at n+1 once n is stored (n comes from the
  conversation's `last_seq` or from the messages themselves), and messages are never deleted, so the
  numbers have no gaps and none is given twice. The unique index on (conversation, sender,
  client_id) makes a resend store nothing: it answers the stored message. Then the conversation
  catches up with single-document updates that only move forward: the sender's read marker by
  `$max`, and `last_seq`, `last_message` and `position` only if this `seq` is newer than the
  `last_seq` stored. A resend repeats that catching up, so a send cut off between its two writes is
  completed by the client's retry.
- `mark_read` caps the marker at the `last_seq` it read (which only grows) and moves it by `$max`.

`position` is {at: the conversation's activity time, id: its id}: the order conversations list in
(the port's `Position`), indexed with the buyer and with the store. The id is repeated there because
`_id` is not used inside compound indexes (nx-27017, the wire-compatible server the tests also run
on, cannot insert into a collection with such an index), and the time lives in a sub-document
because a top-level date `$set` by an update comes back a string there; MongoDB itself needs neither.
Everything else used is plain CRUD: no `$addToSet`, no Decimal128, no aggregation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from bson.codec_options import CodecOptions
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.chat import Position
from marketplace.domain.chat.conversation import Conversation, Draft, Message, Role

Document = dict[str, Any]
P = ParamSpec("P")
R = TypeVar("R")

CONVERSATIONS = "chat_conversations"
MESSAGES = "chat_messages"
DEFAULT_DATABASE = "marketplace"
TIMEOUT_MS = 5_000

CONVERSATION_INDEXES = [
    IndexModel(
        [("buyer_id", ASCENDING), ("store_id", ASCENDING), ("product_key", ASCENDING), ("order_key", ASCENDING)],
        unique=True,
        name="conversation_key",
    ),
    IndexModel(
        [("buyer_id", ASCENDING), ("position.at", DESCENDING), ("position.id", DESCENDING)], name="buyer_activity"
    ),
    IndexModel(
        [("store_id", ASCENDING), ("position.at", DESCENDING), ("position.id", DESCENDING)], name="store_activity"
    ),
]
MESSAGE_INDEXES = [
    IndexModel([("conversation_id", ASCENDING), ("seq", ASCENDING)], unique=True, name="conversation_seq"),
    IndexModel(
        [("conversation_id", ASCENDING), ("sender_id", ASCENDING), ("client_id", ASCENDING)],
        unique=True,
        name="sender_client_id",
    ),
]


def unavailable_as_backend(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Runs a store method with MongoDB being unreachable (no server selected in time, a dropped
    connection, a stepped-down primary) translated into BackendUnavailable."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except ConnectionFailure as error:
            raise BackendUnavailable("the chat database is unavailable") from error

    return wrapper


def _ms(at: datetime) -> datetime:
    """As a BSON date keeps it: whole milliseconds."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _read_field(role: Role) -> str:
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


def _last_message(message: Message) -> Document:
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
        "last_message": _last_message(c.last_message) if c.last_message else None,
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


class MongoChatStore:
    def __init__(self, database: AsyncDatabase[Any]) -> None:
        # Dates come back timezone-aware in UTC, whatever the client was configured with.
        codec: CodecOptions[Document] = CodecOptions(document_class=dict, tz_aware=True, tzinfo=UTC)
        self._conversations: AsyncCollection[Document] = database.get_collection(CONVERSATIONS, codec_options=codec)
        self._messages: AsyncCollection[Document] = database.get_collection(MESSAGES, codec_options=codec)

    @unavailable_as_backend
    async def ensure_indexes(self) -> None:
        """Creates the indexes the store relies on (the unique ones for its correctness); idempotent."""
        await self._conversations.create_indexes(CONVERSATION_INDEXES)
        await self._messages.create_indexes(MESSAGE_INDEXES)

    @unavailable_as_backend
    async def open(self, conversation: Conversation) -> tuple[Conversation, bool]:
        document = conversation_to_document(conversation)
        try:
            await self._conversations.insert_one(document)
        except DuplicateKeyError:
            found = await self._conversations.find_one(
                {
                    "buyer_id": document["buyer_id"],
                    "store_id": document["store_id"],
                    "product_key": document["product_key"],
                    "order_key": document["order_key"],
                }
            )
            if found is None:  # the clash was on the id, not on the conversation's key
                raise
            return conversation_to_domain(found), False
        return conversation_to_domain(document), True

    @unavailable_as_backend
    async def get(self, conversation_id: str) -> Conversation | None:
        found = await self._conversations.find_one({"_id": conversation_id})
        return conversation_to_domain(found) if found else None

    @unavailable_as_backend
    async def conversations(
        self, buyer_id: str, store_ids: list[str], before: Position | None, limit: int
    ) -> list[Conversation]:
        if limit <= 0:
            return []
        query: Document = {"buyer_id": buyer_id}
        if store_ids:
            query = {"$or": [query, {"store_id": {"$in": list(store_ids)}}]}
        if before is not None:
            at, conversation_id = before
            query = {
                "$and": [
                    query,
                    {
                        "$or": [
                            {"position.at": {"$lt": at}},
                            {"position.at": at, "position.id": {"$lt": conversation_id}},
                        ]
                    },
                ]
            }
        cursor = self._conversations.find(query).sort([("position.at", DESCENDING), ("position.id", DESCENDING)])
        return [conversation_to_domain(d) for d in await cursor.limit(limit).to_list()]

    @unavailable_as_backend
    async def append(self, draft: Draft) -> tuple[Message, bool]:
        conversation = await self._conversations.find_one({"_id": draft.conversation_id}, {"last_seq": 1})
        if conversation is None:
            raise LookupError(f"conversation {draft.conversation_id} is not known")
        seq = int(conversation["last_seq"]) + 1  # a stored message's seq, or 0: never past the messages
        while True:
            document = message_to_document(draft.placed(seq))
            try:
                await self._messages.insert_one(document)
            except DuplicateKeyError:
                earlier = await self._messages.find_one(
                    {
                        "conversation_id": draft.conversation_id,
                        "sender_id": draft.sender_id,
                        "client_id": draft.client_id,
                    }
                )
                if earlier is not None:  # a resend: answer what was stored, and finish what it began
                    stored = message_to_domain(earlier)
                    await self._caught_up(stored)
                    return stored, False
                newest = await self._newest_seq(draft.conversation_id)
                if newest < seq:  # neither the seq nor the client id clashed: the message id did
                    raise
                seq = newest + 1  # taken by a concurrent send: after the newest one stored
                continue
            message = message_to_domain(document)
            await self._caught_up(message)
            return message, True

    @unavailable_as_backend
    async def message(self, conversation_id: str, message_id: str) -> Message | None:
        found = await self._messages.find_one({"_id": message_id, "conversation_id": conversation_id})
        return message_to_domain(found) if found else None

    @unavailable_as_backend
    async def sent(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        found = await self._messages.find_one(
            {"conversation_id": conversation_id, "sender_id": sender_id, "client_id": client_id}
        )
        return message_to_domain(found) if found else None

    @unavailable_as_backend
    async def history(self, conversation_id: str, before_seq: int | None, limit: int) -> list[Message]:
        if limit <= 0:
            return []
        query: Document = {"conversation_id": conversation_id}
        if before_seq is not None:
            query["seq"] = {"$lt": before_seq}
        cursor = self._messages.find(query).sort("seq", DESCENDING).limit(limit)
        return [message_to_domain(d) for d in await cursor.to_list()]

    @unavailable_as_backend
    async def since(self, conversation_id: str, after_seq: int, limit: int) -> list[Message]:
        if limit <= 0:
            return []
        cursor = self._messages.find({"conversation_id": conversation_id, "seq": {"$gt": after_seq}})
        return [message_to_domain(d) for d in await cursor.sort("seq", ASCENDING).limit(limit).to_list()]

    @unavailable_as_backend
    async def mark_read(self, conversation_id: str, role: Role, up_to_seq: int) -> Conversation | None:
        current = await self._conversations.find_one({"_id": conversation_id}, {"last_seq": 1})
        if current is None:
            return None
        # `last_seq` only grows, so capping at the one just read never passes the last message.
        target = min(up_to_seq, int(current["last_seq"]))
        found = await self._conversations.find_one_and_update(
            {"_id": conversation_id}, {"$max": {_read_field(role): target}}, return_document=ReturnDocument.AFTER
        )
        return conversation_to_domain(found) if found else None

    async def _newest_seq(self, conversation_id: str) -> int:
        newest = await self._messages.find_one(
            {"conversation_id": conversation_id}, {"seq": 1}, sort=[("seq", DESCENDING)]
        )
        return int(newest["seq"]) if newest else 0

    async def _caught_up(self, message: Message) -> None:
        """The conversation after `message`: its sender has read up to it, and it is the last message
        unless a newer one already is. Forward-only single-document updates, so any order of
        concurrent calls (and repeating one) ends the same."""
        read = {_read_field(message.sender_role): message.seq}
        newer = await self._conversations.update_one(
            {"_id": message.conversation_id, "last_seq": {"$lt": message.seq}},
            {
                "$set": {
                    "last_seq": message.seq,
                    "last_message": _last_message(message),
                    "position": {"at": message.created_at, "id": message.conversation_id},
                },
                "$max": read,
            },
        )
        if newer.matched_count == 0:
            await self._conversations.update_one({"_id": message.conversation_id}, {"$max": read})


async def open_mongo_chat_store(
    url: str, database: str | None = None, timeout_ms: int = TIMEOUT_MS
) -> tuple[AsyncMongoClient[Document], MongoChatStore]:
    """A client for `url` and the chat store on `database` (else the URL's, else "marketplace"), its
    indexes ensured. Close the client when done (`await client.close()`)."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        url,
        tz_aware=True,
        tzinfo=UTC,
        appname="marketplace-chat",
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
    )
    try:
        db = client.get_database(database) if database else client.get_default_database(DEFAULT_DATABASE)
        store = MongoChatStore(db)
        await store.ensure_indexes()
    except BaseException:
        await client.close()
        raise
    return client, store
