"""The chat context's tables (the embedded default's chat store)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

# Chat (the embedded default's chat store; MongoDB takes its place in production). A conversation is
# one per buyer, store, product and order ('' when about none); its messages are numbered by `seq`.
chat_conversations = Table(
    "chat_conversations",
    metadata,
    id_column(),
    Column("buyer_id", String(36), nullable=False),
    Column("store_id", String(36), nullable=False),
    Column("product_key", String(36), nullable=False),
    Column("order_key", String(36), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("active_at", UtcDateTime(), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_message", json_type(), nullable=True),
    Column("buyer_read_seq", Integer, nullable=False),
    Column("seller_read_seq", Integer, nullable=False),
    UniqueConstraint("buyer_id", "store_id", "product_key", "order_key"),
    Index("ix_chat_conversations_buyer_id_active_at_id", "buyer_id", "active_at", "id"),
    Index("ix_chat_conversations_store_id_active_at_id", "store_id", "active_at", "id"),
)


chat_messages = Table(
    "chat_messages",
    metadata,
    id_column(),
    Column("conversation_id", String(36), ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender_id", String(36), nullable=False),
    Column("sender_role", String(10), nullable=False),
    Column("body", Text, nullable=False),
    Column("media_ids", json_type(), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("conversation_id", "seq"),
    UniqueConstraint("conversation_id", "sender_id", "client_id"),
)
