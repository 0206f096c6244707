"""The settlement context's tables: the ledger's postings, account balances and payouts."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, Index, Integer, String, Table, text

from marketplace.adapters.sql.tables.common import id_column, metadata
from marketplace.adapters.sql.types import UtcDateTime, json_type

# Settlement: the ledger's postings (each transaction's postings sum to zero) and every account's
# balance, moved by deltas in the same transaction; store and affiliate balances never go negative.
ledger_postings = Table(
    "ledger_postings",
    metadata,
    id_column(),
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


payouts = Table(
    "payouts",
    metadata,
    id_column(),
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
