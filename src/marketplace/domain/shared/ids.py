"""Identifiers made in the core: UUIDv7 (time-ordered, so ids sort by creation)."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """A UUIDv7 string (RFC 9562): 48-bit Unix milliseconds, version, random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_id(value: str) -> bool:
    """True for the canonical 8-4-4-4-12 hex form only (uuid.UUID also takes braces, urns, stray hyphens)."""
    try:
        return len(value) == 36 and str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False
