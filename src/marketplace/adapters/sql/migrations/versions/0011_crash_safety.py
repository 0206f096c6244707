"""Crash safety: a checkout and a payout remember the Idempotency-Key they were asked with (a retry after
a crash finds what was committed), and a checkout that never got an invoice is voided, with its
orders, out of every list.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENDED_UNCHECKED = "status <> 'pending_payment' AND invoice_id IS NULL AND checked_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("checkouts") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(255), nullable=True))
        batch.add_column(sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.text("false")))
        batch.create_index("ux_checkouts_buyer_id_idempotency_key", ["buyer_id", "idempotency_key"], unique=True)
    op.create_index(
        "ix_checkouts_ended_unchecked",
        "checkouts",
        ["created_at", "id"],
        postgresql_where=sa.text(ENDED_UNCHECKED),
        sqlite_where=sa.text(ENDED_UNCHECKED),
    )
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.text("false")))
    with op.batch_alter_table("payouts") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(255), nullable=True))
        batch.create_index(
            "ux_payouts_owner_idempotency_key", ["owner_kind", "owner_id", "idempotency_key"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("payouts") as batch:
        batch.drop_index("ux_payouts_owner_idempotency_key")
        batch.drop_column("idempotency_key")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("voided")
    op.drop_index("ix_checkouts_ended_unchecked", table_name="checkouts")
    with op.batch_alter_table("checkouts") as batch:
        batch.drop_index("ux_checkouts_buyer_id_idempotency_key")
        batch.drop_column("voided")
        batch.drop_column("idempotency_key")
