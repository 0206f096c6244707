"""One ASGI middleware for every request: request id, security headers, JSON access log, metrics."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote_to_bytes

from marketplace.entrypoints.http.forwarded import IPNetwork, real_client

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
API_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
DOCS_HEADERS = [
    *API_HEADERS[:4],
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    ),
]
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """Request counts and latency histograms per route template, in Prometheus text format."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.sums: dict[tuple[str, str], float] = defaultdict(float)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.counts[(method, route, str(status))] += 1
        key = (method, route)
        self.sums[key] += seconds
        histogram = self.buckets[key]
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                histogram[index] += 1
                break
        else:
            histogram[-1] += 1

    def render(self) -> str:
        lines = [
            "# HELP http_requests_total HTTP requests by method, route and status.",
            "# TYPE http_requests_total counter",
        ]
        for (method, route, status), count in sorted(self.counts.items()):
            lines.append(f'http_requests_total{{method="{method}",route="{_label(route)}",status="{status}"}} {count}')
        lines += [
            "# HELP http_request_duration_seconds Time to answer, by method and route.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for (method, route), histogram in sorted(self.buckets.items()):
            labels = f'method="{method}",route="{_label(route)}"'
            running = 0
            for bound, count in zip((*BUCKETS, float("inf")), histogram, strict=True):
                running += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(f'http_request_duration_seconds_bucket{{{labels},le="{le}"}} {running}')
            lines.append(f"http_request_duration_seconds_sum{{{labels}}} {self.sums[(method, route)]:.6f}")
            lines.append(f"http_request_duration_seconds_count{{{labels}}} {running}")
        return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class AccessLog:
    """One JSON object per request on stdout."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def write(self, record: dict[str, Any]) -> None:
        if self.enabled:
            sys.stdout.write(json.dumps(record, separators=(",", ":")) + "\n")


def observe(
    app: ASGIApp,
    metrics: Metrics,
    access_log: AccessLog,
    allowed: dict[str, bytes] | None = None,
    trusted: Sequence[IPNetwork] = (),
) -> ASGIApp:
    """Wraps the app; `allowed` maps route templates to their methods, for the Allow header of OPTIONS.
    Behind a proxy in `trusted`, the client the proxy names replaces it as the request's client, so that
    rate limits and the access log see the real one."""
    allowed = allowed or {}

    async def middleware(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                text = value.decode("latin-1")
                request_id = text if _REQUEST_ID.match(text) else ""
                break
        request_id = request_id or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_var.set(request_id)
        if trusted and scope.get("client"):
            peer = scope["client"][0]
            client = real_client(peer, _joined(scope["headers"], b"x-forwarded-for"), trusted)
            if client != peer:
                scope["client"] = (client, 0)
        path: str = scope["path"]
        if _has_nul(path, scope.get("query_string", b"")):
            await _refuse_nul(send, request_id)
            return
        extra = DOCS_HEADERS if path.startswith(("/docs", "/sandbox/")) else API_HEADERS
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if scope["method"] == "OPTIONS" and scope.get("path_template") in allowed:
                    # Litestar's automatic OPTIONS answer lists only the methods of the first handler
                    # registered on a path; answer with every method the path has.
                    methods = allowed[scope["path_template"]]
                    headers = [(n, methods if n.lower() == b"allow" else v) for n, v in headers]
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(h for h in extra if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("path_template") or ("unmatched" if status == 404 else path)
            metrics.observe(scope["method"], route, status, elapsed)
            if access_log.enabled:
                access_log.write(
                    {
                        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "level": "info",
                        "msg": "request",
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": path,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                        "client": (scope.get("client") or ("", 0))[0],
                    }
                )

    return middleware


def _joined(headers: list[tuple[bytes, bytes]], wanted: bytes) -> str | None:
    """Every value of a header, in order, as one comma-separated list (None when absent)."""
    values = [value.decode("latin-1") for name, value in headers if name == wanted]
    return ",".join(values) if values else None


def _has_nul(path: str, query: bytes) -> bool:
    """A NUL has no place in a path or query, and PostgreSQL refuses it in text."""
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)


async def _refuse_nul(send: Any, request_id: str) -> None:
    body = json.dumps(
        {
            "type": "/problems/malformed-request",
            "title": "The request could not be read",
            "status": 400,
            "detail": "the path or query contains a NUL character",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
                *API_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def configure_logging() -> None:
    """Application logs as JSON lines too, carrying the level and logger name."""

    class JsonFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            data = {
                "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                "level": record.levelname.lower(),
                "logger": record.name,
                "msg": record.getMessage(),
                "request_id": request_id_var.get() or None,
            }
            if record.exc_info:
                data["error"] = self.formatException(record.exc_info)
            return json.dumps(data)

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("marketplace")
    if not root.handlers:
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
