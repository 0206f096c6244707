"""The identity context's tables: users, their refresh tokens and saved addresses."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, text

from marketplace.adapters.sql.tables.common import address_columns, id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime

users = Table(
    "users",
    metadata,
    id_column(),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("phone", String(20), nullable=True),
    Column("is_admin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
)


refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    id_column(),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("family_id", String(36), nullable=False, index=True),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


addresses = Table(
    "addresses",
    metadata,
    id_column(),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    *address_columns(""),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_addresses_user_id_created_at_id", "user_id", "created_at", "id"),
)
