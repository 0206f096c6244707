"""A user's notification centre (docs/api.md, "Notifications"): their notifications newest first, how
many are unread, marking them read, and the channels they want per kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from marketplace.application.notifications.views import ChannelsView, CountView, NotificationView, preferences_view
from marketplace.application.ports.notifications import NotificationStore, Position
from marketplace.application.ports.system import Clock
from marketplace.application.shared.cursor import check_limit, decode_cursor, encode_cursor
from marketplace.application.shared.views import Page
from marketplace.domain.notifications.notification import Channels, NotificationKind
from marketplace.domain.shared.errors import InvalidValue

KIND = "notifications"
MAX_READ_IDS = 100


def _position(cursor: str | None) -> Position | None:
    position = decode_cursor(cursor, kind=KIND)
    if position is None:
        return None
    try:
        at, last_id = datetime.fromisoformat(str(position["at"])), str(position["id"])
    except (KeyError, ValueError):
        raise InvalidValue("cursor", "is not a cursor this list made") from None
    if at.tzinfo is None or len(last_id) > 64:
        raise InvalidValue("cursor", "is not a cursor this list made")
    return at, last_id


@dataclass(frozen=True, slots=True)
class ListNotifications:
    store: NotificationStore

    async def __call__(
        self, user_id: str, *, unread_only: bool, limit: int, cursor: str | None
    ) -> Page[NotificationView]:
        found = await self.store.list(user_id, unread_only, _position(cursor), check_limit(limit) + 1)
        page = found[:limit]
        more = None
        if len(found) > limit:
            more = encode_cursor({"k": KIND, "at": page[-1].created_at.isoformat(), "id": page[-1].id})
        return Page(items=[NotificationView.of(n) for n in page], next_cursor=more)


@dataclass(frozen=True, slots=True)
class CountUnread:
    store: NotificationStore

    async def __call__(self, user_id: str) -> CountView:
        return CountView(count=await self.store.unread_count(user_id))


@dataclass(frozen=True, slots=True)
class MarkRead:
    store: NotificationStore
    clock: Clock

    async def __call__(self, user_id: str, ids: Sequence[str] | None) -> CountView:
        """Marks those of `ids` that are the user's (all when None) read; answers how many stay unread."""
        if ids is not None and len(ids) > MAX_READ_IDS:
            raise InvalidValue("ids", f"at most {MAX_READ_IDS}")
        return CountView(count=await self.store.mark_read(user_id, ids, self.clock.now()))


@dataclass(frozen=True, slots=True)
class GetPreferences:
    store: NotificationStore

    async def __call__(self, user_id: str) -> dict[str, ChannelsView]:
        return preferences_view(await self.store.preferences(user_id))


@dataclass(frozen=True, slots=True)
class ChangePreferences:
    store: NotificationStore

    async def __call__(
        self, user_id: str, changes: Mapping[str, tuple[bool | None, bool | None]]
    ) -> dict[str, ChannelsView]:
        """`changes` maps a kind to (in_app, email), None keeping that channel as it is; answers every kind."""
        current = await self.store.preferences(user_id)
        chosen: dict[NotificationKind, Channels] = {}
        for name, (in_app, email) in changes.items():
            try:
                kind = NotificationKind(name)
            except ValueError:
                raise InvalidValue(name, "is not a kind of notification") from None
            now = current.of(kind)
            chosen[kind] = Channels(
                in_app=now.in_app if in_app is None else in_app, email=now.email if email is None else email
            )
        changed = current.changed(chosen)
        await self.store.put_preferences(user_id, changed)
        return preferences_view(changed)
