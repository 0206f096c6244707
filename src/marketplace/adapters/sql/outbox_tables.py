"""The outbox's per-handler delivery records (migration 0012), on the same metadata as tables.py."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint, String, Table, Text

from marketplace.adapters.sql.tables import metadata
from marketplace.adapters.sql.types import UtcDateTime

# One row per (message, handler) that ran: a handler done is never run again for that message, so a
# failing handler is retried alone.
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
