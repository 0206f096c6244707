"""The notification centre's use cases, and the outbox handler that fills it."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.notifications.inbox import (
    ChangePreferences,
    CountUnread,
    GetPreferences,
    ListNotifications,
    MarkRead,
)
from marketplace.application.notifications.notify_people import NotifyPeople
from marketplace.entrypoints.container.core import Core


class NotificationServices(Core):
    list_notifications = providers.Singleton(ListNotifications, store=Core.notifications)
    count_unread = providers.Singleton(CountUnread, store=Core.notifications)
    mark_read = providers.Singleton(MarkRead, store=Core.notifications, clock=Core.clock)
    get_notification_preferences = providers.Singleton(GetPreferences, store=Core.notifications)
    change_notification_preferences = providers.Singleton(ChangePreferences, store=Core.notifications)
    notify_people = providers.Singleton(
        NotifyPeople, uow=Core.uow, store=Core.notifications, notifier=Core.notifier, clock=Core.clock, ids=Core.ids
    )
