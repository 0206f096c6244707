"""The Notifier port's contract, run over every adapter: the recording one, Socket.IO in process, and
Socket.IO fanned out through Redis. Pushing to users nobody listens to is no error; a fan-out that cannot
take the event (Redis down or not answering) raises BackendUnavailable promptly instead of losing it
quietly, so the outbox tries the push again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import pytest
import socketio
from redis.asyncio import Redis

from marketplace.adapters.memory.notifier import RecordingNotifier
from marketplace.adapters.socketio.notifier import SocketIONotifier
from marketplace.adapters.socketio.redis_manager import CheckedRedisManager
from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.notifier import Notifier
from tests.integration.silent_server import silent_server

PATIENCE = 10.0  # far above the manager's publish limit, far below a hanging Redis's own timeouts (2 x 5 s)
UNREACHABLE = "redis://127.0.0.1:1/0"


def _over(manager: socketio.AsyncManager | None) -> SocketIONotifier:
    return SocketIONotifier(socketio.AsyncServer(async_mode="asgi", client_manager=manager))


@asynccontextmanager
async def through_redis(url: str, channel: str, **options: Any) -> AsyncIterator[SocketIONotifier]:
    manager = CheckedRedisManager(url, channel=channel, **options)
    try:
        yield _over(manager)
    finally:
        await manager.close()


@pytest.fixture(params=["recording", "socketio-in-process", pytest.param("socketio-redis", marks=pytest.mark.redis)])
async def notifier(request: pytest.FixtureRequest) -> AsyncIterator[Notifier]:
    if request.param == "recording":
        yield RecordingNotifier()
    elif request.param == "socketio-in-process":
        yield _over(None)
    else:
        async with through_redis(request.getfixturevalue("redis_url"), f"test:{uuid.uuid4().hex}") as notifier:
            yield notifier


@pytest.fixture
async def never_answers() -> AsyncIterator[str]:
    """A Redis URL whose server takes the connection and never says a word."""
    async with silent_server() as port:
        yield f"redis://127.0.0.1:{port}/0"


async def test_users_nobody_listens_to_are_no_error(notifier: Notifier) -> None:
    await notifier.notify(["nobody-1", "nobody-2", "nobody-1"], "order:updated", {"order_id": "o-1", "status": "paid"})
    await notifier.notify([], "order:updated", {"order_id": "o-1", "status": "paid"})


@pytest.mark.redis
async def test_through_redis_each_user_room_gets_the_event_once(redis_url: str) -> None:
    channel = f"test:{uuid.uuid4().hex}"
    listener = Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    try:
        async with through_redis(redis_url, channel) as notifier:
            await notifier.notify(["u-1", "u-2", "u-1"], "payment:updated", {"checkout_id": "c-1", "status": "paid"})
        published: list[dict[str, Any]] = []
        async with asyncio.timeout(PATIENCE):
            while len(published) < 2:
                message = await pubsub.get_message(timeout=1.0)
                if message is not None:
                    published.append(msgspec.json.decode(message["data"]))
        assert sorted(p["room"] for p in published) == ["user:u-1", "user:u-2"]
        assert {p["event"] for p in published} == {"payment:updated"}
        assert published[0]["data"] == [{"checkout_id": "c-1", "status": "paid"}]
    finally:
        await pubsub.aclose()
        await listener.aclose()


async def test_an_unreachable_redis_is_backend_unavailable_not_a_silent_loss() -> None:
    async with through_redis(UNREACHABLE, "test:unreachable") as notifier:
        with pytest.raises(BackendUnavailable):
            async with asyncio.timeout(PATIENCE):
                await notifier.notify(["u-1"], "order:updated", {"order_id": "o-1", "status": "paid"})


async def test_a_redis_that_never_answers_is_backend_unavailable_within_the_publish_limit(never_answers: str) -> None:
    async with through_redis(never_answers, "test:silent", publish_seconds=0.5) as notifier:
        with pytest.raises(BackendUnavailable):
            async with asyncio.timeout(PATIENCE):
                await notifier.notify(["u-1"], "order:updated", {"order_id": "o-1", "status": "paid"})
