"""`marketplace worker` and `marketplace outbox list|replay`, run as an operator runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integration.test_cli import CLI, marketplace


@pytest.fixture
def embedded(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env["MARKETPLACE_DATA_DIR"] = str(tmp_path)
    assert marketplace("migrate", env=env).returncode == 0
    return env


def _database(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(Path(env["MARKETPLACE_DATA_DIR"]) / "marketplace.db")


def _message(db: sqlite3.Connection, message_id: str, *, parked: bool, topic: str = "SomethingHappened") -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores times in SQLite
    db.execute(
        "INSERT INTO outbox (id, topic, payload, created_at, available_at, attempts, parked_at, last_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message_id,
            topic,
            json.dumps({"n": 1}),
            now,
            now,
            8 if parked else 0,
            now if parked else None,
            "RuntimeError: provider down" if parked else None,
        ),
    )
    db.commit()


def test_outbox_list_shows_parked_messages_and_replay_puts_one_back(embedded: dict[str, str]) -> None:
    with _database(embedded) as db:
        _message(db, "0190a0a0-0000-7000-8000-000000000001", parked=True)
        _message(db, "0190a0a0-0000-7000-8000-000000000002", parked=False)
    listed = marketplace("outbox", "list", env=embedded)
    assert listed.returncode == 0, listed.stderr
    assert "0190a0a0-0000-7000-8000-000000000001" in listed.stdout and "provider down" in listed.stdout
    assert "0190a0a0-0000-7000-8000-000000000002" not in listed.stdout
    assert "1 parked; 1 waiting for delivery" in listed.stdout

    replayed = marketplace("outbox", "replay", "0190a0a0-0000-7000-8000-000000000001", env=embedded)
    assert replayed.returncode == 0, replayed.stderr
    after = marketplace("outbox", "list", env=embedded)
    assert "0 parked; 2 waiting for delivery" in after.stdout
    with _database(embedded) as db:
        attempts = db.execute(
            "SELECT attempts, parked_at FROM outbox WHERE id = ?", ("0190a0a0-0000-7000-8000-000000000001",)
        ).fetchone()
    assert attempts == (0, None)

    unknown = marketplace("outbox", "replay", "no-such-id", env=embedded)
    assert unknown.returncode == 1 and "no parked message" in unknown.stderr and "Traceback" not in unknown.stderr


def test_the_worker_delivers_waiting_messages_and_stops_on_sigterm(embedded: dict[str, str]) -> None:
    with _database(embedded) as db:
        for n in range(3):  # a known topic: one no release knows is retried and parked instead
            _message(db, f"0190a0a0-0000-7000-8000-00000000001{n}", parked=False, topic="UserRegistered")
    worker = subprocess.Popen(
        [str(CLI), "worker"], env=embedded, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with _database(embedded) as db:
                left = db.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
            if left == 0:
                break
            time.sleep(0.1)
        assert left == 0, "the worker delivered nothing"
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "worker stopped" in output
