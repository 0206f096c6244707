"""The notification centre in the process: behaves as the SQL store does (the contract suite holds both)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marketplace.application.ports.notifications import Position
from marketplace.domain.notifications.notification import Notification, Preferences


class MemoryNotificationStore:
    def __init__(self) -> None:
        self._items: dict[str, Notification] = {}
        self._sources: set[tuple[str, str]] = set()
        self._preferences: dict[str, Preferences] = {}

    async def add(self, notification: Notification) -> bool:
        key = (notification.user_id, notification.source)
        if key in self._sources or notification.id in self._items:
            return False
        self._sources.add(key)
        self._items[notification.id] = notification
        return True

    async def list(self, user_id: str, unread_only: bool, before: Position | None, limit: int) -> list[Notification]:
        found = [
            n
            for n in self._items.values()
            if n.user_id == user_id
            and not (unread_only and n.read_at is not None)
            and (before is None or (n.created_at, n.id) < before)
        ]
        found.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return found[:limit]

    async def unread_count(self, user_id: str) -> int:
        return sum(1 for n in self._items.values() if n.user_id == user_id and n.read_at is None)

    async def mark_read(self, user_id: str, ids: Sequence[str] | None, now: datetime) -> int:
        chosen = self._items.keys() if ids is None else [i for i in dict.fromkeys(ids) if i in self._items]
        for notification_id in list(chosen):
            found = self._items[notification_id]
            if found.user_id == user_id:
                self._items[notification_id] = found.read(now)
        return await self.unread_count(user_id)

    async def preferences(self, user_id: str) -> Preferences:
        return self._preferences.get(user_id) or Preferences()

    async def put_preferences(self, user_id: str, preferences: Preferences) -> None:
        self._preferences[user_id] = Preferences(preferences.every())
