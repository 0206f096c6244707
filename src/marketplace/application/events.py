"""Outbox messages and the event registry: each topic names one event class, and a stored payload
decodes back into that class, so handlers receive typed events rather than dicts.

Topics are the names messages were stored under from the start (the class names of the day), spelled
out on each class (`DomainEvent.topic`): renaming a class keeps its topic, so stored rows keep decoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import msgspec

from marketplace.domain.catalog.product import ProductArchived, ProductPublished
from marketplace.domain.cms.banner import CmsBannerPublished, CmsBannerUnpublished
from marketplace.domain.cms.page import CmsPagePublished, CmsPageUnpublished
from marketplace.domain.identity.user import UserRegistered
from marketplace.domain.ordering.checkout import (
    CheckoutPlaced,
    CheckoutSettled,
    LatePaymentReceived,
    PaymentFlagged,
    RefundRecorded,
)
from marketplace.domain.ordering.order import OrderStatusChanged
from marketplace.domain.settlement.payout import PayoutRequested, PayoutSettled
from marketplace.domain.shared.events import DomainEvent
from marketplace.domain.shipping.shipment import ShipmentStatusChanged
from marketplace.domain.stores.store import StoreOpened, StoreReinstated, StoreSuspended


class UnknownTopic(LookupError):
    """A stored message names a topic no event class has (written by a newer release, say)."""


class UndecodablePayload(ValueError):
    """A stored payload does not fit its topic's event class."""


class EventRegistry:
    """Topic -> event class, refusing a class without a topic of its own and two classes on one topic."""

    def __init__(self, classes: Iterable[type[DomainEvent]]) -> None:
        self._by_topic: dict[str, type[DomainEvent]] = {}
        for cls in classes:
            topic = vars(cls).get("topic")  # its own, not one inherited from another event
            if not isinstance(topic, str) or not topic:
                raise TypeError(f"{cls.__qualname__} names no topic of its own")
            if topic in self._by_topic:
                raise ValueError(f"{cls.__qualname__} and {self._by_topic[topic].__qualname__} share topic {topic!r}")
            self._by_topic[topic] = cls

    @property
    def classes(self) -> frozenset[type[DomainEvent]]:
        return frozenset(self._by_topic.values())

    @property
    def topics(self) -> Mapping[str, type[DomainEvent]]:
        return MappingProxyType(self._by_topic)

    def class_of(self, topic: str) -> type[DomainEvent]:
        try:
            return self._by_topic[topic]
        except KeyError:
            raise UnknownTopic(f"no event class has topic {topic!r}") from None

    def decode(self, topic: str, payload: Mapping[str, Any]) -> DomainEvent:
        """The event a stored payload describes: RFC 3339 strings become datetimes, values enums, lists tuples."""
        cls = self.class_of(topic)
        try:
            return msgspec.convert(payload, cls)
        except msgspec.ValidationError as error:
            raise UndecodablePayload(f"a {topic} payload does not decode: {error}") from None


EVENTS = EventRegistry(
    [
        UserRegistered,
        StoreOpened,
        StoreSuspended,
        StoreReinstated,
        ProductPublished,
        ProductArchived,
        CheckoutPlaced,
        CheckoutSettled,
        PaymentFlagged,
        LatePaymentReceived,
        RefundRecorded,
        OrderStatusChanged,
        ShipmentStatusChanged,
        PayoutRequested,
        PayoutSettled,
        CmsPagePublished,
        CmsPageUnpublished,
        CmsBannerPublished,
        CmsBannerUnpublished,
    ]
)


# Events no handler here takes: they stay in the outbox (marked delivered) for integrations that read it.
# Every registered event is either handled by the worker (entrypoints/worker.py) or listed here, with why;
# tests/unit/test_every_event_is_handled.py holds that, so an event is never written for nobody.
PUBLISHED_FOR_INTEGRATORS: Mapping[type[DomainEvent], str] = {
    UserRegistered: "a new account, for a CRM or a welcome-mail service",
    StoreOpened: "a new store, for seller onboarding and verification tools",
    StoreSuspended: "a store taken down, for trust-and-safety and seller-support tools",
    StoreReinstated: "a suspended store back up, for the same tools as StoreSuspended",
    ProductPublished: "a product gone live, for search indexes and catalogue feeds",
    ProductArchived: "a product withdrawn, so the same indexes and feeds drop it",
    CheckoutPlaced: "a checkout awaiting payment, for analytics and abandoned-checkout reminders",
    PaymentFlagged: "a payment a person must look at, for the finance team's alerting",
    CmsPagePublished: "a page gone live, for CDN purges and sitemap builders",
    CmsPageUnpublished: "a page taken down, for CDN purges and sitemap builders",
    CmsBannerPublished: "a banner gone live, for CDN purges",
    CmsBannerUnpublished: "a banner taken down, for CDN purges",
}


class OutboxMessage(msgspec.Struct, frozen=True):
    id: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, event: DomainEvent, *, id: str, now: datetime) -> OutboxMessage:
        """Refuses an event whose class is not the one registered for its topic: the worker could not read it."""
        if EVENTS.topics.get(event.topic) is not type(event):
            raise UnknownTopic(f"{type(event).__qualname__} is not registered in application/events.py")
        return cls(id=id, topic=event.topic, payload=event.payload(), created_at=now)
