"""The GoSend sandbox as one ASGI app: GoSend's routes behind `Client-ID` + `Pass-Key`, the sandbox's own
routes open, GoSend's error answer (`{"errors": [...]}` and an `Error-Message` header) everywhere."""

from __future__ import annotations

import hmac
import logging

from marketplace.adapters.sandbox.asgi import (
    BodyTooLarge,
    NoRoute,
    Receive,
    Request,
    Response,
    Router,
    SandboxApp,
    Scope,
    read_request,
    relative_path,
)
from marketplace.adapters.sandbox.gosend import api, control
from marketplace.adapters.sandbox.gosend.config import GoSendSandboxConfig
from marketplace.adapters.sandbox.gosend.errors import GoSendError
from marketplace.adapters.sandbox.gosend.service import GoSendSandboxService

log = logging.getLogger("marketplace.sandbox.gosend")


class GoSendSandbox(SandboxApp):
    """Serve it at the root (its lifespan is handled) or mount it under any prefix; an embedding app that
    does not forward lifespan events awaits `startup()` once on its event loop (with a state directory, it
    sets couriers left on the move going again) and `shutdown()` when it stops, which cancels the
    courier's pace and pending webhook retries and folds the journal into the state file."""

    def __init__(self, config: GoSendSandboxConfig) -> None:
        self.config = config
        self.service = GoSendSandboxService(config)
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
                    GoSendError(405, f"{scope['method']} is not allowed on {path}")
                    .response()
                    .with_headers(("allow", ", ".join(missing.allowed)))
                )
            return GoSendError(404, f"no route {scope['method']} {path}").response()
        except BodyTooLarge:
            return GoSendError(413, "the request body is over 1 MiB").response()
        if route.guarded and not self._authorized(request):
            return GoSendError(401, "Client-ID and Pass-Key headers are missing or wrong").response()
        try:
            return await route.handler(request)
        except GoSendError as refused:
            return refused.response()
        except Exception:
            log.exception("the GoSend sandbox failed on %s %s", request.method, request.path)
            return GoSendError(500, "the sandbox failed; see its log").response()

    def _authorized(self, request: Request) -> bool:
        client_id, pass_key = request.header("client-id"), request.header("pass-key")
        if client_id is None or pass_key is None:
            return False
        # Both compared, always, so the time taken says nothing about which one was wrong.
        good_id = hmac.compare_digest(client_id.encode(), self.config.client_id.encode())
        good_key = hmac.compare_digest(pass_key.encode(), self.config.pass_key.encode())
        return good_id and good_key


def create_gosend_sandbox(config: GoSendSandboxConfig) -> GoSendSandbox:
    return GoSendSandbox(config)
