"""The Notifier port on python-socketio: every event goes to the room `user:<id>` of each user.

`emitter` is a `socketio.AsyncServer` (an API process: its own sockets, and through its Redis
manager every other process's; a worker process only publishes through it). With Redis the manager
is a `CheckedRedisManager`, so an event that cannot reach the other processes raises
BackendUnavailable here instead of being dropped with a log line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class Emitter(Protocol):
    async def emit(self, event: str, data: Any, *, room: str, namespace: str) -> Any: ...


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


class SocketIONotifier:
    def __init__(self, emitter: Emitter) -> None:
        self._emitter = emitter

    async def notify(self, user_ids: Iterable[str], event: str, payload: dict[str, Any]) -> None:
        for user_id in dict.fromkeys(user_ids):
            await self._emitter.emit(event, payload, room=user_room(user_id), namespace="/")
