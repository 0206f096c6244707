"""The outbox, the record of which handler has processed which message, and each handler's delivery record."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table, Text, text

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

outbox = Table(
    "outbox",
    metadata,
    id_column(),
    Column("topic", String(100), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("available_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("parked_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    # Workers only ever look for pending messages: keep that index small.
    Index(
        "ix_outbox_pending",
        "available_at",
        "id",
        postgresql_where=text("delivered_at IS NULL AND parked_at IS NULL"),
        sqlite_where=text("delivered_at IS NULL AND parked_at IS NULL"),
    ),
)


processed_messages = Table(
    "processed_messages",
    metadata,
    Column("message_id", String(36), nullable=False),
    Column("handler", String(100), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("message_id", "handler"),
)


# One row per (message, handler) that ran once a handler of the message has failed (migration 0012): a
# handler done is never run again for that message, so a failing handler is retried alone.
outbox_deliveries = Table(
    "outbox_deliveries",
    metadata,
    Column("message_id", String(36), ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False),
    Column("handler", String(100), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("done_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    PrimaryKeyConstraint("message_id", "handler"),
)
