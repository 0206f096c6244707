"""Opaque cursors: base64url JSON that only the query that made them reads back."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import msgspec

from marketplace.domain.shared.errors import InvalidValue

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(position)).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, kind: str) -> dict[str, Any] | None:
    """The position a cursor holds; a cursor made for another kind of list is refused."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise InvalidValue("cursor", "is not a cursor this list made") from None
    if not isinstance(position, dict) or position.get("k") != kind:
        raise InvalidValue("cursor", "is not a cursor this list made")
    return position


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidValue("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit
