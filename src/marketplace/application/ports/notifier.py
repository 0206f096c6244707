"""Pushing events to users who are connected (Socket.IO), to every socket of each user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class Notifier(Protocol):
    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        """Sends `event` to each user's sockets (in any process); a user who is not connected simply does
        not get it. Raises BackendUnavailable, within a few seconds, when the event cannot be handed on to
        the other processes (Redis down or not answering): the outbox then pushes it again later, chat
        leaves it to `conversation:sync`. A user's sockets in this process may have had it already."""
        ...
