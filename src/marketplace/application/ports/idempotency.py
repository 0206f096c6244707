"""Remembered answers to requests sent with an Idempotency-Key (docs/api.md, Conventions)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Protocol

import msgspec


class Started(msgspec.Struct, frozen=True):
    """The key is new (or its earlier attempt was abandoned): this request runs and must finish or forget it."""


class Replay(msgspec.Struct, frozen=True):
    status: int
    body: bytes


class InProgress(msgspec.Struct, frozen=True):
    """Another request with this key is running now; its claim lapses within `retry_after` seconds
    unless the request renews it (it does while it is alive)."""

    retry_after: int = 1


class Reused(msgspec.Struct, frozen=True):
    """The key was used with another request body."""


Outcome = Started | Replay | InProgress | Reused


def seconds_left(until: datetime, now: datetime) -> int:
    """Whole seconds from `now` to `until`, at least 1: a Retry-After that is never 0."""
    return max(1, math.ceil((until - now).total_seconds()))


class IdempotencyStore(Protocol):
    async def begin(self, scope: str, key: str, fingerprint: str, now: datetime, lease_seconds: int) -> Outcome:
        """Claims the key for this request, atomically: of concurrent callers with one key, one starts.

        A claim not renewed for `lease_seconds` (its process died) may be taken over by a request with
        the same body; another body is Reused until the row is purged.
        """
        ...

    async def renew(self, scope: str, key: str, now: datetime, lease_seconds: int) -> bool:
        """Extends a running claim's lease to `now + lease_seconds` (its request is still alive); False
        when there is no running claim to extend (answered, forgotten, or never made)."""
        ...

    async def finish(self, scope: str, key: str, status: int, body: bytes, now: datetime, keep_seconds: int) -> None:
        """Stores the answer to replay until `now + keep_seconds`."""
        ...

    async def forget(self, scope: str, key: str) -> None:
        """Drops a running claim so the key may be tried again (the request failed in a retryable way)."""
        ...

    async def purge(self, now: datetime) -> int:
        """Deletes answers kept past their time; answers how many went."""
        ...
