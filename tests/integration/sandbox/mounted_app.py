"""A Litestar app embedding the Xendit sandbox the way the marketplace will: mounted at /sandbox/xendit,
its callbacks routed in process (`http=`) to this app's own webhook routes, stopped on shutdown.
Served by granian in test_xendit_mounted."""

from __future__ import annotations

import os
from typing import Any

import httpx
from litestar import Litestar, Request, asgi, get, post

from marketplace.adapters.sandbox.xendit import XenditSandboxConfig, create_xendit_sandbox
from tests.integration.sandbox.conftest import KEY, TOKEN


def create_app() -> Litestar:
    base = os.environ["SANDBOX_TEST_BASE_URL"]
    received: list[dict[str, Any]] = []
    apps: list[Litestar] = []

    async def this_app(scope: Any, receive: Any, send: Any) -> None:
        await apps[0](scope, receive, send)

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=this_app), base_url=base)
    sandbox = create_xendit_sandbox(
        XenditSandboxConfig(
            secret_key=KEY,
            callback_token=TOKEN,
            public_url=f"{base}/sandbox/xendit",
            callback_url=base,
            refund_seconds=0.2,
            http=http,
        )
    )

    async def keep(kind: str, request: Request[Any, Any, Any]) -> dict[str, bool]:
        received.append(
            {"kind": kind, "token": request.headers.get("x-callback-token"), "payload": await request.json()}
        )
        return {"received": True}

    @post("/api/v1/webhooks/xendit/invoice", status_code=200)
    async def invoice_hook(request: Request[Any, Any, Any]) -> dict[str, bool]:
        return await keep("invoice", request)

    @post("/api/v1/webhooks/xendit/refund", status_code=200)
    async def refund_hook(request: Request[Any, Any, Any]) -> dict[str, bool]:
        return await keep("refund", request)

    @get("/received")
    async def seen() -> list[dict[str, Any]]:
        return received

    async def stop() -> None:
        await sandbox.shutdown()
        await http.aclose()

    mounted = asgi("/sandbox/xendit", is_mount=True)(sandbox)
    apps.append(Litestar([invoice_hook, refund_hook, seen, mounted], on_shutdown=[stop]))
    return apps[0]
