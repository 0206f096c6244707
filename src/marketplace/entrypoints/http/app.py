"""The Litestar application factory: routes, problem details, CORS, docs, lifecycle of the container."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import socketio
from litestar import Litestar, asgi
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.routes import HTTPRoute

from marketplace import __version__
from marketplace.entrypoints.container import (
    Container,
    build_container,
    resolve,
    uses_builtin_gosend,
    uses_builtin_mail,
    uses_builtin_xendit,
    warn_if_sandbox_forced,
)
from marketplace.entrypoints.http.controllers.cart import CartController
from marketplace.entrypoints.http.controllers.catalog import (
    CategoryController,
    ProductController,
    StoreProductController,
)
from marketplace.entrypoints.http.controllers.chat import ConversationController
from marketplace.entrypoints.http.controllers.checkout import CheckoutController
from marketplace.entrypoints.http.controllers.cms import CmsAdminController, CmsController
from marketplace.entrypoints.http.controllers.identity import AuthController, MeController
from marketplace.entrypoints.http.controllers.media import MediaController, MediaFileController
from marketplace.entrypoints.http.controllers.money import AffiliateController, ReferralController, StoreMoneyController
from marketplace.entrypoints.http.controllers.notifications import (
    NotificationController,
    NotificationPreferencesController,
)
from marketplace.entrypoints.http.controllers.operations import OperationsController
from marketplace.entrypoints.http.controllers.orders import OrderController, StoreOrderController
from marketplace.entrypoints.http.controllers.reviews import (
    OrderReviewController,
    ProductReviewController,
    ReviewAdminController,
    ReviewController,
)
from marketplace.entrypoints.http.controllers.stores import StoreAdminController, StoreController
from marketplace.entrypoints.http.controllers.webhooks import (
    GoSendWebhookController,
    XenditPayoutWebhookController,
    XenditWebhookController,
)
from marketplace.entrypoints.http.dependencies import DEPENDENCIES
from marketplace.entrypoints.http.docs import ROUTES as DOCS_ROUTES
from marketplace.entrypoints.http.input_guard import guard_input
from marketplace.entrypoints.http.observability import AccessLog, Metrics, configure_logging, observe
from marketplace.entrypoints.http.openapi_fixes import tighten
from marketplace.entrypoints.http.problems import EXCEPTION_HANDLERS
from marketplace.entrypoints.http.services import http_services, started_services
from marketplace.entrypoints.realtime.handlers import ChatSocket
from marketplace.entrypoints.realtime.server import PATH as SOCKET_PATH
from marketplace.entrypoints.settings import Settings

MAX_BODY_BYTES = 1_048_576


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Marketplace API",
        version=__version__,
        description="Multi-vendor marketplace: stores, catalog, cart, payments, shipping, chat. "
        "Errors are RFC 9457 problem details; their types are listed at /problems.",
        path="/schema",
        render_plugins=[],
        servers=[Server(url="/")],
        components=Components(
            security_schemes={"BearerAuth": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        use_handler_docstrings=False,
    )


def create_app(settings: Settings | None = None, container: Container | None = None) -> Litestar:
    """The HTTP app; the container's resources open and close with the app's lifespan."""
    settings = settings or Settings.from_env()
    settings.check_deployable()
    container = container or build_container(settings)
    metrics = Metrics()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        warn_if_sandbox_forced(settings)
        if settings.backend == "sql" and settings.sql_url.startswith("sqlite"):
            # The embedded default migrates itself: one process, nothing else to run first.
            from marketplace.adapters.sql.migrations import migrate

            await migrate(settings.sql_url)
        await _maybe_await(container.init_resources())
        worker_task: asyncio.Task[None] | None = None
        stop = asyncio.Event()
        try:
            app.state.services = await http_services(container)
            _start_socket_manager(container.socket_server())
            app.state.xendit_sandbox = await resolve(container.xendit_sandbox)
            app.state.gosend_sandbox = await resolve(container.gosend_sandbox)
            app.state.mail_sandbox = await resolve(container.mail_sandbox)
            if settings.run_worker:
                from marketplace.entrypoints.worker import build_worker

                worker = await build_worker(container)
                worker_task = asyncio.create_task(worker.run(stop), name="marketplace-worker")
            # Everything built so far lives as long as the process: keep it out of the collector's
            # way, or each full collection walks it again (55-75 ms pauses measured under load).
            gc.collect()
            gc.freeze()
            yield
        finally:
            stop.set()
            if worker_task is not None:
                await worker_task
            await _maybe_await(container.shutdown_resources())

    extra_routes: list[Any] = []
    if uses_builtin_xendit(settings):

        async def sandbox(scope: Any, receive: Any, send: Any) -> None:
            await app.state.xendit_sandbox(scope, receive, send)

        extra_routes.append(asgi("/sandbox/xendit", is_mount=True, copy_scope=True)(sandbox))
    if uses_builtin_gosend(settings):

        async def courier(scope: Any, receive: Any, send: Any) -> None:
            await app.state.gosend_sandbox(scope, receive, send)

        extra_routes.append(asgi("/sandbox/gosend", is_mount=True, copy_scope=True)(courier))
    if uses_builtin_mail(settings):

        async def mailbox(scope: Any, receive: Any, send: Any) -> None:
            await app.state.mail_sandbox(scope, receive, send)

        extra_routes.append(asgi("/sandbox/mail", is_mount=True, copy_scope=True)(mailbox))

    app = Litestar(
        route_handlers=[
            *extra_routes,
            OperationsController,
            AuthController,
            MeController,
            NotificationController,
            NotificationPreferencesController,
            StoreController,
            StoreAdminController,
            CategoryController,
            StoreProductController,
            ProductController,
            MediaController,
            MediaFileController,
            CartController,
            CheckoutController,
            OrderController,
            StoreOrderController,
            XenditWebhookController,
            GoSendWebhookController,
            ConversationController,
            OrderReviewController,
            ReviewController,
            ReviewAdminController,
            ProductReviewController,
            AffiliateController,
            ReferralController,
            StoreMoneyController,
            XenditPayoutWebhookController,
            CmsController,
            CmsAdminController,
            *DOCS_ROUTES,
        ],
        dependencies=DEPENDENCIES,
        before_request=guard_input,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=State({"settings": settings, "metrics": metrics, "container": container}),
        cors_config=CORSConfig(
            allow_origins=[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        ),
        openapi_config=_openapi(),
        request_max_body_size=MAX_BODY_BYTES,
        debug=False,
        logging_config=None,
    )
    tighten(app.openapi_schema, settings.payout_minimum)
    allowed = {
        route.path_format: ", ".join(sorted(route.methods)).encode()
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }
    wrapped: Any = observe(app, metrics, AccessLog(settings.access_log), allowed, settings.trusted_networks)
    # Keep Litestar's attributes reachable (tests use `.state`, servers only call the ASGI app).
    wrapped.litestar = app
    socket_server = container.socket_server()
    ChatSocket(socket_server, lambda: started_services(app.state), events_per_minute=settings.chat_rate_limit * 10)
    served = socketio.ASGIApp(socket_server, other_asgi_app=wrapped, socketio_path=SOCKET_PATH)
    container.this_app().app = wrapped
    if settings.sandbox == "on":
        served = _with_header(served, SANDBOX_HEADER)
    return _AsgiWithApp(served, app)  # type: ignore[return-value]


SANDBOX_HEADER = (b"x-marketplace-sandbox", b"on")


def _with_header(inner: Any, header: tuple[bytes, bytes]) -> Any:
    """Every HTTP response (and websocket accept) carries `header`."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await inner(scope, receive, send)
            return

        async def marked(message: Any) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await inner(scope, receive, marked)

    return app


def _start_socket_manager(server: Any) -> None:
    """With Redis, the Socket.IO manager listens for other processes' emits from start-up, not only
    once a first socket connects here."""
    if not server.manager_initialized:
        server.manager_initialized = True
        server.manager.initialize()


async def _maybe_await(result: Any) -> None:
    """dependency-injector returns an awaitable only when some resource is async."""
    if result is not None:
        await result


class _AsgiWithApp:
    """The observed ASGI callable, still exposing the Litestar app's attributes."""

    def __init__(self, asgi: Any, app: Litestar) -> None:
        self._asgi = asgi
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._asgi(scope, receive, send)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)
