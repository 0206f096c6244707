"""Paging and filters shared by the admin lists of pages and banners."""

from __future__ import annotations

from marketplace.application.shared.cursor import decode_cursor
from marketplace.domain.cms.content import ContentStatus
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id


def before_id(cursor: str | None, kind: str) -> str | None:
    """The id a page of a newest-first list ended at, from its cursor."""
    position = decode_cursor(cursor, kind=kind)
    before = position.get("id") if position else None
    if before is not None and not is_id(before):
        raise InvalidValue("cursor", "is not a cursor this list made")
    return before


def status_of(value: str | None) -> ContentStatus | None:
    if value is None:
        return None
    try:
        return ContentStatus(value)
    except ValueError:
        raise InvalidValue("status", "must be draft or published") from None
