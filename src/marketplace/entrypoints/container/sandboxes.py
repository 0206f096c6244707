"""The payment and courier providers' HTTP clients, and the built-in sandboxes they talk to on the
embedded default (docs/architecture.md, "The deployment rule")."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from marketplace.entrypoints.settings import Settings, SettingsError

if TYPE_CHECKING:
    import httpx

    from marketplace.adapters.sandbox.gosend.app import GoSendSandbox
    from marketplace.adapters.sandbox.xendit.app import XenditSandbox

Client = TypeVar("Client")


class LateAsgi:
    """The HTTP app itself, known only once it is built: the built-in sandboxes call back into it
    in process (through httpx's ASGI transport) instead of over the network."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            raise RuntimeError("the HTTP app is not built yet")
        await self.app(scope, receive, send)


def uses_builtin_xendit(settings: Settings) -> bool:
    return settings.payments_with == "xendit" and settings.serves_sandbox and settings.xendit_base_url is None


def uses_builtin_gosend(settings: Settings) -> bool:
    return settings.shipping_with == "gosend" and settings.serves_sandbox and settings.gosend_base_url is None


def warn_if_sandbox_forced(settings: Settings) -> None:
    """MARKETPLACE_SANDBOX=on: anyone who reaches this process may pay any invoice and move any parcel
    through the sandboxes' control endpoints. Say so at every start."""
    if settings.sandbox == "on":
        served = [
            name
            for name, used in (("Xendit", uses_builtin_xendit(settings)), ("GoSend", uses_builtin_gosend(settings)))
            if used
        ]
        logging.getLogger("marketplace").warning(
            "MARKETPLACE_SANDBOX=on: the built-in sandboxes (%s) and development secrets for whatever is not set "
            "are served to anyone who can reach this process; never run a real shop like this",
            ", ".join(served) or "none mounted",
        )


def configured(http: Client | None, variable: str) -> Client:
    """The provider's client, or the setting that is missing to have one."""
    if http is None:
        raise SettingsError(f"{variable} is required: no provider is configured and the sandboxes are not served")
    return http


def _sandbox_state(settings: Settings) -> Path | None:
    """On SQLite (one process) the built-in sandboxes keep their records in the data dir across restarts."""
    on_sqlite = settings.backend == "sql" and settings.sql_url.startswith("sqlite")  # the memory backend forgets
    return Path(settings.data_dir) / "sandbox" if on_sqlite else None


def _callbacks_client(settings: Settings, this_app: LateAsgi) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=this_app), base_url=settings.base_url, timeout=httpx.Timeout(10.0)
    )


@contextlib.asynccontextmanager
async def _running(sandbox: XenditSandbox | GoSendSandbox, callbacks: httpx.AsyncClient) -> AsyncIterator[None]:
    """A built-in sandbox started, then stopped with the client it sends its callbacks through."""
    try:
        await sandbox.startup()
        yield
    finally:
        await sandbox.shutdown()
        await callbacks.aclose()


async def xendit_sandbox(settings: Settings, this_app: LateAsgi) -> AsyncIterator[XenditSandbox | None]:
    """The Xendit sandbox mounted at /sandbox/xendit on the embedded default (None otherwise)."""
    if not uses_builtin_xendit(settings):
        yield None
        return
    from marketplace.adapters.sandbox.xendit import XenditSandboxConfig, create_xendit_sandbox

    callbacks = _callbacks_client(settings, this_app)
    sandbox = create_xendit_sandbox(
        XenditSandboxConfig(
            secret_key=settings.xendit_key,
            callback_token=settings.xendit_token,
            callback_url=settings.base_url,
            public_url=f"{settings.base_url}/sandbox/xendit",
            refund_seconds=settings.sandbox_refund_seconds,
            payout_seconds=settings.sandbox_payout_seconds,
            rate_limit=settings.sandbox_rate_limit,
            http=callbacks,
            state_dir=_sandbox_state(settings),
        )
    )
    async with _running(sandbox, callbacks):
        yield sandbox


async def xendit_http(settings: Settings, sandbox: XenditSandbox | None) -> AsyncIterator[httpx.AsyncClient | None]:
    """The HTTP client of the Xendit adapter: to Xendit (or a standalone sandbox), or in process to
    the built-in sandbox."""
    if settings.payments_with != "xendit" or (sandbox is None and settings.xendit_base_url is None):
        yield None  # no provider configured: a command that needs none (the app refuses to start)
        return
    import httpx

    from marketplace.adapters.xendit.payments import xendit_client

    if sandbox is not None:
        client = xendit_client("http://xendit.sandbox", settings.xendit_key, transport=httpx.ASGITransport(app=sandbox))
    else:
        client = xendit_client(settings.xendit_base_url or "", settings.xendit_key)
    try:
        yield client
    finally:
        await client.aclose()


async def gosend_sandbox(settings: Settings, this_app: LateAsgi) -> AsyncIterator[GoSendSandbox | None]:
    """The GoSend sandbox mounted at /sandbox/gosend on the embedded default (None otherwise)."""
    if not uses_builtin_gosend(settings):
        yield None
        return
    from marketplace.adapters.sandbox.gosend import GoSendSandboxConfig, create_gosend_sandbox

    callbacks = _callbacks_client(settings, this_app)
    sandbox = create_gosend_sandbox(
        GoSendSandboxConfig(
            client_id=settings.gosend_client,
            pass_key=settings.gosend_key,
            webhook_token=settings.gosend_token,
            webhook_header=settings.gosend_webhook_header,
            public_url=f"{settings.base_url}/sandbox/gosend",
            callback_url=settings.base_url,
            pace_seconds=settings.gosend_sandbox_pace_seconds,
            http=callbacks,
            state_dir=_sandbox_state(settings),
        )
    )
    async with _running(sandbox, callbacks):
        yield sandbox


async def gosend_http(settings: Settings, sandbox: GoSendSandbox | None) -> AsyncIterator[httpx.AsyncClient | None]:
    """The HTTP client of the GoSend adapter: to GoSend (or a standalone sandbox), or in process to
    the built-in sandbox."""
    if settings.shipping_with != "gosend" or (sandbox is None and settings.gosend_base_url is None):
        yield None
        return
    import httpx

    from marketplace.adapters.gosend.shipping import gosend_client

    if sandbox is not None:
        client = gosend_client(
            "http://gosend.sandbox",
            settings.gosend_client,
            settings.gosend_key,
            transport=httpx.ASGITransport(app=sandbox),
        )
    else:
        client = gosend_client(settings.gosend_base_url or "", settings.gosend_client, settings.gosend_key)
    try:
        yield client
    finally:
        await client.aclose()
