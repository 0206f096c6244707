"""Payments: a flag and a reconciliation mark on checkouts; every provider callback as received.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UNSETTLED = "status = 'pending_payment' AND invoice_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("checkouts") as batch:
        batch.add_column(sa.Column("flag", sa.Text, nullable=True))
        batch.add_column(sa.Column("checked_at", TIME, nullable=True))
        batch.add_column(sa.Column("refunds_pending", sa.Boolean, nullable=False, server_default=sa.text("false")))
    op.create_index(
        "ix_checkouts_unsettled",
        "checkouts",
        ["checked_at", "id"],
        postgresql_where=sa.text(UNSETTLED),
        sqlite_where=sa.text(UNSETTLED),
    )
    op.create_index(
        "ix_checkouts_refunds_pending",
        "checkouts",
        ["checked_at", "id"],
        postgresql_where=sa.text("refunds_pending"),
        sqlite_where=sa.text("refunds_pending"),
    )
    op.create_table(
        "provider_callbacks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("matched", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provider_callbacks"),
    )
    op.create_index("ix_provider_callbacks_reference", "provider_callbacks", ["provider", "reference"])
    op.create_index(
        "ix_provider_callbacks_unmatched",
        "provider_callbacks",
        ["received_at"],
        postgresql_where=sa.text("NOT matched"),
        sqlite_where=sa.text("NOT matched"),
    )


def downgrade() -> None:
    op.drop_table("provider_callbacks")
    op.drop_index("ix_checkouts_refunds_pending", "checkouts")
    op.drop_index("ix_checkouts_unsettled", "checkouts")
    with op.batch_alter_table("checkouts") as batch:
        batch.drop_column("refunds_pending")
        batch.drop_column("checked_at")
        batch.drop_column("flag")
