"""Shipping: shipments and their courier bookings; when an order was delivered.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DELIVERED = "status = 'delivered'"


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("delivered_at", TIME, nullable=True))
    op.create_index(
        "ix_orders_delivered",
        "orders",
        ["delivered_at", "id"],
        postgresql_where=sa.text(DELIVERED),
        sqlite_where=sa.text(DELIVERED),
    )
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("live", sa.Boolean, nullable=False),
        sa.Column("checked_at", TIME, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.ForeignKeyConstraint(["id"], ["orders.id"], name="fk_shipments_id_orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
    )
    op.create_index(
        "ix_shipments_quiet",
        "shipments",
        ["checked_at", "id"],
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    )
    op.create_table(
        "shipment_bookings",
        sa.Column("booking_id", sa.String(64), nullable=False),
        sa.Column("shipment_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("store_order_id", sa.String(100), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("reported", JSON, nullable=False),
        sa.Column("courier", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name="fk_shipment_bookings_shipment_id_shipments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("booking_id", name="pk_shipment_bookings"),
    )
    op.create_index("ix_shipment_bookings_shipment_id_position", "shipment_bookings", ["shipment_id", "position"])


def downgrade() -> None:
    op.drop_table("shipment_bookings")
    op.drop_table("shipments")
    op.drop_index("ix_orders_delivered", "orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("delivered_at")
