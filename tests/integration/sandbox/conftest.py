"""Sandboxes served for real (`python -m marketplace.entrypoints.cli.sandbox`, granian) and a small
receiver that records their callbacks and can be told to fail some deliveries."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from marketplace.adapters.sandbox.gosend import GoSendSandbox, GoSendSandboxConfig, create_gosend_sandbox
from tests.integration.serving import free_port

KEY = "xnd_development_tests_sandbox_key"
TOKEN = "tests-callback-token"
QUICK_RETRIES = "0.1,0.1,0.1,0.1,0.1,0.1"


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]
    answered: int


class Receiver:
    """The marketplace's webhook end, as far as the sandbox can tell."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status = receiver.answer(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, msgspec.json.decode(body)
                )
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail(self, subject_id: str, times: int) -> None:
        """Answer 500 to the next `times` deliveries about `subject_id` (an invoice or refund id)."""
        with self._lock:
            self._failures[subject_id] = times

    def answer(self, path: str, headers: dict[str, str], payload: dict[str, Any]) -> int:
        subject = payload.get("id") or payload.get("data", {}).get("id", "")
        with self._lock:
            failing = self._failures.get(subject, 0) > 0
            if failing:
                self._failures[subject] -= 1
            self.calls.append(Call(path, headers, payload, 500 if failing else 200))
        return 500 if failing else 200

    def of(self, subject_id: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if (c.payload.get("id") or c.payload.get("data", {}).get("id")) == subject_id]

    def wait_for(self, subject_id: str, count: int = 1, seconds: float = 5.0) -> list[Call]:
        return until(lambda: self.of(subject_id), lambda calls: len(calls) >= count, seconds)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def until(read: Callable[[], Any], done: Callable[[Any], bool], seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def xendit(base: str, key: str = KEY) -> httpx.Client:
    """A client as our Xendit adapter makes one: Basic auth, secret key as user name, empty password."""
    return httpx.Client(base_url=base, auth=httpx.BasicAuth(key, ""), timeout=10)


@contextmanager
def xendit_sandbox(log_dir: Path, callback_url: str | None, **env: str) -> Iterator[str]:
    """The base URL of `marketplace sandbox xendit` served on a free port, MARKETPLACE_* from `env` only; its
    records are kept in `log_dir`."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    environment.update(
        {
            "MARKETPLACE_XENDIT_SECRET_KEY": KEY,
            "MARKETPLACE_XENDIT_CALLBACK_TOKEN": TOKEN,
            "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS": QUICK_RETRIES,
            "MARKETPLACE_DATA_DIR": str(log_dir),
            **env,
        }
    )
    command = [
        sys.executable,
        "-m",
        "marketplace.entrypoints.cli.sandbox",
        "xendit",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if callback_url is not None:
        command += ["--callback-url", callback_url]
    log_path = log_dir / f"sandbox-{port}.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, f"{base}/_sandbox/callbacks", log_path)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=15)


def _wait_until_up(server: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail("the sandbox exited: " + log_path.read_text()[-2000:])
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    pytest.fail("the sandbox did not answer in 15 s: " + log_path.read_text()[-2000:])


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    receiving = Receiver()
    yield receiving
    receiving.close()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[str]:
    """Refunds settle only through the control endpoints; callbacks retried every 0.1 s."""
    with xendit_sandbox(
        tmp_path_factory.mktemp("xendit"), receiver.url, MARKETPLACE_SANDBOX_REFUND_SECONDS="0"
    ) as base:
        yield base


def paid_invoice(client: httpx.Client, amount: int = 100_000, **fields: Any) -> dict[str, Any]:
    created = client.post(
        "/v2/invoices", json={"external_id": f"order-{time.monotonic_ns()}", "amount": amount, **fields}
    )
    assert created.status_code == 200, created.text
    paid = client.post(f"/_sandbox/invoices/{created.json()['id']}/pay")
    assert paid.status_code == 200, paid.text
    return paid.json()


# --- GoSend: the sandbox in process (httpx.ASGITransport), its webhooks routed to a small ASGI receiver ---

GOSEND_CLIENT_ID = "tests-engine"
GOSEND_PASS_KEY = "tests-gosend-pass-key"
GOSEND_TOKEN = "tests-gosend-webhook-token"
GOSEND_AUTH = {"Client-ID": GOSEND_CLIENT_ID, "Pass-Key": GOSEND_PASS_KEY}
MARKETPLACE = "http://marketplace.test"
SANDBOX_URL = "http://gosend.test"
MONAS = "-6.1754,106.8272"  # Jakarta, ~8.3 km from Blok M
BLOK_M = "-6.2444,106.7991"
BOGOR = "-6.5971,106.8060"  # ~47 km from Monas: SameDay only
BANDUNG = "-6.9175,107.6191"  # ~120 km from Monas: neither


class Hooks:
    """The marketplace's GoSend webhook end as an ASGI app; it can be told to refuse some deliveries."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, int] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        payload = msgspec.json.decode(body)
        subject = payload.get("booking_id", "")
        failing = self._failures.get(subject, 0) > 0
        if failing:
            self._failures[subject] -= 1
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.calls.append(Call(scope["path"], headers, payload, 500 if failing else 200))
        await send({"type": "http.response.start", "status": 500 if failing else 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def fail(self, order_no: str, times: int) -> None:
        self._failures[order_no] = times

    def of(self, order_no: str) -> list[Call]:
        return [c for c in self.calls if c.payload.get("booking_id") == order_no]

    async def wait_for(self, order_no: str, count: int = 1, seconds: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + seconds
        while len(self.of(order_no)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self.of(order_no)


@dataclass
class GoSendHarness:
    sandbox: GoSendSandbox
    client: httpx.AsyncClient  # GoSend's routes with the right Client-ID and Pass-Key, and the control routes
    hooks: Hooks

    async def book(self, store_order_id: str, **options: Any) -> dict[str, Any]:
        answer = await self.client.post("/gokilat/v10/booking", json=booking_body(store_order_id, **options))
        assert answer.status_code == 201, answer.text
        return answer.json()

    async def status(self, order_no: str) -> dict[str, Any]:
        answer = await self.client.get(f"/gokilat/v10/booking/orderno/{order_no}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def advance(self, order_no: str, status: str | None = None) -> httpx.Response:
        body = {} if status is None else {"status": status}
        return await self.client.post(f"/_sandbox/bookings/{order_no}/advance", json=body)


def booking_body(
    store_order_id: str, *, method: str = "Instant", origin: str = MONAS, destination: str = BLOK_M, **route: Any
) -> dict[str, Any]:
    """A booking as the marketplace's adapter sends it (docs/providers.md, "GoSend booking")."""
    return {
        "paymentType": 3,
        "collection_location": "pickup",
        "shipment_method": method,
        "routes": [
            {
                "originName": "Toko Batik Sari",
                "originNote": "ring the bell",
                "originContactName": "Sari",
                "originContactPhone": "6281200000001",
                "originLatLong": origin,
                "originAddress": "Jl. Medan Merdeka 1",
                "destinationName": "Rumah Budi",
                "destinationNote": "",
                "destinationContactName": "Budi Buyer",
                "destinationContactPhone": "6281300000002",
                "destinationLatLong": destination,
                "destinationAddress": "Jl. Melawai 2, Blok M",
                "item": "Batik shirt x1",
                "storeOrderId": store_order_id,
                "insuranceDetails": {
                    "applied": "false",
                    "fee": "0",
                    "product_description": "Batik shirt",
                    "product_price": "150000",
                },
                **route,
            }
        ],
    }


@asynccontextmanager
async def gosend_harness(
    *,
    pace_seconds: float = 0.0,
    callbacks: bool = True,
    root_path: str = "",
    retry_seconds: tuple[float, ...] = (0.01, 0.01, 0.01),
    webhook_header: str = "Authorization",
) -> AsyncIterator[GoSendHarness]:
    hooks = Hooks()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=hooks), base_url=MARKETPLACE)
    sandbox = create_gosend_sandbox(
        GoSendSandboxConfig(
            client_id=GOSEND_CLIENT_ID,
            pass_key=GOSEND_PASS_KEY,
            webhook_token=GOSEND_TOKEN,
            webhook_header=webhook_header,
            public_url=SANDBOX_URL + root_path,
            callback_url=MARKETPLACE if callbacks else None,
            pace_seconds=pace_seconds,
            callback_retry_seconds=retry_seconds,
            http=http,
            first_id=170_001,
        )
    )
    transport = httpx.ASGITransport(app=sandbox, root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_URL + root_path, headers=GOSEND_AUTH) as client:
        try:
            yield GoSendHarness(sandbox, client, hooks)
        finally:
            await sandbox.shutdown()
            await http.aclose()


@pytest.fixture
async def gosend() -> AsyncIterator[GoSendHarness]:
    async with gosend_harness() as harness:
        yield harness
