"""A notification in a user's notification centre, and the user's choice of channels per kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class NotificationKind(StrEnum):
    ORDER = "order"
    STORE_ORDER = "store_order"
    SHIPMENT = "shipment"
    PAYOUT = "payout"
    REVIEW = "review"
    COMPLAINT = "complaint"
    CHAT = "chat"
    WISHLIST = "wishlist"
    MARKETING = "marketing"


@dataclass(frozen=True, slots=True)
class Notification:
    """`source` names what caused it (an outbox message, a recipient, a kind): one per user and source,
    so an event delivered twice tells nobody twice."""

    id: str
    user_id: str
    kind: NotificationKind
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime
    source: str
    read_at: datetime | None = None

    def read(self, now: datetime) -> Notification:
        return self if self.read_at is not None else replace(self, read_at=now)


@dataclass(frozen=True, slots=True)
class Channels:
    in_app: bool
    email: bool


OFF_BY_DEFAULT = frozenset({NotificationKind.MARKETING})


def default_channels(kind: NotificationKind) -> Channels:
    on = kind not in OFF_BY_DEFAULT
    return Channels(in_app=on, email=on)


@dataclass(frozen=True, slots=True)
class Preferences:
    """Channels for every kind: those a user never set are the defaults (marketing off, the rest on)."""

    chosen: Mapping[NotificationKind, Channels] = field(default_factory=dict)

    def of(self, kind: NotificationKind) -> Channels:
        return self.chosen.get(kind) or default_channels(kind)

    def every(self) -> dict[NotificationKind, Channels]:
        return {kind: self.of(kind) for kind in NotificationKind}

    def changed(self, changes: Mapping[NotificationKind, Channels]) -> Preferences:
        return Preferences({**self.every(), **changes})
