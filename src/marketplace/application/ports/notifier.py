"""Pushing events to users who are connected (Socket.IO): best effort, to every socket of each user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class Notifier(Protocol):
    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        """Sends `event` to each user's sockets (in any process). Never raises for delivery: a user
        who is not connected simply does not get it."""
        ...
