"""What every table shares: the one MetaData, its naming convention and the column helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, text

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


def id_column() -> Column[str]:
    return Column("id", String(36), primary_key=True)


def address_columns(prefix: str) -> list[Column[Any]]:
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


def rating_columns() -> list[Column[int]]:
    # The average in hundredths (-1 when unrated, so unrated sorts last) and the number of reviews.
    return [
        Column("rating_centi", Integer, nullable=False, server_default=text("-1")),
        Column("rating_count", Integer, nullable=False, server_default=text("0")),
    ]
