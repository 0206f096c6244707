"""Socket.IO's Redis manager, made to say when an event could not be published to the other processes.

python-socketio's `AsyncRedisManager._publish` logs "Cannot publish to redis... giving up" and returns
after two tries: an unreachable Redis loses the event within milliseconds, one that takes the connection
and never answers after two 5 s read timeouts, and the caller learns nothing either way. Here a publish
is bounded by `publish_seconds` and a failure is raised as BackendUnavailable; everything else (the
subscription that brings other processes' events, reconnecting) is the library's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from marketplace.application.errors import BackendUnavailable


class CheckedRedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    def __init__(self, url: str, *, channel: str, publish_seconds: float = 2.0, write_only: bool = False) -> None:
        super().__init__(url, channel=channel, write_only=write_only)
        self.publish_seconds = publish_seconds

    async def _publish(self, data: Any) -> Any:
        """Runs after the event went to this process's own sockets, which keep it either way: a caller
        that tries again may repeat it to them (pushes say so: they may repeat)."""
        try:
            async with asyncio.timeout(self.publish_seconds):
                if not self.connected:
                    self._redis_connect()  # the library's client; it reconnects by itself after a failure
                return await self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:  # the driver's, or our time limit's
            reason = "no answer" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
            raise BackendUnavailable(f"could not publish to Redis ({reason})"[:300]) from error

    async def close(self) -> None:
        """Closes the library's Redis client (it never does); for whoever started the manager."""
        if self.redis is not None:
            await self.redis.aclose()
