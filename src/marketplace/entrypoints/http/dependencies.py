"""Bridges from the started app to Litestar: its typed services (http/services.py), the caller's identity, rate limits."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.di import Provide

from marketplace.application.errors import BackendUnavailable, RateLimited, Unauthenticated
from marketplace.entrypoints.http.services import HttpServices, started_services


def _services(request: Request[Any, Any, Any]) -> HttpServices:
    return started_services(request.app.state)


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use 'Authorization: Bearer <access token>'")
    return token.strip()


def _user_id(request: Request[Any, Any, Any]) -> str:
    token = _bearer(request)
    if token is None:
        raise Unauthenticated("this needs 'Authorization: Bearer <access token>'")
    return _services(request).tokens.read_access(token)


def _viewer_id(request: Request[Any, Any, Any]) -> str | None:
    token = _bearer(request)
    return None if token is None else _services(request).tokens.read_access(token)


def _client_address(request: Request[Any, Any, Any]) -> str:
    """The caller's address: behind a trusted proxy, the client it names (see observability.observe)."""
    return request.client.host if request.client else "unknown"


async def _auth_rate_limit(request: Request[Any, Any, Any]) -> None:
    limit = request.app.state.settings.auth_rate_limit
    client = _client_address(request)
    try:
        retry_after = await _services(request).rate_limiter.hit(f"auth:{client}", limit, 60)
    except BackendUnavailable:
        # Failing open: an unreachable limiter must not lock every user out of their account.
        logging.getLogger("marketplace.http").warning("rate limiter unavailable; request allowed")
        return
    if retry_after:
        raise RateLimited(retry_after)


DEPENDENCIES = {
    "services": Provide(_services, sync_to_thread=False),
    "user_id": Provide(_user_id, sync_to_thread=False),
    "viewer_id": Provide(_viewer_id, sync_to_thread=False),
    "client_address": Provide(_client_address, sync_to_thread=False),
    "auth_rate_limit": Provide(_auth_rate_limit),
}
