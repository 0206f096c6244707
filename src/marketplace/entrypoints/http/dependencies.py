"""Bridges from the container to Litestar: resolved use cases, the caller's identity, rate limits."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from litestar import Request
from litestar.di import Provide

from marketplace.application.errors import BackendUnavailable, RateLimited, Unauthenticated
from marketplace.entrypoints.container import Container, resolve

USE_CASES = (
    "register_user",
    "log_in",
    "refresh_session",
    "log_out",
    "get_profile",
    "update_profile",
    "list_addresses",
    "add_address",
    "change_address",
    "remove_address",
    "open_store",
    "update_store",
    "suspend_store",
    "unsuspend_store",
    "get_store",
    "browse_stores",
    "list_categories",
    "create_category",
    "create_product",
    "update_product",
    "publish_product",
    "archive_product",
    "add_variant",
    "change_variant",
    "remove_variant",
    "browse_products",
    "get_product",
    "list_store_products",
    "request_upload",
    "complete_upload",
    "download_media",
    "cart",
    "quote_checkout",
    "place_checkout",
    "get_checkout",
    "cancel_checkout",
    "buyer_orders",
    "store_orders",
    "idempotency",
    "clock",
    "receive_callback",
    "store_shipping",
    "shipment_reports",
    "get_shipment",
    "conversations",
    "chat_messages",
    "socket_server",
    "reviews",
    "affiliate_program",
    "store_money",
    "payout_callbacks",
    "attribution",
    "create_page",
    "edit_page",
    "publish_page",
    "unpublish_page",
    "show_page",
    "list_pages",
    "read_public_page",
    "create_banner",
    "edit_banner",
    "publish_banner",
    "unpublish_banner",
    "show_banner",
    "list_banners",
    "list_live_banners",
    "tokens",
    "rate_limiter",
    "catalog_queries",
    "cache",
    "catalog_cache",
    "storage",
)


class Services(SimpleNamespace):
    """The container's values this app uses, resolved once at start-up."""


async def resolve_services(container: Container) -> Services:
    return Services(**{name: await resolve(getattr(container, name)) for name in USE_CASES})


def _services(request: Request[Any, Any, Any]) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


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
    return _services(request).tokens.read_access(token)  # type: ignore[no-any-return]


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
