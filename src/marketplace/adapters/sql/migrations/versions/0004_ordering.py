"""Ordering: checkouts, orders and their lines; marks of handled outbox messages; idempotency keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

DUE = "status = 'pending_payment'"
WITHOUT_INVOICE = "status = 'pending_payment' AND invoice_id IS NULL"


def _checkouts() -> None:
    op.create_table(
        "checkouts",
        sa.Column("id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("address", JSON, nullable=False),
        sa.Column("referral_code", sa.String(64), nullable=True),
        sa.Column("invoice_id", sa.String(100), nullable=True),
        sa.Column("invoice_url", sa.Text, nullable=True),
        sa.Column("payment_status", sa.String(20), nullable=False),
        sa.Column("settled_at", TIME, nullable=True),
        sa.Column("refunds", JSON, nullable=False),
        sa.Column("order_ids", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.CheckConstraint("amount > 0", name="ck_checkouts_amount_positive"),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name="fk_checkouts_buyer_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_checkouts"),
        sa.UniqueConstraint("invoice_id", name="uq_checkouts_invoice_id"),
    )
    op.create_index("ix_checkouts_buyer_id_id", "checkouts", ["buyer_id", "id"])
    op.create_index(
        "ix_checkouts_due", "checkouts", ["expires_at", "id"], postgresql_where=sa.text(DUE), sqlite_where=sa.text(DUE)
    )
    op.create_index(
        "ix_checkouts_without_invoice",
        "checkouts",
        ["created_at", "id"],
        postgresql_where=sa.text(WITHOUT_INVOICE),
        sqlite_where=sa.text(WITHOUT_INVOICE),
    )


def _orders() -> None:
    op.create_table(
        "orders",
        sa.Column("id", ID, nullable=False),
        sa.Column("checkout_id", ID, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("store_name", sa.String(80), nullable=False),
        sa.Column("shipping_method", sa.String(32), nullable=False),
        sa.Column("shipping_fee_amount", sa.BigInteger, nullable=False),
        sa.Column("shipping_fee_currency", sa.String(3), nullable=False),
        sa.Column("address", JSON, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("history", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.ForeignKeyConstraint(
            ["checkout_id"],
            ["checkouts.id"],
            name="fk_orders_checkout_id_checkouts",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name="fk_orders_store_id_stores"),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name="fk_orders_buyer_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
    )
    op.create_index("ix_orders_checkout_id", "orders", ["checkout_id"])
    op.create_index("ix_orders_buyer_id_id", "orders", ["buyer_id", "id"])
    op.create_index("ix_orders_store_id_id", "orders", ["store_id", "id"])
    op.create_index("ix_orders_store_id_status_id", "orders", ["store_id", "status", "id"])
    op.create_table(
        "order_lines",
        sa.Column("id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("variant_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_amount", sa.BigInteger, nullable=False),
        sa.Column("unit_price_currency", sa.String(3), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity_positive"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_lines_order_id_orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_order_lines"),
    )
    op.create_index("ix_order_lines_order_id_position", "order_lines", ["order_id", "position"])


def _processed_messages() -> None:
    op.create_table(
        "processed_messages",
        sa.Column("message_id", ID, nullable=False),
        sa.Column("handler", sa.String(100), nullable=False),
        sa.Column("processed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("message_id", "handler", name="pk_processed_messages"),
    )


def _idempotency_keys() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("body", sa.LargeBinary, nullable=True),
        sa.Column("locked_until", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])


def upgrade() -> None:
    _checkouts()
    _orders()
    _processed_messages()
    _idempotency_keys()


def downgrade() -> None:
    for table in ("idempotency_keys", "processed_messages", "order_lines", "orders", "checkouts"):
        op.drop_table(table)
