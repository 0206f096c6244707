"""Identity, stores, catalog and the outbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelled out here, not imported from tables.py: a migration must not change when the code does.
ID = sa.String(36)
TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

PENDING = "delivered_at IS NULL AND parked_at IS NULL"
SEARCH = (
    "setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', coalesce(description, '')), 'B')"
)


def _address(prefix: str) -> list[sa.Column[Any]]:
    return [
        sa.Column(f"{prefix}label", sa.String(60), nullable=False, server_default=""),
        sa.Column(f"{prefix}recipient", sa.String(120), nullable=False),
        sa.Column(f"{prefix}phone", sa.String(20), nullable=False),
        sa.Column(f"{prefix}line1", sa.String(300), nullable=False),
        sa.Column(f"{prefix}city", sa.String(120), nullable=False),
        sa.Column(f"{prefix}postal_code", sa.String(12), nullable=False),
        sa.Column(f"{prefix}lat", sa.Float, nullable=True),
        sa.Column(f"{prefix}lng", sa.Float, nullable=True),
    ]


def _rating() -> list[sa.Column[Any]]:
    return [
        sa.Column("rating_centi", sa.Integer, nullable=False, server_default=sa.text("-1")),
        sa.Column("rating_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    ]


def _identity() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_refresh_tokens_user_id_users", ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
    )
    op.create_index("ix_refresh_tokens_user_id", "refresh_tokens", ["user_id"])
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])
    op.create_table(
        "addresses",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        *_address(""),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_addresses"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_addresses_user_id_users", ondelete="CASCADE"),
    )
    op.create_index("ix_addresses_user_id_created_at_id", "addresses", ["user_id", "created_at", "id"])


def _stores() -> None:
    op.create_table(
        "stores",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        *_address("pickup_"),
        sa.Column("logo_media_id", ID, nullable=True),
        *_rating(),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_stores"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_stores_owner_id_users"),
        sa.UniqueConstraint("slug", name="uq_stores_slug"),
    )
    op.create_index("ix_stores_owner_id_id", "stores", ["owner_id", "id"])
    op.create_index("ix_stores_status_id", "stores", ["status", "id"])


def _catalog(dialect: str) -> None:
    op.create_table(
        "categories",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_categories"),
        sa.ForeignKeyConstraint(["parent_id"], ["categories.id"], name="fk_categories_parent_id_categories"),
        sa.UniqueConstraint("slug", name="uq_categories_slug"),
    )
    op.create_index("ix_categories_parent_id", "categories", ["parent_id"])
    op.create_table(
        "products",
        sa.Column("id", ID, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("category_id", ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("price_from_amount", sa.BigInteger, nullable=False),
        sa.Column("media_ids", JSON, nullable=False),
        *_rating(),
        sa.Column("published_at", TIME, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name="fk_products_store_id_stores"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name="fk_products_category_id_categories"),
        sa.UniqueConstraint("slug", name="uq_products_slug"),
    )
    for columns in (
        ["status", "id"],
        ["status", "price_from_amount", "id"],
        ["category_id", "status", "id"],
        ["store_id", "status", "id"],
        ["status", "rating_centi", "id"],
    ):
        op.create_index(f"ix_products_{'_'.join(columns)}", "products", columns)
    if dialect == "postgresql":
        # Full-text search: computed by PostgreSQL on every write, title weighted above description.
        op.execute(f"ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS ({SEARCH}) STORED")
        op.execute("CREATE INDEX ix_products_search ON products USING gin (search)")
    op.create_table(
        "variants",
        sa.Column("id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("price_amount", sa.BigInteger, nullable=False),
        sa.Column("price_currency", sa.String(3), nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("weight_grams", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_variants"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_variants_product_id_products", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name="fk_variants_store_id_stores"),
        sa.UniqueConstraint("store_id", "sku", name="uq_variants_store_id_sku"),
        sa.CheckConstraint("stock >= 0", name="ck_variants_stock_not_negative"),
        sa.CheckConstraint("price_amount > 0", name="ck_variants_price_positive"),
    )
    op.create_index("ix_variants_product_id_position", "variants", ["product_id", "position"])


def _outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("available_at", TIME, nullable=False),
        sa.Column("delivered_at", TIME, nullable=True),
        sa.Column("parked_at", TIME, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["available_at", "id"],
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )


def upgrade() -> None:
    _identity()
    _stores()
    _catalog(op.get_bind().dialect.name)
    _outbox()


def downgrade() -> None:
    for table in ("outbox", "variants", "products", "categories", "stores", "addresses", "refresh_tokens", "users"):
        op.drop_table(table)
