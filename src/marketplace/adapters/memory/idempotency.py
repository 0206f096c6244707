"""Idempotency keys in process memory: for the in-memory backend and tests (one process only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.application.ports.idempotency import InProgress, Outcome, Replay, Reused, Started, seconds_left


@dataclass
class _Claim:
    fingerprint: str
    status: int | None  # None while the request runs
    body: bytes | None
    locked_until: datetime
    expires_at: datetime


class MemoryIdempotencyStore:
    """Every method runs without awaiting, so on one event loop each is atomic.

    A running claim lapses with its lease (its request renews it while alive): then a request with
    the same body takes it over; an answer kept long enough frees the key for any body.
    """

    def __init__(self) -> None:
        self._claims: dict[tuple[str, str], _Claim] = {}

    async def begin(self, scope: str, key: str, fingerprint: str, now: datetime, lease_seconds: int) -> Outcome:
        claim = self._claims.get((scope, key))
        if claim is not None and claim.fingerprint != fingerprint and (claim.status is None or claim.expires_at > now):
            return Reused()
        if claim is None or claim.expires_at <= now:
            lease_end = now + timedelta(seconds=lease_seconds)
            self._claims[(scope, key)] = _Claim(fingerprint, None, None, lease_end, lease_end)
            return Started()
        if claim.status is not None:
            return Replay(claim.status, claim.body or b"")
        return InProgress(retry_after=seconds_left(claim.locked_until, now))

    async def renew(self, scope: str, key: str, now: datetime, lease_seconds: int) -> bool:
        claim = self._claims.get((scope, key))
        if claim is None or claim.status is not None:
            return False
        claim.locked_until = claim.expires_at = now + timedelta(seconds=lease_seconds)
        return True

    async def finish(self, scope: str, key: str, status: int, body: bytes, now: datetime, keep_seconds: int) -> None:
        claim = self._claims.get((scope, key))
        if claim is not None:
            claim.status, claim.body = status, bytes(body)
            claim.expires_at = now + timedelta(seconds=keep_seconds)

    async def forget(self, scope: str, key: str) -> None:
        claim = self._claims.get((scope, key))
        if claim is not None and claim.status is None:
            del self._claims[(scope, key)]

    async def purge(self, now: datetime) -> int:
        gone = [k for k, claim in self._claims.items() if claim.expires_at <= now]
        for k in gone:
            del self._claims[k]
        return len(gone)
