"""Serve a provider sandbox for real (`marketplace sandbox xendit`) on a local port, for adapter tests."""

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
def sandbox_xendit(data_dir: Path, *, refund_seconds: float = 0, callback_url: str | None = None,
                   rate_limit: bool = False) -> Iterator[str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env.update({"MARKETPLACE_XENDIT_SECRET_KEY": SANDBOX_KEY, "MARKETPLACE_XENDIT_CALLBACK_TOKEN": SANDBOX_TOKEN,
                "MARKETPLACE_SANDBOX_REFUND_SECONDS": str(refund_seconds),
                "MARKETPLACE_SANDBOX_RATE_LIMIT": "true" if rate_limit else "false"})
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
