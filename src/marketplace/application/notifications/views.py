"""What the notification centre shows: a notification, and the channels chosen per kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from marketplace.domain.notifications.notification import Notification, Preferences


class NotificationView(msgspec.Struct, frozen=True):
    id: str
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> NotificationView:
        return cls(
            id=notification.id,
            kind=notification.kind.value,
            title=notification.title,
            body=notification.body,
            data=notification.data,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class CountView(msgspec.Struct, frozen=True):
    count: int


class ChannelsView(msgspec.Struct, frozen=True):
    in_app: bool
    email: bool


def preferences_view(preferences: Preferences) -> dict[str, ChannelsView]:
    return {
        kind.value: ChannelsView(in_app=channels.in_app, email=channels.email)
        for kind, channels in preferences.every().items()
    }
