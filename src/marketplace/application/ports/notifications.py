"""The notification centre's store: each user's notifications and channel preferences.

Not part of the unit of work: a notification is written by an outbox handler after the change it tells
of was committed, each call is a short transaction of its own, and `add` is idempotent on
(user_id, source), so a handler run twice for one message stores one notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from marketplace.domain.notifications.notification import Notification, Preferences

Position = tuple[datetime, str]  # (created_at, id): where a page of notifications ends


class NotificationStore(Protocol):
    async def add(self, notification: Notification) -> bool:
        """Stores it; False (storing nothing) when the user already has one with the same `source`.
        Of concurrent calls with one (user_id, source), one stores."""
        ...

    async def list(self, user_id: str, unread_only: bool, before: Position | None, limit: int) -> list[Notification]:
        """The user's notifications, newest first (by created_at, then id, both descending), only those
        strictly before `before` when given; at most `limit`."""
        ...

    async def unread_count(self, user_id: str) -> int: ...

    async def mark_read(self, user_id: str, ids: Sequence[str] | None, now: datetime) -> int:
        """Marks the user's unread notifications among `ids` (all of them when None) read at `now`; ids
        of other users' notifications, or of none, are ignored. Answers how many stay unread."""
        ...

    async def preferences(self, user_id: str) -> Preferences:
        """What the user chose; the defaults for a user who never chose."""
        ...

    async def put_preferences(self, user_id: str, preferences: Preferences) -> None:
        """Replaces the user's choice for every kind."""
        ...
