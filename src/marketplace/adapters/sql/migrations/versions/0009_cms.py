"""CMS: pages (Markdown and its sanitised HTML) and banners (placement, link, time window).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(36)
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cms_pages",
        sa.Column("id", ID, nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("seo_title", sa.String(120), nullable=True),
        sa.Column("seo_description", sa.String(320), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_cms_pages"),
        sa.UniqueConstraint("slug", name="uq_cms_pages_slug"),
    )
    op.create_index("ix_cms_pages_status_id", "cms_pages", ["status", "id"])
    op.create_table(
        "cms_banners",
        sa.Column("id", ID, nullable=False),
        sa.Column("placement", sa.String(40), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("link_url", sa.String(2000), nullable=False),
        sa.Column("media_id", ID, nullable=True),
        sa.Column("starts_at", TIME, nullable=True),
        sa.Column("ends_at", TIME, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="ck_cms_banners_window_order"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cms_banners"),
    )
    op.create_index("ix_cms_banners_status_id", "cms_banners", ["status", "id"])
    op.create_index("ix_cms_banners_placement_id", "cms_banners", ["placement", "id"])


def downgrade() -> None:
    op.drop_table("cms_banners")
    op.drop_table("cms_pages")
