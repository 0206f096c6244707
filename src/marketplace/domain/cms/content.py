"""Rules shared by pages and banners: the publication status, times, links and text."""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit

from marketplace.domain.shared.errors import InvalidValue

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_LINK = 2000


class ContentStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


def check_time(field: str, value: datetime | None) -> datetime | None:
    """A time zone aware instant between 2000 and 2200, in UTC; None stays None."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(field, "must include a time zone (RFC 3339)")
    if not EARLIEST <= value < LATEST:
        raise InvalidValue(field, "must be between the years 2000 and 2199")
    return value.astimezone(UTC)


def check_link(field: str, value: str) -> str:
    """An absolute http(s) URL with a host, or a path on this site ("/sale"); nothing else.

    `javascript:`, `data:` and other schemes, scheme-relative "//host" links and backslashes (which
    browsers read as slashes) are refused, as are spaces and control or format characters.
    """
    value = value.strip()
    if not value:
        raise InvalidValue(field, "must not be empty")
    if len(value) > MAX_LINK:
        raise InvalidValue(field, f"must be at most {MAX_LINK} characters")
    if any(ch.isspace() or ch == "\\" or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise InvalidValue(field, "must not contain spaces, backslashes or control characters")
    if value.startswith("/"):
        if value.startswith("//"):
            raise InvalidValue(field, "a path on this site starts with a single /")
        return value
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise InvalidValue(field, "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidValue(field, "must be an http(s) URL or a path on this site starting with /")
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_markdown(field: str, value: str, *, max_bytes: int) -> str:
    """Markdown kept exactly as written (leading spaces mean something), not blank, at most
    `max_bytes` in UTF-8, with no control characters but tab and line breaks."""
    if not value.strip():
        raise InvalidValue(field, "must not be empty")
    if len(value) > max_bytes or len(value.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InvalidValue(field, f"must be at most {max_bytes} bytes")
    if _CONTROL.search(value):
        raise InvalidValue(field, "must not contain control characters")
    return value
