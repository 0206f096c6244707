"""The stores and catalog tables: stores, categories, products and their variants."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from marketplace.adapters.sql.tables.common import address_columns, id_column, metadata, rating_columns
from marketplace.adapters.sql.types import UtcDateTime, json_type

stores = Table(
    "stores",
    metadata,
    id_column(),
    Column("owner_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    *address_columns("pickup_"),
    Column("logo_media_id", String(36), nullable=True),
    Column("affiliate_rate_bps", Integer, nullable=False, server_default=text("0")),
    *rating_columns(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_stores_owner_id_id", "owner_id", "id"),
    Index("ix_stores_status_id", "status", "id"),
)


categories = Table(
    "categories",
    metadata,
    id_column(),
    Column("name", String(80), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("parent_id", String(36), ForeignKey("categories.id"), nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
)


products = Table(
    "products",
    metadata,
    id_column(),
    Column("store_id", String(36), ForeignKey("stores.id"), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("category_id", String(36), ForeignKey("categories.id"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    # The lowest variant price, kept by the repository on every save so lists can sort and filter on it.
    Column("price_from_amount", BigInteger, nullable=False),
    Column("media_ids", json_type(), nullable=False),
    *rating_columns(),
    Column("published_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    # One index per browse order; id last so keyset paging is an index range scan.
    Index("ix_products_status_id", "status", "id"),
    Index("ix_products_status_price_from_amount_id", "status", "price_from_amount", "id"),
    Index("ix_products_category_id_status_id", "category_id", "status", "id"),
    Index("ix_products_store_id_status_id", "store_id", "status", "id"),
    Index("ix_products_status_rating_centi_id", "status", "rating_centi", "id"),
)


variants = Table(
    "variants",
    metadata,
    id_column(),
    Column("product_id", String(36), ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    # Copied from the product: SKUs are unique per store, which a constraint can only see here.
    Column("store_id", String(36), ForeignKey("stores.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_amount", BigInteger, nullable=False),
    Column("price_currency", String(3), nullable=False),
    Column("stock", Integer, nullable=False),
    Column("weight_grams", Integer, nullable=False),
    UniqueConstraint("store_id", "sku"),
    CheckConstraint("stock >= 0", name="stock_not_negative"),
    CheckConstraint("price_amount > 0", name="price_positive"),
    Index("ix_variants_product_id_position", "product_id", "position"),
)
