"""The Socket.IO server: websocket transport only (no sticky sessions needed behind a load
balancer), and with Redis configured an `AsyncRedisManager`, so an event emitted in any process
reaches sockets connected to any other. A worker process builds one too and only emits through it:
its manager publishes to Redis without ever subscribing (it is never started by a request). The manager
raises BackendUnavailable for an event it could not publish (see CheckedRedisManager)."""

from __future__ import annotations

from typing import Any

import socketio

from marketplace.adapters.socketio.redis_manager import CheckedRedisManager
from marketplace.entrypoints.settings import Settings

PATH = "socket.io"


def channel(settings: Settings) -> str:
    return f"{settings.redis_prefix}socketio"


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    manager = None
    if settings.backend == "sql" and settings.redis_url is not None:
        manager = CheckedRedisManager(settings.redis_url, channel=channel(settings))
    origins: Any = (
        "*"
        if settings.cors_origins.strip() == "*"
        else [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    )
    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=origins,
        transports=["websocket"],
        max_http_buffer_size=max(64 * 1024, settings.chat_max_body * 4 + 8 * 1024),  # a longest message fits
        ping_interval=25,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
