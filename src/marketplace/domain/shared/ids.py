"""Identifiers made in the core: UUIDv7 (time-ordered, so ids sort by creation)."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_lock = threading.Lock()
_last = [0, 0]  # the last millisecond used and its sequence counter


def _next_timestamp() -> tuple[int, int]:
    """Milliseconds and a 12-bit counter that never go backwards (RFC 9562, method 1)."""
    now = time.time_ns() // 1_000_000
    with _lock:
        millis, sequence = _last
        if now > millis:
            millis, sequence = now, int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count
        else:
            sequence += 1
            if sequence > 0xFFF:  # counter exhausted: borrow the next millisecond
                millis, sequence = millis + 1, 0
        _last[:] = [millis, sequence]
    return millis, sequence


def new_id() -> str:
    """A UUIDv7 string: 48-bit Unix milliseconds, version, a monotonic counter, random bits.

    Ids made in one process sort in the order they were made, even within one millisecond.
    """
    millis, sequence = _next_timestamp()
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= sequence << 64
    value |= 0b10 << 62
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_id(value: object) -> bool:
    """A canonical, lower-case hyphenated UUID string."""
    return isinstance(value, str) and len(value) == 36 and _CANONICAL.fullmatch(value) is not None
