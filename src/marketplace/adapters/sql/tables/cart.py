"""The cart context's tables: a cart per buyer and its lines."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, text

from marketplace.adapters.sql.tables.common import metadata
from marketplace.adapters.sql.types import UtcDateTime

carts = Table(
    "carts",
    metadata,
    Column("buyer_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
)


cart_lines = Table(
    "cart_lines",
    metadata,
    Column("buyer_id", String(36), ForeignKey("carts.buyer_id", ondelete="CASCADE"), primary_key=True),
    Column("variant_id", String(36), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)
