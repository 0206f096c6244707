"""Carts: one per buyer, with its lines.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "carts",
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("buyer_id", name="pk_carts"),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name="fk_carts_buyer_id_users", ondelete="CASCADE"),
    )
    op.create_table(
        "cart_lines",
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("variant_id", ID, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("added_at", TIME, nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_cart_lines_quantity_positive"),
        sa.PrimaryKeyConstraint("buyer_id", "variant_id", name="pk_cart_lines"),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["carts.buyer_id"], name="fk_cart_lines_buyer_id_carts", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("cart_lines")
    op.drop_table("carts")
