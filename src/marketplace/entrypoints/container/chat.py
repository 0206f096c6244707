"""The chat context's use cases, and the live notifications pushed from the outbox."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.chat.conversations import Conversations
from marketplace.application.chat.messages import ChatMessages
from marketplace.application.notifications.push_updates import PushUpdates
from marketplace.entrypoints.container.core import Core

uow, clock, ids, settings = Core.uow, Core.clock, Core.ids, Core.settings


class ChatServices(Core):
    conversations = providers.Singleton(Conversations, uow=uow, chat=Core.chat, clock=clock, ids=ids)
    chat_messages = providers.Singleton(
        ChatMessages,
        uow=uow,
        chat=Core.chat,
        notifier=Core.notifier,
        limiter=Core.rate_limiter,
        clock=clock,
        ids=ids,
        max_body=settings.provided.chat_max_body,
        per_minute=settings.provided.chat_rate_limit,
    )
    push_updates = providers.Singleton(PushUpdates, uow=uow, notifier=Core.notifier)
