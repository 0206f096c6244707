"""Sandboxes served for real (`python -m marketplace.entrypoints.cli.sandbox`, granian) and a small
receiver that records their callbacks and can be told to fail some deliveries."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

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
                status = receiver.answer(self.path, {k.lower(): v for k, v in self.headers.items()},
                                         msgspec.json.decode(body))
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
    """The base URL of `marketplace sandbox xendit` served on a free port, MARKETPLACE_* from `env` only."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    environment.update({"MARKETPLACE_XENDIT_SECRET_KEY": KEY, "MARKETPLACE_XENDIT_CALLBACK_TOKEN": TOKEN,
                        "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS": QUICK_RETRIES, **env})
    command = [sys.executable, "-m", "marketplace.entrypoints.cli.sandbox", "xendit",
               "--host", "127.0.0.1", "--port", str(port)]
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
    with xendit_sandbox(tmp_path_factory.mktemp("xendit"), receiver.url,
                        MARKETPLACE_SANDBOX_REFUND_SECONDS="0") as base:
        yield base


def paid_invoice(client: httpx.Client, amount: int = 100_000, **fields: Any) -> dict[str, Any]:
    created = client.post("/v2/invoices", json={"external_id": f"order-{time.monotonic_ns()}", "amount": amount,
                                                **fields})
    assert created.status_code == 200, created.text
    paid = client.post(f"/_sandbox/invoices/{created.json()['id']}/pay")
    assert paid.status_code == 200, paid.text
    return paid.json()  # type: ignore[no-any-return]
