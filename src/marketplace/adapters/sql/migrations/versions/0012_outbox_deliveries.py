"""Outbox deliveries per handler: what each handler made of each message, so a failed handler is tried
again alone and the others of its message are not run twice.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_deliveries",
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("handler", sa.String(100), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=True),
        sa.Column("done_at", TIME, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox.id"], name="fk_outbox_deliveries_message_id_outbox", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("message_id", "handler", name="pk_outbox_deliveries"),
    )


def downgrade() -> None:
    op.drop_table("outbox_deliveries")
