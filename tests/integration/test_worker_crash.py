"""Killing a worker in the middle of a batch loses no event and applies none twice; workers running
at once never handle one message concurrently (PostgreSQL, real processes, SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from marketplace.adapters.sql.migrations import migrate
from marketplace.adapters.system import Uuid7Ids
from tests.conftest import fresh_database
from tests.integration.worker_child import TOPIC

MESSAGES = 300
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The workers drain the whole outbox: a database of their own, with no other test's messages in it
    (with xdist, other files share a worker's database; their events are nothing the child handles)."""
    with fresh_database() as url:
        yield url


def _worker(url: str, name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.worker_child", url, name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )


async def _count(engine: object, sql: str) -> int:
    async with engine.connect() as connection:  # type: ignore[attr-defined]
        return int((await connection.execute(text(sql))).scalar_one())


async def test_a_killed_worker_loses_nothing_and_nothing_is_applied_twice(postgres_url: str) -> None:
    await migrate(postgres_url)
    engine = create_async_engine(postgres_url)
    ids, now = Uuid7Ids(), datetime.now(UTC)
    message_ids = [ids.new_id() for _ in range(MESSAGES)]
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS crash_effects"))
        await connection.execute(text("CREATE TABLE crash_effects (message_id TEXT NOT NULL, worker TEXT NOT NULL)"))
        await connection.execute(text("DELETE FROM outbox WHERE topic = :t"), {"t": TOPIC})
        await connection.execute(
            text(
                "INSERT INTO outbox (id, topic, payload, created_at, available_at, attempts) "
                "VALUES (:id, :topic, :payload, :now, :now, 0)"
            ),
            [
                {"id": m, "topic": TOPIC, "payload": msgspec.json.encode({"n": n}).decode(), "now": now}
                for n, m in enumerate(message_ids)
            ],
        )
    try:
        doomed = _worker(postgres_url, "doomed")
        deadline = time.monotonic() + 60
        while await _count(engine, "SELECT count(*) FROM crash_effects") < MESSAGES // 4:
            assert doomed.poll() is None and time.monotonic() < deadline, "the first worker did not get going"
            await asyncio.sleep(0.01)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)

        survivors = [_worker(postgres_url, f"survivor-{n}") for n in range(3)]
        for survivor in survivors:
            output, _ = survivor.communicate(timeout=120)
            assert survivor.returncode == 0, output.decode()[-2000:]

        assert (
            await _count(engine, f"SELECT count(*) FROM outbox WHERE topic = '{TOPIC}' AND delivered_at IS NULL") == 0
        ), "every message is delivered"
        assert await _count(engine, "SELECT count(DISTINCT message_id) FROM crash_effects") == MESSAGES, "none lost"
        assert await _count(engine, "SELECT count(*) FROM crash_effects") == MESSAGES, "none applied twice"
        redelivered = await _count(engine, f"SELECT count(*) FROM outbox WHERE topic = '{TOPIC}' AND attempts > 1")
        assert redelivered >= 1, "the killed worker's leased messages came back to the survivors"
        by_survivors = await _count(engine, "SELECT count(*) FROM crash_effects WHERE worker <> 'doomed'")
        assert by_survivors > 0
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE IF EXISTS crash_effects"))
        await engine.dispose()
