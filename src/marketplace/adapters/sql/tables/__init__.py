"""The relational schema as SQLAlchemy Core tables, one module per context sharing one MetaData;
migrations/versions creates the same thing."""

from marketplace.adapters.sql.tables.affiliate import affiliates, commissions, referral_links
from marketplace.adapters.sql.tables.cart import cart_lines, carts
from marketplace.adapters.sql.tables.catalog import categories, products, stores, variants
from marketplace.adapters.sql.tables.chat import chat_conversations, chat_messages
from marketplace.adapters.sql.tables.cms import cms_banners, cms_pages
from marketplace.adapters.sql.tables.common import NAMING, metadata
from marketplace.adapters.sql.tables.idempotency import idempotency_keys
from marketplace.adapters.sql.tables.identity import addresses, refresh_tokens, users
from marketplace.adapters.sql.tables.media import media
from marketplace.adapters.sql.tables.notifications import notification_preferences, notifications
from marketplace.adapters.sql.tables.ordering import ENDED_UNCHECKED, checkouts, order_lines, orders, provider_callbacks
from marketplace.adapters.sql.tables.outbox import outbox, outbox_deliveries, processed_messages
from marketplace.adapters.sql.tables.reviews import rating_summaries, reviews
from marketplace.adapters.sql.tables.settlement import account_balances, ledger_postings, payouts
from marketplace.adapters.sql.tables.shipping import shipment_bookings, shipments

__all__ = [
    "NAMING",
    "metadata",
    "ENDED_UNCHECKED",
    "account_balances",
    "addresses",
    "affiliates",
    "cart_lines",
    "carts",
    "categories",
    "chat_conversations",
    "chat_messages",
    "checkouts",
    "cms_banners",
    "cms_pages",
    "commissions",
    "idempotency_keys",
    "ledger_postings",
    "media",
    "notification_preferences",
    "notifications",
    "order_lines",
    "orders",
    "outbox",
    "outbox_deliveries",
    "payouts",
    "processed_messages",
    "products",
    "provider_callbacks",
    "rating_summaries",
    "referral_links",
    "refresh_tokens",
    "reviews",
    "shipment_bookings",
    "shipments",
    "stores",
    "users",
    "variants",
]
