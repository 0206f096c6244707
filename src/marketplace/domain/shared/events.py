"""Domain events: facts in the past tense, recorded by aggregates and sent through the outbox."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Base for every event. Each class names its `topic`, the stable name the outbox stores and routes
    by: never derived from the class name, so a class can be renamed without orphaning stored messages."""

    topic: ClassVar[str]

    def payload(self) -> dict[str, Any]:
        """Plain JSON-ready data: datetimes become RFC 3339 strings, enums their values, tuples lists."""
        return {key: _plain(value) for key, value in dataclasses.asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class Aggregate:
    """Base for aggregates: records events until the unit of work takes them."""

    def record(self, event: DomainEvent) -> None:
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = self.__dict__.pop("_pending_events", [])
        return events
