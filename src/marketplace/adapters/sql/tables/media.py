"""The media context's table: one row per uploaded object."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, text

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime

media = Table(
    "media",
    metadata,
    id_column(),
    Column("owner_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("key", String(512), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("thumbnail_key", String(512)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime()),
    Column("attached_to", String(80)),
    Column("version", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("size > 0", name="size_positive"),
    Index("ix_media_status_created_at", "status", "created_at"),
)
