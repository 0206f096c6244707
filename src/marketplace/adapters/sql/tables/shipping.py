"""The shipping context's tables: a shipment per order and its bookings."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, text

from marketplace.adapters.sql.tables.common import metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

# One shipment per order (`id` is the order's id); its bookings, one row per attempt.
shipments = Table(
    "shipments",
    metadata,
    Column("id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", String(36), nullable=False),
    Column("buyer_id", String(36), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("live", Boolean, nullable=False),  # the last booking is not final yet
    Column("checked_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    # The poll of quiet bookings looks at live shipments only, the least recently heard first.
    Index("ix_shipments_quiet", "checked_at", "id", postgresql_where=text("live"), sqlite_where=text("live")),
)


shipment_bookings = Table(
    "shipment_bookings",
    metadata,
    Column("booking_id", String(64), primary_key=True),  # the provider's order number
    Column("shipment_id", String(36), ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("store_order_id", String(100), nullable=False),
    Column("method", String(32), nullable=False),
    Column("status", String(20), nullable=False),  # derived from `reported`, kept for reading
    Column("created_at", UtcDateTime(), nullable=False),
    Column("reported", json_type(), nullable=False),  # status -> when it happened
    Column("courier", json_type(), nullable=False),  # driver, tracking link, price
    Index("ix_shipment_bookings_shipment_id_position", "shipment_id", "position"),
)
