"""Text search over products: PostgreSQL full text, or LIKE on SQLite; both give a rank to sort by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, func, literal, literal_column, or_, true
from sqlalchemy.types import Integer, Text

from marketplace.adapters.sql.tables import products


def search(terms: list[str], *, postgres: bool) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    """A WHERE condition that every term must meet, and a rank (higher is more relevant).

    Without terms everything matches with the same rank, as in the memory adapter.
    """
    if not terms:
        return true(), literal(1, Integer)
    if postgres:
        return _full_text(terms)
    return _like(terms)


def _full_text(terms: list[str]) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    # Terms are letters and digits only; still, they travel as a bound parameter, never as SQL.
    query = func.to_tsquery(
        literal_column("'simple'::regconfig"),
        bindparam("search_query", " & ".join(f"{term}:*" for term in terms), type_=Text),
    )
    document: ColumnElement[Any] = literal_column("products.search")  # the generated tsvector (see the migration)
    return document.op("@@")(query), func.ts_rank(document, query)


def _like(terms: list[str]) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    # SQLite's LIKE ignores ASCII case; the terms come lower-cased already.
    conditions: list[ColumnElement[bool]] = []
    rank: ColumnElement[Any] = literal(0, Integer)
    for term in terms:
        in_title = products.c.title.contains(term, autoescape=True)
        in_description = products.c.description.contains(term, autoescape=True)
        conditions.append(or_(in_title, in_description))
        # Title hits weigh twice description hits, as in the memory adapter.
        rank = rank + case((in_title, 2), else_=0) + case((in_description, 1), else_=0)
    return and_(*conditions), rank
