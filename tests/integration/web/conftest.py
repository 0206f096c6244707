"""HTTP tests run the real app in process (ASGI) on each backend: memory, SQLite, PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from marketplace.application.errors import Forbidden
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

T = TypeVar("T")
TEST_SECRET = "test-signing-key-with-at-least-32-characters"
ADDRESS = {
    "recipient": "Ayu Lestari",
    "phone": "081234567890",
    "line1": "Jl. Sudirman 1",
    "city": "Jakarta",
    "postal_code": "10220",
    "lat": -6.2088,
    "lng": 106.8456,
}


@dataclass
class Api:
    """A test client plus helpers for the steps every scenario needs."""

    client: AsyncTestClient[Any]
    settings: Settings
    container: Any

    async def register(self, name: str = "user") -> dict[str, str]:
        email = f"{name}-{uuid.uuid4().hex[:10]}@example.com"
        response = await self.client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert response.status_code == 201, response.text
        login = await self.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        tokens = login.json()
        return {"id": response.json()["id"], "email": email, **tokens, "auth": f"Bearer {tokens['access_token']}"}

    async def at_once(self, send: Callable[[httpx.AsyncClient], Awaitable[T]], peer: str = "127.0.0.1") -> T:
        """Runs `send(http)` on the app's own loop with a client calling the app directly: the requests it
        gathers really overlap (the test client answers one at a time), and the app sees them come from
        `peer`."""
        app = self.client.app

        async def run() -> T:
            transport = httpx.ASGITransport(app=app, client=(peer, 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                return await send(http)

        return self.client.blocking_portal.call(run)

    async def use(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """Runs `work(container)` with a container on this loop. The app runs on the test client's own
        loop, so a database backend gets a container of ours; the in-process payment provider stays
        the app's (it holds the invoices)."""
        if self.settings.backend == "memory":
            return await work(self.container)
        container = build_container(self.settings)
        container.payments.override(providers.Object(await resolve(self.container.payments)))
        await container.init_resources()
        try:
            return await work(container)
        finally:
            await container.shutdown_resources()

    async def make_admin(self, email: str) -> None:
        async def create(container: Any) -> None:
            await (await resolve(container.create_admin))(email, PASSWORD)

        await self.use(create)

    async def pay(self, checkout: dict[str, Any], buyer: dict[str, str] | None = None) -> None:
        """The buyer pays the invoice at the provider, and the payment reaches us: on the SQL backends
        through the built-in Xendit sandbox and its callback; in memory through the in-memory provider."""
        if self.settings.backend == "sql":
            invoice_id = checkout["payment"]["invoice_id"]
            paid = await self.client.post(f"/sandbox/xendit/_sandbox/invoices/{invoice_id}/pay")
            assert paid.status_code == 200, paid.text
            for _ in range(100):
                if await self._checkout_status(checkout) == "paid":
                    return
                await asyncio.sleep(0.05)
            raise AssertionError("the paid callback did not arrive")
        invoice = (await resolve(self.container.payments)).mark_paid(checkout["payment"]["invoice_id"])

        async def apply(container: Any) -> None:
            await (await resolve(container.apply_invoice))(invoice)

        await self.use(apply)

    async def _checkout_status(self, checkout: dict[str, Any]) -> str:
        async def read(container: Any) -> str:
            async with (await resolve(container.uow))() as uow:
                found = await uow.checkouts.get(checkout["id"])
                return found.status.value if found else ""

        return await self.use(read)

    async def drain_outbox(self) -> None:
        """Every due outbox message delivered: by a worker pass in memory, by waiting for the app's own
        worker on the SQL backends."""
        if self.settings.backend == "memory":
            from marketplace.entrypoints.worker import build_worker

            worker = await build_worker(self.container)
            await worker.drain()
            return

        async def pending(container: Any) -> int:
            return await (await resolve(container.outbox)).pending()

        for _ in range(200):
            if await self.use(pending) == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the worker left outbox messages undelivered")

    async def send_upload(self, ticket: dict[str, Any], data: bytes, content_type: str | None = None) -> int:
        """Sends `data` as the upload ticket says (a PUT with its headers, or a multipart POST with its
        form fields before the file) and answers the storage's status code. The app's own file route
        is reached through the test client, memory's fake host through the storage itself."""
        url, method = ticket["upload_url"], ticket["method"]
        headers = {**ticket["headers"], **({"Content-Type": content_type} if content_type else {})}
        if method == "POST":
            fields = {**ticket["fields"], **({"Content-Type": content_type} if content_type else {})}
            async with httpx.AsyncClient() as storage_host:
                sent = await storage_host.post(
                    url, headers=headers, data=fields, files={"file": ("upload", data, fields.get("Content-Type", ""))}
                )
            return sent.status_code
        if url.startswith("memory://"):
            try:
                await (await resolve(self.container.storage)).receive(url, data, headers.get("Content-Type", ""))
            except Forbidden:
                return 403
            return 200
        if url.startswith(self.settings.base_url):
            parts = urlsplit(url)
            return (await self.client.put(f"{parts.path}?{parts.query}", content=data, headers=headers)).status_code
        async with httpx.AsyncClient() as storage_host:
            return (await storage_host.put(url, content=data, headers=headers)).status_code

    async def open_store(self, user: dict[str, str], name: str | None = None) -> dict[str, Any]:
        body = {
            "name": name or f"Toko {uuid.uuid4().hex[:6]}",
            "description": "Batik and more",
            "pickup_address": ADDRESS,
        }
        response = await self.client.post("/api/v1/stores", json=body, headers={"Authorization": user["auth"]})
        assert response.status_code == 201, response.text
        return response.json()


def _settings(kind: str, tmp_path: Any, request: pytest.FixtureRequest) -> Settings:
    # In memory the worker runs only where a test drains the outbox (see Api.drain_outbox); on the SQL
    # backends it runs inside the app, on the app's loop, where the built-in Xendit sandbox lives.
    common: dict[str, Any] = {
        "password_hash_profile": "light",
        "access_log": False,
        "auth_rate_limit": 10_000,
        "run_worker": kind != "memory",
        "worker_idle_seconds": 0.05,
    }
    if kind == "memory":
        return Settings.in_memory(**common)
    if kind == "sqlite":
        return Settings.from_env({}, data_dir=str(tmp_path), **common)
    postgres_url = request.getfixturevalue("postgres_url")
    redis_url = request.getfixturevalue("redis_url")
    # PostgreSQL + Redis is a deployment's setup: the built-in provider sandboxes are asked for by name.
    # Local files (media) go to the test's own directory, never a ./var that parallel workers share.
    return Settings.from_env(
        {},
        data_dir=str(tmp_path),
        database_url=postgres_url,
        redis_url=redis_url,
        jwt_secret=TEST_SECRET,
        sandbox="on",
        redis_prefix=f"test:{uuid.uuid4().hex}:",
        **common,
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
async def api(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[Api]:
    settings = _settings(request.param, tmp_path, request)
    if request.param == "postgres":
        from marketplace.adapters.sql.migrations import migrate

        await migrate(settings.sql_url)
    container = build_container(settings)
    app = create_app(settings, container)
    async with AsyncTestClient(app=app) as client:
        yield Api(client=client, settings=settings, container=container)
