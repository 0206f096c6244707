"""The stored answers to requests sent with an Idempotency-Key."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, PrimaryKeyConstraint, String, Table

from marketplace.adapters.sql.tables.common import metadata
from marketplace.adapters.sql.types import UtcDateTime

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(200), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(128), nullable=False),
    Column("status", Integer, nullable=True),  # NULL while the first request runs
    Column("body", LargeBinary, nullable=True),
    Column("locked_until", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("scope", "key"),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)
