"""Reviews and rating summaries.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("author_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("media_ids", JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("edited_at", TIME, nullable=True),
        sa.Column("hidden_at", TIME, nullable=True),
        sa.Column("reply", JSON, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating_stars"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_reviews_order_id_orders"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_reviews_author_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("line_id", name="uq_reviews_line_id"),
    )
    op.create_index(
        "ix_reviews_product_id_status_created_at_id", "reviews", ["product_id", "status", "created_at", "id"]
    )
    op.create_index(
        "ix_reviews_product_id_status_rating_created_at_id",
        "reviews",
        ["product_id", "status", "rating", "created_at", "id"],
    )
    op.create_table(
        "rating_summaries",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        *[sa.Column(f"stars_{stars}", sa.Integer, nullable=False) for stars in range(1, 6)],
        sa.PrimaryKeyConstraint("kind", "subject_id", name="pk_rating_summaries"),
    )


def downgrade() -> None:
    op.drop_table("rating_summaries")
    op.drop_table("reviews")
