"""The ordering and payments tables: checkouts, orders and their lines, provider callbacks."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

# Ordering. Addresses, refunds and the status history are snapshots read and written whole with their
# aggregate, never queried by their parts: JSON keeps them in the one row.
ENDED_UNCHECKED = "status <> 'pending_payment' AND invoice_id IS NULL AND checked_at IS NULL"
checkouts = Table(
    "checkouts",
    metadata,
    id_column(),
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
    id_column(),
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


order_lines = Table(
    "order_lines",
    metadata,
    id_column(),
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


# Every callback a provider sent us, as received: matched to a checkout or not (an unknown id is
# acknowledged and kept here for a person to look at).
provider_callbacks = Table(
    "provider_callbacks",
    metadata,
    id_column(),
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
