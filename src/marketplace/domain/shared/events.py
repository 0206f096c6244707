"""Domain events: facts in the past tense, recorded by aggregates and sent through the outbox."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Base for every event; `topic` is the stable name the outbox stores."""

    @property
    def topic(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        """Plain JSON-ready data: datetimes become RFC 3339 strings."""
        data = dataclasses.asdict(self)
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}


class Aggregate:
    """Base for aggregates: records events until the unit of work takes them."""

    def record(self, event: DomainEvent) -> None:
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = self.__dict__.pop("_pending_events", [])
        return events
