"""The CMS context's tables: pages and banners."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table, Text, text

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime

# CMS: pages (the Markdown body and the sanitised HTML rendered from it, stored together) and banners.
cms_pages = Table(
    "cms_pages",
    metadata,
    id_column(),
    Column("slug", String(80), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("seo_title", String(120), nullable=True),
    Column("seo_description", String(320), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_cms_pages_status_id", "status", "id"),
)


cms_banners = Table(
    "cms_banners",
    metadata,
    id_column(),
    Column("placement", String(40), nullable=False),
    Column("title", String(120), nullable=False),
    Column("link_url", String(2000), nullable=False),
    Column("media_id", String(36), nullable=True),
    Column("starts_at", UtcDateTime(), nullable=True),
    Column("ends_at", UtcDateTime(), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="window_order"),
    Index("ix_cms_banners_status_id", "status", "id"),
    Index("ix_cms_banners_placement_id", "placement", "id"),
)
