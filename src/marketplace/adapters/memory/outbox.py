"""The in-memory outbox as the worker sees it: the messages units of work committed to the database."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import msgspec

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.application.ports.outbox import HandlerDelivery, OutboxEntry


def _pending(entry: OutboxEntry) -> bool:
    return entry.delivered_at is None and entry.parked_at is None


def _copy(entry: OutboxEntry) -> OutboxEntry:
    """What callers get never shares its payload with the stored message."""
    return msgspec.structs.replace(entry, payload=copy.deepcopy(entry.payload))


class MemoryOutboxStore:
    """Each method runs under the database lock, as a commit does, so none sees another half done."""

    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def claim(self, now: datetime, limit: int, lease_seconds: int) -> list[OutboxEntry]:
        async with self._db.lock:
            due = sorted(
                (e for e in self._db.outbox.values() if _pending(e) and e.available_at <= now),
                key=lambda e: (e.available_at, e.id),
            )[:limit]
            leased_until = now + timedelta(seconds=lease_seconds)
            claimed = [msgspec.structs.replace(e, attempts=e.attempts + 1, available_at=leased_until) for e in due]
            for entry in claimed:
                self._db.outbox[entry.id] = entry
            return [_copy(e) for e in claimed]

    async def delivered(self, message_id: str, now: datetime) -> None:
        await self._change(message_id, delivered_at=now)

    async def failed(self, message_id: str, error: str, retry_at: datetime | None, now: datetime) -> None:
        if retry_at is None:
            await self._change(message_id, last_error=error, parked_at=now)
        else:
            await self._change(message_id, last_error=error, available_at=retry_at)

    async def parked(self, limit: int) -> list[OutboxEntry]:
        async with self._db.lock:
            parked = [e for e in self._db.outbox.values() if e.parked_at is not None]
            return [_copy(e) for e in sorted(parked, key=lambda e: (e.created_at, e.id))[:limit]]

    async def replay(self, message_id: str, now: datetime) -> bool:
        async with self._db.lock:
            entry = self._db.outbox.get(message_id)
            if entry is None or entry.parked_at is None:
                return False
            self._db.outbox[message_id] = msgspec.structs.replace(entry, attempts=0, parked_at=None, available_at=now)
            return True

    async def pending(self) -> int:
        async with self._db.lock:
            return sum(1 for e in self._db.outbox.values() if _pending(e))

    async def deliveries(self, message_id: str) -> list[HandlerDelivery]:
        async with self._db.lock:
            found = [d for (m, _), d in self._db.deliveries.items() if m == message_id]
            return sorted(found, key=lambda d: d.handler)

    async def handler_delivered(self, message_id: str, handler: str, now: datetime) -> None:
        await self._run(message_id, handler, next_attempt_at=None, done_at=now)

    async def handler_failed(
        self, message_id: str, handler: str, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        await self._run(message_id, handler, next_attempt_at=retry_at, last_error=error)

    async def _run(self, message_id: str, handler: str, **outcome: object) -> None:
        async with self._db.lock:
            key = (message_id, handler)
            before = self._db.deliveries.get(key) or HandlerDelivery(message_id, handler, attempts=0)
            self._db.deliveries[key] = msgspec.structs.replace(before, attempts=before.attempts + 1, **outcome)

    async def _change(self, message_id: str, **changes: object) -> None:
        async with self._db.lock:
            entry = self._db.outbox.get(message_id)
            if entry is not None:
                self._db.outbox[message_id] = msgspec.structs.replace(entry, **changes)
