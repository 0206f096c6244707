"""The affiliate context's tables: affiliates, referral links and commissions."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, text

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime

affiliates = Table(
    "affiliates",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id"), primary_key=True),
    Column("joined_at", UtcDateTime(), nullable=False),
)


referral_links = Table(
    "referral_links",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("affiliate_id", String(36), ForeignKey("affiliates.user_id"), nullable=False),
    Column("target_kind", String(12), nullable=False),
    Column("target_id", String(36), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("clicks", Integer, nullable=False, server_default=text("0")),
    Index("ix_referral_links_affiliate_id", "affiliate_id"),
)


commissions = Table(
    "commissions",
    metadata,
    id_column(),
    Column("affiliate_id", String(36), nullable=False),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_commissions_affiliate_id_status_id", "affiliate_id", "status", "id"),
    Index("ix_commissions_order_id", "order_id"),
)
