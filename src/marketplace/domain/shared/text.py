"""Slugs and text rules shared by stores, products and categories."""

from __future__ import annotations

import re
import unicodedata

from marketplace.domain.shared.errors import InvalidValue

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80


def slugify(text: str, fallback: str = "item") -> str:
    """Lower-case ASCII words joined by single hyphens; never empty, at most MAX_SLUG chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-")
    return slug or fallback


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and bool(SLUG_PATTERN.fullmatch(text))


def clean_text(field: str, value: str, *, min_length: int = 1, max_length: int) -> str:
    """Strip surrounding space and check the length; control characters are refused."""
    value = value.strip()
    if len(value) < min_length:
        raise InvalidValue(field, "must not be empty" if min_length == 1 else f"needs at least {min_length} characters")
    if len(value) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise InvalidValue(field, "must not contain control characters")
    return value
