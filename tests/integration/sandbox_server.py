"""Serve a provider sandbox for real (`marketplace sandbox xendit|gosend`) on a local port, for adapter tests."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.integration.serving import command, free_port

SANDBOX_KEY = "xnd_development_contract_tests"
SANDBOX_TOKEN = "contract-tests-callback-token"


@contextmanager
def sandbox_xendit(
    data_dir: Path,
    *,
    refund_seconds: float = 0,
    callback_url: str | None = None,
    rate_limit: bool = False,
    retry_seconds: str | None = None,
) -> Iterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env.update(
        {
            "MARKETPLACE_DATA_DIR": str(data_dir),  # its records, kept across restarts
            "MARKETPLACE_XENDIT_SECRET_KEY": SANDBOX_KEY,
            "MARKETPLACE_XENDIT_CALLBACK_TOKEN": SANDBOX_TOKEN,
            "MARKETPLACE_SANDBOX_REFUND_SECONDS": str(refund_seconds),
            "MARKETPLACE_SANDBOX_RATE_LIMIT": "true" if rate_limit else "false",
        }
    )
    if retry_seconds is not None:
        env["MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS"] = retry_seconds
    args = ["sandbox", "xendit", "--host", "127.0.0.1", "--port", str(port)]
    if callback_url:
        args += ["--callback-url", callback_url]
    log_path = data_dir / "xendit-sandbox.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command(*args), env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                if process.poll() is not None:
                    pytest.fail("the sandbox exited: " + log_path.read_text()[-2000:])
                try:
                    httpx.get(f"{base}/v2/invoices", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


GOSEND_CLIENT_ID = "contract-tests-engine"
GOSEND_PASS_KEY = "contract-tests-pass-key"
GOSEND_TOKEN = "contract-tests-gosend-token"  # sent as `Authorization` with every webhook
GOSEND_RETRY_SECONDS = "0.1,0.1,0.1,0.1,0.1,0.1"


@contextmanager
def sandbox_gosend(data_dir: Path, *, pace_seconds: float = 0, callback_url: str | None = None) -> Iterator[str]:
    """The base URL of `marketplace sandbox gosend` on a free port: Client-ID GOSEND_CLIENT_ID, Pass-Key
    GOSEND_PASS_KEY, webhooks (retried every 0.1 s) to `callback_url` + /api/v1/webhooks/gosend."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env.update(
        {
            "MARKETPLACE_DATA_DIR": str(data_dir),  # its records, kept across restarts
            "MARKETPLACE_GOSEND_CLIENT_ID": GOSEND_CLIENT_ID,
            "MARKETPLACE_GOSEND_PASS_KEY": GOSEND_PASS_KEY,
            "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": GOSEND_TOKEN,
            "MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS": str(pace_seconds),
            "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS": GOSEND_RETRY_SECONDS,
        }
    )
    args = ["sandbox", "gosend", "--host", "127.0.0.1", "--port", str(port)]
    if callback_url:
        args += ["--callback-url", callback_url]
    log_path = data_dir / f"gosend-sandbox-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command(*args), env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                if process.poll() is not None:
                    pytest.fail("the GoSend sandbox exited: " + log_path.read_text()[-2000:])
                try:
                    if httpx.get(f"{base}/_sandbox/bookings", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            else:
                pytest.fail("the GoSend sandbox did not answer in 15 s: " + log_path.read_text()[-2000:])
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)
