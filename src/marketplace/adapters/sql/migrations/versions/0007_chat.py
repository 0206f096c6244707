"""Chat: conversations and their numbered messages (the embedded default's chat store).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "chat_conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=False),
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.Column("product_key", sa.String(36), nullable=False),
        sa.Column("order_key", sa.String(36), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("active_at", TIME, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_message", JSON, nullable=True),
        sa.Column("buyer_read_seq", sa.Integer, nullable=False),
        sa.Column("seller_read_seq", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chat_conversations"),
        sa.UniqueConstraint(
            "buyer_id",
            "store_id",
            "product_key",
            "order_key",
            name="uq_chat_conversations_buyer_id_store_id_product_key_order_key",
        ),
    )
    op.create_index(
        "ix_chat_conversations_buyer_id_active_at_id", "chat_conversations", ["buyer_id", "active_at", "id"]
    )
    op.create_index(
        "ix_chat_conversations_store_id_active_at_id", "chat_conversations", ["store_id", "active_at", "id"]
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sender_id", sa.String(36), nullable=False),
        sa.Column("sender_role", sa.String(10), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("media_ids", JSON, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["chat_conversations.id"],
            name="fk_chat_messages_conversation_id_chat_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_chat_messages"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_chat_messages_conversation_id_seq"),
        sa.UniqueConstraint(
            "conversation_id", "sender_id", "client_id", name="uq_chat_messages_conversation_id_sender_id_client_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("chat_messages")
    op.drop_table("chat_conversations")
