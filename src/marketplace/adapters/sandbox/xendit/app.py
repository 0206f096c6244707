"""The Xendit sandbox as one ASGI app: Xendit's routes behind Basic auth and its rate limit, the
sandbox's own routes open, Xendit's error bodies everywhere."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from marketplace.adapters.sandbox.asgi import (
    BodyTooLarge,
    NoRoute,
    Receive,
    Request,
    Response,
    Route,
    Router,
    SandboxApp,
    Scope,
    read_request,
    relative_path,
)
from marketplace.adapters.sandbox.rate_limit import SlidingWindow
from marketplace.adapters.sandbox.xendit import api, control
from marketplace.adapters.sandbox.xendit.config import XenditSandboxConfig
from marketplace.adapters.sandbox.xendit.errors import XenditError
from marketplace.adapters.sandbox.xendit.service import XenditSandboxService

log = logging.getLogger("marketplace.sandbox.xendit")
TEST_MODE_LIMIT = 60  # requests a minute per endpoint per key in test mode (docs/providers.md, "Xendit rate limits")


class XenditSandbox(SandboxApp):
    """Serve it at the root (its lifespan is handled) or mount it under any prefix; an embedding app that
    does not forward lifespan events awaits `startup()` once on its event loop (with a state directory,
    it re-arms what was waiting before a restart) and `shutdown()` when it stops, which cancels the
    timers and pending callback retries and folds the journal into the state file."""

    def __init__(self, config: XenditSandboxConfig) -> None:
        self.config = config
        self.service = XenditSandboxService(config)
        self._limiter = SlidingWindow(TEST_MODE_LIMIT, 60.0)
        self._router = Router()
        api.register(self._router, self.service)
        control.register(self._router, self.service)

    async def startup(self) -> None:
        self.service.resume()

    async def shutdown(self) -> None:
        await self.service.shutdown()

    async def respond(self, scope: Scope, receive: Receive) -> Response:
        path = relative_path(scope)
        try:
            route, params = self._router.resolve(scope["method"], path)
            request = await read_request(scope, receive, path, params)
        except NoRoute as missing:
            if missing.allowed:
                return (
                    XenditError(405, "METHOD_NOT_ALLOWED", f"{scope['method']} is not allowed on {path}")
                    .response()
                    .with_headers(("allow", ", ".join(missing.allowed)))
                )
            return XenditError(404, "NOT_FOUND", f"no route {scope['method']} {path}").response()
        except BodyTooLarge:
            return XenditError(413, "REQUEST_ENTITY_TOO_LARGE", "the request body is over 1 MiB").response()
        if not route.guarded:
            return await self._handle(route, request)
        key = self._api_key(request)
        if key is None:
            return XenditError(
                401, "INVALID_API_KEY", "API key is invalid; send it as the Basic auth user name with an empty password"
            ).response()
        quota = self._limiter.take((key, route.method, route.template), enforce=self.config.rate_limit)
        if quota.exceeded:
            answer = XenditError(429, "RATE_LIMIT_EXCEEDED", "too many requests to this endpoint; slow down").response()
        else:
            answer = await self._handle(route, request)
        return answer.with_headers(*quota.headers())

    @staticmethod
    async def _handle(route: Route, request: Request) -> Response:
        try:
            return await route.handler(request)
        except XenditError as refused:
            return refused.response()
        except Exception:
            log.exception("the Xendit sandbox failed on %s %s", request.method, request.path)
            return XenditError(500, "SERVER_ERROR", "the sandbox failed; see its log").response()

    def _api_key(self, request: Request) -> str | None:
        """The secret key when `Authorization: Basic base64(key:)` carries the configured one, else None."""
        scheme, _, credentials = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user if hmac.compare_digest(user.encode(), self.config.secret_key.encode()) else None


def create_xendit_sandbox(config: XenditSandboxConfig) -> XenditSandbox:
    return XenditSandbox(config)
