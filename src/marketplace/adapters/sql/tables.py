"""The relational schema as SQLAlchemy Core tables; migrations/versions creates the same thing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from marketplace.adapters.sql.types import UtcDateTime, json_type

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Constraint names are fixed by the convention: the repositories recognise unique violations by
# name (PostgreSQL) or by column list (SQLite).
# On PostgreSQL `products` also has a generated `search` tsvector column (see the migration). It
# is left out here: SQLite has no such column and no statement writes it.
metadata = MetaData(naming_convention=NAMING)


def _id() -> Column[str]:
    return Column("id", String(36), primary_key=True)


def _address(prefix: str) -> list[Column[Any]]:
    return [
        Column(f"{prefix}label", String(60), nullable=False, server_default=""),
        Column(f"{prefix}recipient", String(120), nullable=False),
        Column(f"{prefix}phone", String(20), nullable=False),
        Column(f"{prefix}line1", String(300), nullable=False),
        Column(f"{prefix}city", String(120), nullable=False),
        Column(f"{prefix}postal_code", String(12), nullable=False),
        Column(f"{prefix}lat", Float, nullable=True),
        Column(f"{prefix}lng", Float, nullable=True),
    ]


def _rating() -> list[Column[int]]:
    # The average in hundredths (-1 when unrated, so unrated sorts last) and the number of reviews.
    return [
        Column("rating_centi", Integer, nullable=False, server_default=text("-1")),
        Column("rating_count", Integer, nullable=False, server_default=text("0")),
    ]


users = Table(
    "users",
    metadata,
    _id(),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("phone", String(20), nullable=True),
    Column("is_admin", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    _id(),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("family_id", String(36), nullable=False, index=True),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

addresses = Table(
    "addresses",
    metadata,
    _id(),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    *_address(""),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_addresses_user_id_created_at_id", "user_id", "created_at", "id"),
)

stores = Table(
    "stores",
    metadata,
    _id(),
    Column("owner_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    *_address("pickup_"),
    Column("logo_media_id", String(36), nullable=True),
    Column("affiliate_rate_bps", Integer, nullable=False, server_default=text("0")),
    *_rating(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_stores_owner_id_id", "owner_id", "id"),
    Index("ix_stores_status_id", "status", "id"),
)

categories = Table(
    "categories",
    metadata,
    _id(),
    Column("name", String(80), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("parent_id", String(36), ForeignKey("categories.id"), nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
)

products = Table(
    "products",
    metadata,
    _id(),
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
    *_rating(),
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
    _id(),
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

outbox = Table(
    "outbox",
    metadata,
    _id(),
    Column("topic", String(100), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("available_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("parked_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    # Workers only ever look for pending messages: keep that index small.
    Index(
        "ix_outbox_pending",
        "available_at",
        "id",
        postgresql_where=text("delivered_at IS NULL AND parked_at IS NULL"),
        sqlite_where=text("delivered_at IS NULL AND parked_at IS NULL"),
    ),
)


media = Table(
    "media",
    metadata,
    _id(),
    Column("owner_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("key", String(512), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("thumbnail_key", String(512)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime()),
    Column("attached_to", String(80)),
    Column("version", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("size > 0", name="size_positive"),
    Index("ix_media_status_created_at", "status", "created_at"),
)


carts = Table(
    "carts",
    metadata,
    Column("buyer_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
)

cart_lines = Table(
    "cart_lines",
    metadata,
    Column("buyer_id", String(36), ForeignKey("carts.buyer_id", ondelete="CASCADE"), primary_key=True),
    Column("variant_id", String(36), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)


# Ordering. Addresses, refunds and the status history are snapshots read and written whole with their
# aggregate, never queried by their parts: JSON keeps them in the one row.
ENDED_UNCHECKED = "status <> 'pending_payment' AND invoice_id IS NULL AND checked_at IS NULL"
checkouts = Table(
    "checkouts",
    metadata,
    _id(),
    Column("buyer_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("address", json_type(), nullable=False),
    Column("referral_code", String(64), nullable=True),
    Column("invoice_id", String(100), nullable=True, unique=True),
    Column("invoice_url", Text, nullable=True),
    Column("payment_status", String(20), nullable=False),
    Column("settled_at", UtcDateTime(), nullable=True),
    Column("refunds", json_type(), nullable=False),
    Column("order_ids", json_type(), nullable=False),  # the checkout's own order of its orders
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("flag", Text, nullable=True),
    Column("checked_at", UtcDateTime(), nullable=True),
    Column("refunds_pending", Boolean, nullable=False, server_default=text("false")),
    Column("idempotency_key", String(255), nullable=True),  # the buyer's key: a retry after a crash finds it
    Column("voided", Boolean, nullable=False, server_default=text("false")),  # never got an invoice: hidden
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_checkouts_buyer_id_id", "buyer_id", "id"),
    Index("ux_checkouts_buyer_id_idempotency_key", "buyer_id", "idempotency_key", unique=True),
    # Checkouts that ended without a recorded invoice, not yet looked up at the provider (it may hold one).
    Index(
        "ix_checkouts_ended_unchecked",
        "created_at",
        "id",
        postgresql_where=text(ENDED_UNCHECKED),
        sqlite_where=text(ENDED_UNCHECKED),
    ),
    # The expiry sweep and the orphan sweep look at pending checkouts only: keep those indexes small.
    Index(
        "ix_checkouts_due",
        "expires_at",
        "id",
        postgresql_where=text("status = 'pending_payment'"),
        sqlite_where=text("status = 'pending_payment'"),
    ),
    # Reconciliation asks the provider about the least recently checked first.
    Index(
        "ix_checkouts_unsettled",
        "checked_at",
        "id",
        postgresql_where=text("status = 'pending_payment' AND invoice_id IS NOT NULL"),
        sqlite_where=text("status = 'pending_payment' AND invoice_id IS NOT NULL"),
    ),
    Index(
        "ix_checkouts_refunds_pending",
        "checked_at",
        "id",
        postgresql_where=text("refunds_pending"),
        sqlite_where=text("refunds_pending"),
    ),
    Index(
        "ix_checkouts_without_invoice",
        "created_at",
        "id",
        postgresql_where=text("status = 'pending_payment' AND invoice_id IS NULL"),
        sqlite_where=text("status = 'pending_payment' AND invoice_id IS NULL"),
    ),
)

orders = Table(
    "orders",
    metadata,
    _id(),
    # Deferred to commit: a use case may add the orders before the checkout they belong to.
    Column(
        "checkout_id",
        String(36),
        ForeignKey("checkouts.id", deferrable=True, initially="DEFERRED"),
        nullable=False,
        index=True,
    ),
    Column("store_id", String(36), ForeignKey("stores.id"), nullable=False),
    Column("buyer_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("store_name", String(80), nullable=False),
    Column("shipping_method", String(32), nullable=False),
    Column("shipping_fee_amount", BigInteger, nullable=False),
    Column("shipping_fee_currency", String(3), nullable=False),
    Column("address", json_type(), nullable=True),
    Column("status", String(20), nullable=False),
    Column("history", json_type(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("delivered_at", UtcDateTime(), nullable=True),  # set while it is `delivered`
    Column("fee_bps", Integer, nullable=False, server_default=text("0")),  # the marketplace's cut at checkout
    Column("referral", json_type(), nullable=True),  # the affiliate the purchase is attributed to
    Column("voided", Boolean, nullable=False, server_default=text("false")),  # its checkout never got an invoice
    # One index per list: a buyer's orders, a store's orders, a store's orders in one status.
    Index("ix_orders_buyer_id_id", "buyer_id", "id"),
    Index("ix_orders_store_id_id", "store_id", "id"),
    Index("ix_orders_store_id_status_id", "store_id", "status", "id"),
    # The autocomplete sweep looks at delivered orders only.
    Index(
        "ix_orders_delivered",
        "delivered_at",
        "id",
        postgresql_where=text("status = 'delivered'"),
        sqlite_where=text("status = 'delivered'"),
    ),
)

# One shipment per order (`id` is the order's id); its bookings, one row per attempt.
shipments = Table(
    "shipments",
    metadata,
    Column("id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", String(36), nullable=False),
    Column("buyer_id", String(36), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("live", Boolean, nullable=False),  # the last booking is not final yet
    Column("checked_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    # The poll of quiet bookings looks at live shipments only, the least recently heard first.
    Index("ix_shipments_quiet", "checked_at", "id", postgresql_where=text("live"), sqlite_where=text("live")),
)

shipment_bookings = Table(
    "shipment_bookings",
    metadata,
    Column("booking_id", String(64), primary_key=True),  # the provider's order number
    Column("shipment_id", String(36), ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("store_order_id", String(100), nullable=False),
    Column("method", String(32), nullable=False),
    Column("status", String(20), nullable=False),  # derived from `reported`, kept for reading
    Column("created_at", UtcDateTime(), nullable=False),
    Column("reported", json_type(), nullable=False),  # status -> when it happened
    Column("courier", json_type(), nullable=False),  # driver, tracking link, price
    Index("ix_shipment_bookings_shipment_id_position", "shipment_id", "position"),
)

order_lines = Table(
    "order_lines",
    metadata,
    _id(),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    # No foreign keys: a line is a snapshot that outlives the variant and product it names.
    Column("variant_id", String(36), nullable=False),
    Column("product_id", String(36), nullable=False),
    Column("title", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_amount", BigInteger, nullable=False),
    Column("unit_price_currency", String(3), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_order_lines_order_id_position", "order_id", "position"),
)

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("message_id", String(36), nullable=False),
    Column("handler", String(100), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("message_id", "handler"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(200), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(128), nullable=False),
    Column("status", Integer, nullable=True),  # NULL while the first request runs
    Column("body", LargeBinary, nullable=True),
    Column("locked_until", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("scope", "key"),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)


# Every callback a provider sent us, as received: matched to a checkout or not (an unknown id is
# acknowledged and kept here for a person to look at).
provider_callbacks = Table(
    "provider_callbacks",
    metadata,
    _id(),
    Column("provider", String(20), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("status", String(40), nullable=False),
    Column("matched", Boolean, nullable=False),
    Column("note", Text, nullable=True),
    Column("payload", json_type(), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Index("ix_provider_callbacks_reference", "provider", "reference"),
    Index(
        "ix_provider_callbacks_unmatched",
        "received_at",
        postgresql_where=text("NOT matched"),
        sqlite_where=text("NOT matched"),
    ),
)

# Chat (the embedded default's chat store; MongoDB takes its place in production). A conversation is
# one per buyer, store, product and order ('' when about none); its messages are numbered by `seq`.
chat_conversations = Table(
    "chat_conversations",
    metadata,
    _id(),
    Column("buyer_id", String(36), nullable=False),
    Column("store_id", String(36), nullable=False),
    Column("product_key", String(36), nullable=False),
    Column("order_key", String(36), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("active_at", UtcDateTime(), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_message", json_type(), nullable=True),
    Column("buyer_read_seq", Integer, nullable=False),
    Column("seller_read_seq", Integer, nullable=False),
    UniqueConstraint("buyer_id", "store_id", "product_key", "order_key"),
    Index("ix_chat_conversations_buyer_id_active_at_id", "buyer_id", "active_at", "id"),
    Index("ix_chat_conversations_store_id_active_at_id", "store_id", "active_at", "id"),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    _id(),
    Column("conversation_id", String(36), ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender_id", String(36), nullable=False),
    Column("sender_role", String(10), nullable=False),
    Column("body", Text, nullable=False),
    Column("media_ids", json_type(), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("conversation_id", "seq"),
    UniqueConstraint("conversation_id", "sender_id", "client_id"),
)


# Reviews: one per order line. Rating summaries: one counter per number of stars for each product
# and store, changed only by adding to them (see adapters/sql/review_repository.py).
reviews = Table(
    "reviews",
    metadata,
    _id(),
    Column("product_id", String(36), nullable=False),
    Column("store_id", String(36), nullable=False),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=False),
    Column("line_id", String(36), nullable=False, unique=True),
    Column("author_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("media_ids", json_type(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("edited_at", UtcDateTime(), nullable=True),
    Column("hidden_at", UtcDateTime(), nullable=True),
    Column("reply", json_type(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_stars"),
    Index("ix_reviews_product_id_status_created_at_id", "product_id", "status", "created_at", "id"),
    Index("ix_reviews_product_id_status_rating_created_at_id", "product_id", "status", "rating", "created_at", "id"),
)

rating_summaries = Table(
    "rating_summaries",
    metadata,
    Column("kind", String(10), nullable=False),
    Column("subject_id", String(36), nullable=False),
    *[Column(f"stars_{stars}", Integer, nullable=False) for stars in range(1, 6)],
    PrimaryKeyConstraint("kind", "subject_id"),
)


# CMS: pages (the Markdown body and the sanitised HTML rendered from it, stored together) and banners.
cms_pages = Table(
    "cms_pages",
    metadata,
    _id(),
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
    _id(),
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


# Settlement: the ledger's postings (each transaction's postings sum to zero) and every account's
# balance, moved by deltas in the same transaction; store and affiliate balances never go negative.
ledger_postings = Table(
    "ledger_postings",
    metadata,
    _id(),
    Column("transaction_id", String(36), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("account", String(120), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("order_id", String(36), nullable=True),
    Column("payout_id", String(36), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_ledger_postings_account_created_at_id", "account", "created_at", "id"),
    Index("ix_ledger_postings_order_id", "order_id"),
    Index("ix_ledger_postings_transaction_id", "transaction_id"),
)

account_balances = Table(
    "account_balances",
    metadata,
    Column("account", String(120), primary_key=True),
    Column("balance", BigInteger, nullable=False),
    Column("guarded", Boolean, nullable=False),
    CheckConstraint("balance >= 0 OR NOT guarded", name="never_negative"),
)

commissions = Table(
    "commissions",
    metadata,
    _id(),
    Column("affiliate_id", String(36), nullable=False),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_commissions_affiliate_id_status_id", "affiliate_id", "status", "id"),
    Index("ix_commissions_order_id", "order_id"),
)

affiliates = Table(
    "affiliates",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id"), primary_key=True),
    Column("joined_at", UtcDateTime(), nullable=False),
)

referral_links = Table(
    "referral_links",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("affiliate_id", String(36), ForeignKey("affiliates.user_id"), nullable=False),
    Column("target_kind", String(12), nullable=False),
    Column("target_id", String(36), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("clicks", Integer, nullable=False, server_default=text("0")),
    Index("ix_referral_links_affiliate_id", "affiliate_id"),
)

payouts = Table(
    "payouts",
    metadata,
    _id(),
    Column("owner_kind", String(10), nullable=False),
    Column("owner_id", String(36), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("destination", json_type(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("provider_id", String(100), nullable=True),
    Column("failure_code", String(60), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("idempotency_key", String(255), nullable=True),  # the requester's key: a retry after a crash finds it
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_payouts_owner_kind_owner_id_id", "owner_kind", "owner_id", "id"),
    Index("ux_payouts_owner_idempotency_key", "owner_kind", "owner_id", "idempotency_key", unique=True),
    Index("ix_payouts_provider_id", "provider_id"),
    Index(
        "ix_payouts_open",
        "created_at",
        "id",
        postgresql_where=text("status = 'requested'"),
        sqlite_where=text("status = 'requested'"),
    ),
)
