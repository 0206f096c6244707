"""A minimal ASGI toolkit for the sandboxes: exact provider paths (Xendit's `expire!`), any mount point.

Plain ASGI rather than a framework: the sandboxes must answer with the providers' own error bodies,
route paths no framework expects, and work unchanged at the root or mounted inside another app.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs

import msgspec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1 << 20
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"  # what an HTML form posts by default
log = logging.getLogger("marketplace.sandbox")


class BodyTooLarge(Exception):
    """The request body is over MAX_BODY; a sandbox has no use for more."""


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def arg(self, name: str) -> str | None:
        """The last value of a query parameter; a blank one (`?external_id=`) counts as not given."""
        values = self.query.get(name)
        return values[-1] if values and values[-1] else None

    @property
    def is_form(self) -> bool:
        return (self.header("content-type") or "").split(";")[0].strip().lower() == FORM_CONTENT_TYPE

    def form(self) -> dict[str, str]:
        return {name: values[-1] for name, values in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    def with_headers(self, *extra: tuple[str, str]) -> Response:
        return replace(self, headers=self.headers + extra)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, msgspec.json.encode(data))


def html_response(text: str, status: int = 200) -> Response:
    """A self-contained page: inline styles, images and form posts from this origin only."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    return Response(status, text.encode(), "text/html; charset=utf-8", (("content-security-policy", policy),))


def redirect(location: str, status: int = 303) -> Response:
    """`location` may be relative (RFC 9110), which keeps it right at any mount point."""
    return Response(status, b"", "text/plain; charset=utf-8", (("location", location),))


Handler = Callable[[Request], Awaitable[Response]]
_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    guarded: bool  # a provider API route: authenticated and rate limited


class NoRoute(Exception):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__("no route")
        self.allowed = allowed


class Router:
    """Templates like `/invoices/{invoice_id}/expire!`: every character but `{name}` is literal."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler, *, guarded: bool = False) -> None:
        pieces, position = [], 0
        for found in _PARAMETER.finditer(template):
            pieces += [re.escape(template[position : found.start()]), f"(?P<{found.group(1)}>[^/]+)"]
            position = found.end()
        pattern = re.compile("".join([*pieces, re.escape(template[position:])]))
        self._routes.append(Route(method, template, pattern, handler, guarded))

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route in self._routes:
            matched = route.pattern.fullmatch(path)
            if matched is None:
                continue
            if route.method == method:
                return route, matched.groupdict()
            allowed.append(route.method)
        raise NoRoute(allowed)


def relative_path(scope: Scope) -> str:
    """The path below the mount point, without a trailing slash. Servers and frameworks disagree on
    whether `path` still holds `root_path` (Litestar mounts strip it, Starlette keeps it): both work."""
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        path = path[len(root) :]
    path = path.rstrip("/")
    return path if path.startswith("/") else f"/{path}"


async def read_request(scope: Scope, receive: Receive, path: str, params: dict[str, str]) -> Request:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise BodyTooLarge
        chunks.append(chunk)
        more = bool(message.get("more_body"))
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return Request(scope["method"], path, query, headers, b"".join(chunks), params)


async def send_response(send: Send, response: Response) -> None:
    headers = [(b"content-type", response.content_type.encode()), (b"content-length", str(len(response.body)).encode())]
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def serve_lifespan(
    receive: Receive, send: Send, startup: Callable[[], Awaitable[None]], shutdown: Callable[[], Awaitable[None]]
) -> None:
    """Run `startup`/`shutdown` on the server's lifespan events (when the app is served on its own)."""
    while True:
        message = await receive()
        kind = message["type"].rsplit(".", 1)[-1]
        if kind not in ("startup", "shutdown"):
            continue
        try:
            await (startup if kind == "startup" else shutdown)()
        except Exception as error:
            log.exception("sandbox %s failed", kind)
            await send({"type": f"lifespan.{kind}.failed", "message": str(error)})
            return
        await send({"type": f"lifespan.{kind}.complete"})
        if kind == "shutdown":
            return


class SandboxApp:
    """What every sandbox app shares: served at the root it handles its lifespan, mounted the embedding
    app calls `shutdown()`; HTTP goes to `respond`; websockets are refused."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await serve_lifespan(receive, send, self.startup, self.shutdown)
        elif scope["type"] == "http":
            await send_response(send, await self.respond(scope, receive))
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})

    async def startup(self) -> None:
        """Nothing to prepare by default: timers start with the requests that need them."""

    async def shutdown(self) -> None:
        """Cancels what is still waiting (timers, callback retries)."""

    async def respond(self, scope: Scope, receive: Receive) -> Response:
        raise NotImplementedError
