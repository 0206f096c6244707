"""The outbox as the worker sees it: claim due messages, then mark each delivered or failed; what
each handler of a message made of it (so a failed handler is tried again alone); and what its
handlers already did."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import msgspec


class OutboxEntry(msgspec.Struct, frozen=True):
    id: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    available_at: datetime
    delivered_at: datetime | None = None
    parked_at: datetime | None = None
    last_error: str | None = None


class HandlerDelivery(msgspec.Struct, frozen=True):
    """One handler's share of one message. Once done it is never run again for that message; a failed
    one is tried again, alone, when the message comes back. Written once a handler of the message failed
    (from then on for every run): a message whose handlers all succeed at once needs none."""

    message_id: str
    handler: str
    attempts: int  # runs so far, the one that succeeded included
    next_attempt_at: datetime | None = None  # when the message comes back for it; None once done or parked
    done_at: datetime | None = None
    last_error: str | None = None


class OutboxStore(Protocol):
    async def claim(self, now: datetime, limit: int, lease_seconds: int) -> list[OutboxEntry]:
        """Up to `limit` due messages, oldest first, leased to this caller: each one's `attempts` goes up
        and it is hidden from other callers for `lease_seconds` (concurrent callers never get the same
        message while the lease runs; a message whose claimer died comes back when it ends)."""
        ...

    async def delivered(self, message_id: str, now: datetime) -> None: ...

    async def failed(self, message_id: str, error: str, retry_at: datetime | None, now: datetime) -> None:
        """Retries at `retry_at`, or parks the message when it is None."""
        ...

    async def parked(self, limit: int) -> list[OutboxEntry]:
        """Parked messages, oldest first."""
        ...

    async def replay(self, message_id: str, now: datetime) -> bool:
        """Puts a parked message back in line with its attempts reset; False when none is parked by that id."""
        ...

    async def pending(self) -> int:
        """How many messages wait for delivery (parked ones excluded)."""
        ...

    async def deliveries(self, message_id: str) -> list[HandlerDelivery]:
        """What each handler that ran for the message made of it, by handler name."""
        ...

    async def handler_delivered(self, message_id: str, handler: str, now: datetime) -> None:
        """`handler` succeeded: counted as a run, and done for good."""
        ...

    async def handler_failed(
        self, message_id: str, handler: str, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        """`handler` failed: counted as a run, to be tried again at `retry_at` (None: parked with its message)."""
        ...


class ProcessedMessages(Protocol):
    """What outbox handlers already did: committed with the handler's own changes."""

    async def claim(self, message_id: str, handler: str) -> bool:
        """False when this handler already handled this message (then do nothing)."""
        ...
