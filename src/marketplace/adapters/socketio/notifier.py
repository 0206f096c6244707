"""The Notifier port on python-socketio: every event goes to the room `user:<id>` of each user.

`emitter` is a `socketio.AsyncServer` (an API process: its own sockets, and through its Redis
manager every other process's) or a write-only `socketio.AsyncRedisManager` (a worker process,
which holds no sockets). Delivery is best effort: a failure is logged, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

log = logging.getLogger("marketplace.realtime")


class Emitter(Protocol):
    async def emit(self, event: str, data: Any, *, room: str, namespace: str) -> Any: ...


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


class SocketIONotifier:
    def __init__(self, emitter: Emitter) -> None:
        self._emitter = emitter

    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        for user_id in dict.fromkeys(user_ids):
            try:
                await self._emitter.emit(event, payload, room=user_room(user_id), namespace="/")
            except Exception:  # a push that cannot go out must not fail what caused it
                log.warning("could not push %s to user %s", event, user_id, exc_info=True)
