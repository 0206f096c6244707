"""The notification centre: each user's notifications and their channel preferences per kind."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, PrimaryKeyConstraint, String, Table, Text, UniqueConstraint

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

notifications = Table(
    "notifications",
    metadata,
    id_column(),
    Column("user_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("data", json_type(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("read_at", UtcDateTime(), nullable=True),
    Column("source", String(200), nullable=False),
    UniqueConstraint("user_id", "source"),
    Index("ix_notifications_user_id_created_at_id", "user_id", "created_at", "id"),
)

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("user_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("in_app", Boolean, nullable=False),
    Column("email", Boolean, nullable=False),
    PrimaryKeyConstraint("user_id", "kind"),
)
