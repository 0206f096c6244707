"""Outbox messages: domain events as the unit of work stores them for the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from marketplace.domain.shared.events import DomainEvent


class OutboxMessage(msgspec.Struct, frozen=True):
    id: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, event: DomainEvent, *, id: str, now: datetime) -> OutboxMessage:
        return cls(id=id, topic=event.topic, payload=event.payload(), created_at=now)
