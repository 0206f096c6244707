"""Settlement: the ledger and account balances, commissions, affiliates and their links, payouts;
the store's affiliate rate; the fee and the referral each order was placed with.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OPEN = "status = 'requested'"


def upgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("affiliate_rate_bps", sa.Integer, nullable=False, server_default=sa.text("0")))
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("fee_bps", sa.Integer, nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("referral", JSON, nullable=True))
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("transaction_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("account", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=True),
        sa.Column("payout_id", sa.String(36), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_postings"),
    )
    op.create_index("ix_ledger_postings_account_created_at_id", "ledger_postings", ["account", "created_at", "id"])
    op.create_index("ix_ledger_postings_order_id", "ledger_postings", ["order_id"])
    op.create_index("ix_ledger_postings_transaction_id", "ledger_postings", ["transaction_id"])
    op.create_table(
        "account_balances",
        sa.Column("account", sa.String(120), nullable=False),
        sa.Column("balance", sa.BigInteger, nullable=False),
        sa.Column("guarded", sa.Boolean, nullable=False),
        sa.CheckConstraint("balance >= 0 OR NOT guarded", name="ck_account_balances_never_negative"),
        sa.PrimaryKeyConstraint("account", name="pk_account_balances"),
    )
    op.create_table(
        "commissions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("affiliate_id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_commissions_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_commissions"),
    )
    op.create_index("ix_commissions_affiliate_id_status_id", "commissions", ["affiliate_id", "status", "id"])
    op.create_index("ix_commissions_order_id", "commissions", ["order_id"])
    op.create_table(
        "affiliates",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("joined_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_affiliates_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_affiliates"),
    )
    op.create_table(
        "referral_links",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("affiliate_id", sa.String(36), nullable=False),
        sa.Column("target_kind", sa.String(12), nullable=False),
        sa.Column("target_id", sa.String(36), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("clicks", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.ForeignKeyConstraint(
            ["affiliate_id"], ["affiliates.user_id"], name="fk_referral_links_affiliate_id_affiliates"
        ),
        sa.PrimaryKeyConstraint("code", name="pk_referral_links"),
    )
    op.create_index("ix_referral_links_affiliate_id", "referral_links", ["affiliate_id"])
    op.create_table(
        "payouts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_kind", sa.String(10), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("destination", JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("provider_id", sa.String(100), nullable=True),
        sa.Column("failure_code", sa.String(60), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.CheckConstraint("amount > 0", name="ck_payouts_amount_positive"),
        sa.PrimaryKeyConstraint("id", name="pk_payouts"),
    )
    op.create_index("ix_payouts_owner_kind_owner_id_id", "payouts", ["owner_kind", "owner_id", "id"])
    op.create_index("ix_payouts_provider_id", "payouts", ["provider_id"])
    op.create_index(
        "ix_payouts_open", "payouts", ["created_at", "id"], postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN)
    )


def downgrade() -> None:
    for table in ("payouts", "referral_links", "affiliates", "commissions", "account_balances", "ledger_postings"):
        op.drop_table(table)
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("referral")
        batch.drop_column("fee_bps")
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("affiliate_rate_bps")
