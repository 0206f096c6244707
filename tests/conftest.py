"""Test-wide set-up: a deterministic hypothesis profile in CI, and the real backends to test on.

PostgreSQL and Redis come from MARKETPLACE_TEST_DATABASE_URL / MARKETPLACE_TEST_REDIS_URL, or the
local servers at 127.0.0.1 when they answer. Without them the tests that need them are skipped
with a message saying how to enable them, except under CI=true, where they fail instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

IN_CI = bool(os.environ.get("CI"))
LOCAL_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _unavailable(what: str, variable: str) -> None:
    message = f"{what} is not reachable: set {variable} (or start a local server) to run these tests"
    if IN_CI:
        pytest.fail(f"{message}; under CI=true they must run, not skip")
    pytest.skip(message)


def _run(statement_url: str, statement: str) -> None:
    """Run an admin statement on its own thread and loop: fixtures may ask from inside a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin(statement_url, statement)).result()


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    parts = urlsplit(url.replace("postgresql+asyncpg", "postgresql"))
    connection = await asyncpg.connect(urlunsplit(parts))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database of our own, dropped when the block ends."""
    server = os.environ.get("MARKETPLACE_TEST_DATABASE_URL", LOCAL_POSTGRES)
    if not _reachable(server, 5432):
        _unavailable("PostgreSQL", "MARKETPLACE_TEST_DATABASE_URL")
    name = f"marketplace_test_{uuid.uuid4().hex[:12]}"
    _run(server, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        _run(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database of our own for this test session (each xdist worker has its own)."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Redis for tests: database 15 unless the URL says otherwise; tests use their own key prefixes."""
    url = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not _reachable(url, 6379):
        _unavailable("Redis", "MARKETPLACE_TEST_REDIS_URL")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[tuple[str, str, str, bool]]:
    """(host:port, access key, secret key, secure) of a real S3 server, or of moto's server."""
    url = os.environ.get("MARKETPLACE_TEST_S3_URL")
    if url:
        parts = urlsplit(url)
        yield (
            f"{parts.hostname}:{parts.port or 9000}",
            parts.username or "",
            parts.password or "",
            parts.scheme == "https",
        )
        return
    moto = Path(sys.executable).parent / "moto_server"
    if not moto.exists():
        pytest.skip("moto's server is not installed: pip install -e '.[test]' (or set MARKETPLACE_TEST_S3_URL)")
    port = free_port()
    server = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield f"127.0.0.1:{port}", "test-access", "test-secret", False
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    """The embedded default in a data dir of this test's own; no MARKETPLACE_* from the caller leaks in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env["MARKETPLACE_DATA_DIR"] = str(tmp_path)
    return env
