"""Who handles what: handlers subscribe to event classes (never to topic strings) and receive the
event decoded into its class, with the id and time of the outbox message that carried it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from marketplace.application.events import EVENTS, EventRegistry
from marketplace.domain.shared.events import DomainEvent

E = TypeVar("E", bound=DomainEvent)
E_co = TypeVar("E_co", bound=DomainEvent, covariant=True)


@dataclass(frozen=True, slots=True)
class Received(Generic[E_co]):
    """An event as a handler gets it: typed, with the message it came in (its id names the delivery)."""

    message_id: str
    created_at: datetime
    event: E_co


Handle = Callable[[Received[E]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Subscription:
    event_type: type[DomainEvent]
    name: str  # with the message id, keys the delivery record: keep it stable
    handle: Callable[[Received[Any]], Awaitable[None]]


class Subscriptions:
    def __init__(self, registry: EventRegistry = EVENTS) -> None:
        self.registry = registry
        self._by_type: dict[type[DomainEvent], list[Subscription]] = {}

    def subscribe(self, event_type: type[E], name: str, handle: Handle[E]) -> None:
        """`handle` runs for every `event_type` written; `name` must be unique among that type's handlers."""
        if event_type not in self.registry.classes:
            raise ValueError(f"{event_type.__qualname__} is not a registered event class")
        taken = self._by_type.setdefault(event_type, [])
        if any(s.name == name for s in taken):
            raise ValueError(f"{name!r} already handles {event_type.__qualname__}")
        taken.append(Subscription(event_type, name, handle))

    def of(self, event_type: type[DomainEvent]) -> tuple[Subscription, ...]:
        return tuple(self._by_type.get(event_type, ()))

    def handled(self) -> frozenset[type[DomainEvent]]:
        return frozenset(t for t, subscriptions in self._by_type.items() if subscriptions)


class Subscriber(Protocol):
    """A handler object: subscribes its methods to the event classes it handles."""

    def subscribe(self, bus: Subscriptions) -> None: ...
