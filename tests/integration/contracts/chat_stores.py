"""The chat stores the ChatStore contract runs over: memory, SQLite, PostgreSQL and MongoDB.

MongoDB is the server at MARKETPLACE_TEST_MONGO_URL when it is set (test id `mongo`). Otherwise it
is nx-27017 (test id `mongo-wire-nx27017`), pinned in the test extras: a MongoDB-wire-compatible
server on SQLite, not MongoDB. This session starts it once, on a free 127.0.0.1 port with its data in
a temporary folder, and pymongo talks to it over the real wire protocol. Each test gets a database
of its own, dropped after it. Without either the MongoDB tests skip, saying why, except under
CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from marketplace.adapters.memory.chat import MemoryChatStore
from marketplace.adapters.mongo.chat_store import open_mongo_chat_store
from marketplace.adapters.sql.chat_store import SqlChatStore
from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.tables import chat_conversations, chat_messages

IN_CI = bool(os.environ.get("CI"))
MONGO_URL = os.environ.get("MARKETPLACE_TEST_MONGO_URL")
MONGO_KIND = "mongo" if MONGO_URL else "mongo-wire-nx27017"
MONGO_KINDS = {"mongo", "mongo-wire-nx27017"}
NX_STARTUP_SECONDS = 30

CHAT_KINDS = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param(MONGO_KIND, marks=pytest.mark.mongo),
]


def chat_store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """Resolved in a sync fixture: the session fixtures behind it run their own event loop."""
    if kind == "sqlite":
        path = tmp_path / "chat.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    if kind == "postgres":
        return str(request.getfixturevalue("migrated_postgres"))
    if kind in MONGO_KINDS:
        return mongo_test_url(request)
    return None


@asynccontextmanager
async def open_chat_store(kind: str, url: str | None) -> AsyncIterator[Any]:
    if kind == "memory":
        yield MemoryChatStore()
        return
    assert url is not None
    if kind in MONGO_KINDS:
        client, store = await open_mongo_chat_store(url)
        try:
            yield store
        finally:
            await client.drop_database(client.get_default_database().name)
            await client.close()
        return
    engine = create_engine(url)
    if kind == "postgres":
        async with engine.begin() as connection:
            await connection.execute(chat_messages.delete())
            await connection.execute(chat_conversations.delete())
    try:
        yield SqlChatStore(engine)
    finally:
        await engine.dispose()


def mongo_test_url(request: pytest.FixtureRequest) -> str:
    """A URL naming a new database of its own on this session's MongoDB server (the real one, or
    nx-27017), or the test skips (fails under CI) saying why there is none."""
    server = _mongo_server(request.config, request.getfixturevalue("tmp_path_factory"))
    if server.failure:
        if IN_CI:
            pytest.fail(f"{server.failure}; under CI=true the MongoDB tests must run, not skip")
        pytest.skip(server.failure)
    assert server.url is not None
    return _with_database(server.url, f"chat_test_{uuid.uuid4().hex[:16]}")


@dataclass
class _Server:
    url: str | None = None
    failure: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


_SERVER = pytest.StashKey[_Server]()


def _mongo_server(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> _Server:
    """Found or started once per session; a failure is remembered, not retried by every test."""
    if _SERVER not in config.stash:
        config.stash[_SERVER] = _given(MONGO_URL) if MONGO_URL else _start_nx27017(config, tmp_path_factory)
    return config.stash[_SERVER]


def _given(url: str) -> _Server:
    if _answers(url, timeout_ms=3000):
        return _Server(url=url)
    return _Server(failure="MongoDB at MARKETPLACE_TEST_MONGO_URL does not answer")


def _start_nx27017(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> _Server:
    executable = Path(sys.executable).parent / "nx-27017"
    if not executable.exists():
        found = shutil.which("nx-27017")
        if found is None:
            return _Server(
                failure="nx-27017 is not installed: pip install -e '.[test]' "
                "(or set MARKETPLACE_TEST_MONGO_URL to a MongoDB server)"
            )
        executable = Path(found)
    home = tmp_path_factory.mktemp("nx27017")
    (home / "data").mkdir()
    port = free_port()
    log = home / "server.log"
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [
                str(executable),
                "--data-dir",
                str(home / "data"),
                "--host",
                "127.0.0.1",
                "-p",
                str(port),
                "--pid-file",
                str(home / "nx-27017.pid"),
                "--log-file",
                str(home / "nx-27017.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = _Server(process=process)
    config.add_cleanup(lambda: _stop(process))
    url = f"mongodb://127.0.0.1:{port}/"
    deadline = time.monotonic() + NX_STARTUP_SECONDS
    while not _answers(url, timeout_ms=500):
        if process.poll() is not None:
            server.failure = f"nx-27017 exited with status {process.returncode}: {_tail(log)}"
            return server
        if time.monotonic() > deadline:
            server.failure = f"nx-27017 did not answer within {NX_STARTUP_SECONDS} s: {_tail(log)}"
            return server
        time.sleep(0.1)
    server.url = url
    return server


def _answers(url: str, timeout_ms: int) -> bool:
    client: MongoClient[dict[str, Any]] = MongoClient(
        url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _tail(log: Path) -> str:
    text = log.read_text(errors="replace").strip() if log.exists() else ""
    return text[-2000:] or "(no output)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    """`url` naming database `name`; a database it named stays the one credentials are checked
    against (pymongo's default authSource is the URL's database)."""
    parts = urlsplit(url)
    given = parts.path.strip("/")
    query = parse_qsl(parts.query, keep_blank_values=True)
    if given and not any(key.lower() == "authsource" for key, _ in query):
        query.append(("authSource", given))
    return urlunsplit(parts._replace(path=f"/{name}", query=urlencode(query)))
