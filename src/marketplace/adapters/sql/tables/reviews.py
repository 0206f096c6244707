"""The reviews context's tables: reviews and rating summaries."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

# Reviews: one per order line. Rating summaries: one counter per number of stars for each product
# and store, changed only by adding to them (see adapters/sql/review_repository.py).
reviews = Table(
    "reviews",
    metadata,
    id_column(),
    Column("product_id", String(36), nullable=False),
    Column("store_id", String(36), nullable=False),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=False),
    Column("line_id", String(36), nullable=False, unique=True),
    Column("author_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("media_ids", json_type(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("edited_at", UtcDateTime(), nullable=True),
    Column("hidden_at", UtcDateTime(), nullable=True),
    Column("reply", json_type(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_stars"),
    Index("ix_reviews_product_id_status_created_at_id", "product_id", "status", "created_at", "id"),
    Index("ix_reviews_product_id_status_rating_created_at_id", "product_id", "status", "rating", "created_at", "id"),
)


rating_summaries = Table(
    "rating_summaries",
    metadata,
    Column("kind", String(10), nullable=False),
    Column("subject_id", String(36), nullable=False),
    *[Column(f"stars_{stars}", Integer, nullable=False) for stars in range(1, 6)],
    PrimaryKeyConstraint("kind", "subject_id"),
)
