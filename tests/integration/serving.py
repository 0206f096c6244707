"""Serve the app for real (`marketplace serve`, granian) in a subprocess for tests that need a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "marketplace"), *args]


def environment(data_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """MARKETPLACE_* `env` over a clean environment's defaults, for `marketplace` commands."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    return {
        **clean,
        "MARKETPLACE_DATA_DIR": str(data_dir),
        "MARKETPLACE_PASSWORD_HASH_PROFILE": "light",
        "MARKETPLACE_AUTH_RATE_LIMIT": "1000000",
        "MARKETPLACE_ACCESS_LOG": "false",
        **env,
    }


@contextmanager
def served(data_dir: Path, env: dict[str, str], *extra: str) -> Iterator[str]:
    """The base URL of a server run with MARKETPLACE_* `env` over a clean environment's defaults."""
    port = free_port()
    log_path = data_dir / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        command("serve", "--host", "127.0.0.1", "--port", str(port), *extra),
        env=environment(data_dir, env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                break
            time.sleep(0.1)
        if server.poll() is not None:
            pytest.fail("the server exited: " + log_path.read_text()[-2000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
