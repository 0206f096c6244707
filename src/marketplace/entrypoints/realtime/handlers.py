"""Socket.IO events (docs/api.md, "Chat and notifications over Socket.IO"), mapped onto the chat use cases.

A connection needs a valid access token in `auth` and is refused otherwise. Each socket joins
`user:<id>`, and nothing else: events about a conversation go to its participants' user rooms,
so nobody can listen in. When the token expires the server emits `auth:expired` and disconnects.
Every client event is answered in its ack: `{ok: true, ...}` or `{ok: false, error: {type, detail}}`;
a bad payload never reaches a use case and never breaks the connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import socketio

from marketplace.adapters.socketio.notifier import user_room
from marketplace.application.errors import BackendUnavailable, RateLimited, Unauthenticated
from marketplace.domain.shared.errors import DomainError
from marketplace.entrypoints.http.services import HttpServices

log = logging.getLogger("marketplace.realtime")


class SendMessage(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: str
    client_id: str
    body: str = ""
    media_ids: list[str] = msgspec.field(default_factory=list)


class Typing(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: str
    is_typing: bool


class MarkRead(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: str
    up_to_message_id: str


class Sync(msgspec.Struct, forbid_unknown_fields=True):
    conversation_id: str
    after_message_id: str | None = None


def _error(kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"ok": False, "error": {"type": kind, "detail": detail, **extra}}


class ChatSocket:
    """Binds the events to `services` (resolved when the app starts; read at each event)."""

    def __init__(
        self, server: socketio.AsyncServer, services: Callable[[], HttpServices], events_per_minute: int = 600
    ) -> None:
        self._server, self._services = server, services
        self._events_per_minute = events_per_minute
        self._expiry: dict[str, asyncio.TimerHandle] = {}
        self._expiring: set[asyncio.Task[None]] = set()  # held until done (the loop keeps weak references)
        server.on("connect", self.connect)
        server.on("disconnect", self.disconnect)
        server.on("message:send", self._event(SendMessage, self._send))
        server.on("typing", self._event(Typing, self._typing))
        server.on("message:read", self._event(MarkRead, self._read))
        server.on("conversation:sync", self._event(Sync, self._sync))

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            detail = "connect with auth: {token: <access token>}"
            raise socketio.exceptions.ConnectionRefusedError(detail, {"type": "unauthenticated", "detail": detail})
        try:
            user_id, expires = self._services().tokens.read_session(token)
        except Unauthenticated as refused:
            raise socketio.exceptions.ConnectionRefusedError(
                refused.detail, {"type": "unauthenticated", "detail": refused.detail}
            ) from None
        await self._server.save_session(sid, {"user_id": user_id, "expires": expires})
        await self._server.enter_room(sid, user_room(user_id))
        delay = max(0.0, expires - time.time())
        self._expiry[sid] = asyncio.get_running_loop().call_later(delay, self._expire_later, sid)

    async def disconnect(self, sid: str, reason: Any = None) -> None:
        timer = self._expiry.pop(sid, None)
        if timer is not None:
            timer.cancel()

    def _expire_later(self, sid: str) -> None:
        task = asyncio.get_running_loop().create_task(self._expire(sid))
        self._expiring.add(task)
        task.add_done_callback(self._expiring.discard)

    async def _expire(self, sid: str) -> None:
        self._expiry.pop(sid, None)
        try:
            await self._server.emit(
                "auth:expired", {"detail": "the access token has expired; reconnect with a new one"}, to=sid
            )
        except BackendUnavailable:
            pass  # this process's socket had it; only telling the other processes failed, and they need not know
        finally:
            await self._server.disconnect(sid)

    def _event(self, shape: type[msgspec.Struct], work: Callable[[str, Any], Awaitable[dict[str, Any]]]) -> Any:
        async def handle(sid: str, data: Any = None) -> dict[str, Any]:
            try:
                session = await self._server.get_session(sid)
            except KeyError:
                return _error("unauthenticated", "this socket is not connected")
            if session["expires"] <= time.time():
                await self._expire(sid)
                return _error("unauthenticated", "the access token has expired")
            try:
                command = msgspec.convert(data, shape)
            except msgspec.ValidationError as invalid:
                return _error("validation-error", f"payload: {invalid}")
            wait = await self._flooding(session["user_id"])
            if wait:
                return _error("rate-limited", "too many events; slow down", retry_after=wait)
            try:
                return await work(session["user_id"], command)
            except RateLimited as limited:
                return _error(limited.code, limited.detail, retry_after=limited.retry_after)
            except DomainError as refused:
                return _error(refused.code, refused.detail)
            except Exception:
                log.exception("socket event failed")
                return _error("internal-error", "the server could not do this; try again")

        return handle

    async def _flooding(self, user_id: str) -> int:
        """Every client event counts (typing, reads, syncs, sends): seconds to wait, or 0."""
        try:
            return int(await self._services().rate_limiter.hit(f"socket:{user_id}", self._events_per_minute, 60))
        except Exception:  # an unreachable limiter must not silence the chat
            return 0

    async def _send(self, user_id: str, command: SendMessage) -> dict[str, Any]:
        view, _ = await self._services().chat_messages.send(
            user_id, command.conversation_id, command.client_id, command.body, command.media_ids
        )
        return {"ok": True, "message": view.payload()}

    async def _typing(self, user_id: str, command: Typing) -> dict[str, Any]:
        await self._services().chat_messages.typing(user_id, command.conversation_id, command.is_typing)
        return {"ok": True}

    async def _read(self, user_id: str, command: MarkRead) -> dict[str, Any]:
        await self._services().chat_messages.read(user_id, command.conversation_id, command.up_to_message_id)
        return {"ok": True}

    async def _sync(self, user_id: str, command: Sync) -> dict[str, Any]:
        found = await self._services().chat_messages.sync(user_id, command.conversation_id, command.after_message_id)
        return {"ok": True, "messages": [view.payload() for view in found]}
