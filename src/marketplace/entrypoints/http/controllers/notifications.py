"""The notification centre over HTTP (docs/api.md, "Notifications"): a user's notifications, the unread
count, marking read, and the channels chosen per kind. Everyone sees and changes only their own."""

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.params import JSONBody, QueryParameter

from marketplace.application.notifications.views import ChannelsView, CountView, NotificationView
from marketplace.application.shared.views import Page
from marketplace.entrypoints.http.controllers._types import BEARER, Cursor, Limit, Svc, UserId
from marketplace.entrypoints.http.problems import problem_responses
from marketplace.entrypoints.http.schemas.notifications import PreferencesBody, ReadBody


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["Notifications"]
    security = BEARER

    @get(
        "/",
        operation_id="listNotifications",
        summary="My notifications, newest first",
        responses=problem_responses(401, 422),
    )
    async def list_notifications(
        self,
        services: Svc,
        user_id: UserId,
        unread: Annotated[bool, QueryParameter(description="only those not read yet")] = False,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[NotificationView]:
        return await services.list_notifications(user_id, unread_only=unread, limit=limit, cursor=cursor)

    @get(
        "/unread-count",
        operation_id="countUnreadNotifications",
        summary="How many of my notifications are unread",
        responses=problem_responses(401),
    )
    async def unread_count(self, services: Svc, user_id: UserId) -> CountView:
        return await services.count_unread(user_id)

    @post(
        "/read",
        status_code=200,
        operation_id="markNotificationsRead",
        summary="Mark these of my notifications (all when `ids` is absent) read: how many stay unread",
        responses=problem_responses(400, 401, 422),
    )
    async def mark_read(self, services: Svc, user_id: UserId, data: JSONBody[ReadBody | None] = None) -> CountView:
        return await services.mark_read(user_id, data.ids if data is not None else None)


class NotificationPreferencesController(Controller):
    path = "/api/v1/me/notification-preferences"
    tags = ["Notifications"]
    security = BEARER

    @get(
        "/",
        operation_id="getNotificationPreferences",
        summary="The channels (in the app, by email) I am told on, for every kind of notification",
        responses=problem_responses(401),
    )
    async def preferences(self, services: Svc, user_id: UserId) -> dict[str, ChannelsView]:
        return await services.get_notification_preferences(user_id)

    @put(
        "/",
        operation_id="setNotificationPreferences",
        summary="Change the channels of some kinds (those left out stay as they are): every kind's channels",
        responses=problem_responses(400, 401, 422),
    )
    async def change(self, data: JSONBody[PreferencesBody], services: Svc, user_id: UserId) -> dict[str, ChannelsView]:
        return await services.change_notification_preferences(user_id, data.changes())
