"""Set-up around the benchmark: database, Redis prefix, CLI subprocesses, the server, /proc readings."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from _loadgen import LOOPBACK, fetch

CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


class ServerFailed(BenchError):
    """The server did not start or did not become ready."""


def require_loopback(url: str, what: str) -> None:
    host = urlsplit(url.replace("postgresql+asyncpg", "postgresql")).hostname
    if host != LOOPBACK:
        raise BenchError(f"{what} must point at {LOOPBACK} (got host {host!r}): this benchmark stays on loopback")


def marketplace_cli() -> str:
    path = Path(sys.executable).parent / "marketplace"
    if not path.exists():
        raise BenchError(f"{path} not found: install the project into the virtualenv (pip install -e .)")
    return str(path)


async def ensure_database(url: str) -> bool:
    """Create the database when it is missing (True when this run created it); never drops anything."""
    import asyncpg

    parts = urlsplit(url.replace("postgresql+asyncpg", "postgresql"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    connection = await asyncio.wait_for(asyncpg.connect(admin), timeout=10)
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await connection.execute(f'CREATE DATABASE "{name.replace(chr(34), "")}"')
        return True
    finally:
        await connection.close()


async def fresh_database(url: str, marker: str) -> str:
    """An empty database for this benchmark: "created", "recreated" or "kept" (not ours: used as it is).

    Only a database carrying `marker` as its comment, which this function wrote when it created it,
    is ever dropped; one made by anybody else is left alone.
    """
    import asyncpg

    parts = urlsplit(url.replace("postgresql+asyncpg", "postgresql"))
    name = parts.path.lstrip("/")
    quoted = '"' + name.replace('"', "") + '"'
    connection = await asyncio.wait_for(asyncpg.connect(parts._replace(path="/postgres").geturl()), timeout=10)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            comment = await connection.fetchval(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name
            )
            if comment != marker:
                return "kept"
            try:
                await connection.execute(f"DROP DATABASE {quoted}")
            except asyncpg.ObjectInUseError as error:
                raise BenchError(f"cannot recreate {name}: still in use ({error}); is an earlier run alive?") from error
        await connection.execute(f"CREATE DATABASE {quoted}")
        await connection.execute(f"COMMENT ON DATABASE {quoted} IS '{marker.replace(chr(39), '')}'")
        return "recreated" if exists else "created"
    finally:
        await connection.close()


async def count_products(url: str) -> int:
    import asyncpg

    connection = await asyncio.wait_for(asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql")), timeout=10)
    try:
        if not await connection.fetchval("SELECT to_regclass('public.products') IS NOT NULL"):
            return 0
        return int(await connection.fetchval("SELECT count(*) FROM products"))
    finally:
        await connection.close()


async def pg_sessions(url: str) -> int | None:
    """Sessions ever opened to the benchmark's database (pg_stat_database.sessions, PostgreSQL 14+)."""
    import asyncpg

    parts = urlsplit(url.replace("postgresql+asyncpg", "postgresql"))
    connection = await asyncio.wait_for(asyncpg.connect(parts._replace(path="/postgres").geturl()), timeout=10)
    try:
        value = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", parts.path.lstrip("/")
        )
        return None if value is None else int(value)
    except asyncpg.PostgresError:
        return None
    finally:
        await connection.close()


async def analyze(url: str) -> dict[str, Any]:
    """ANALYZE the catalog tables (a fresh bulk load has no statistics yet); what was there before."""
    import asyncpg

    connection = await asyncio.wait_for(asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql")), timeout=10)
    try:
        row = await connection.fetchrow(
            "SELECT n_live_tup, last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname = 'products'"
        )
        started = time.perf_counter()
        await connection.execute("ANALYZE products, variants, stores, categories", timeout=600)
        return {
            "products_analyzed_before": bool(row and (row["last_analyze"] or row["last_autoanalyze"])),
            "analyze_seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        await connection.close()


async def drop_redis_prefix(url: str, prefix: str) -> int:
    """Delete this run's keys (and only them: every key starts with the run's unique prefix)."""
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    deleted, cursor = 0, 0
    try:
        for _ in range(10_000):
            cursor, keys = await client.scan(cursor=cursor, match=prefix + "*", count=1000)
            if keys:
                deleted += await client.delete(*keys)
            if cursor == 0:
                break
    finally:
        await client.aclose()
    return deleted


def run_cli(args: list[str], env: dict[str, str], timeout: float, log: IO[str]) -> float:
    """Run a `marketplace` command to completion; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run([marketplace_cli(), *args], env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode != 0:
        raise BenchError(f"`marketplace {' '.join(args)}` exited with {done.returncode} (see {log.name})")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A `marketplace serve` process group this benchmark started (and alone stops)."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only our server and its workers
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


async def start_server(env: dict[str, str], workers: int, log_path: Path, extra: list[str], timeout: float) -> Server:
    """Start the server on a free loopback port and wait (bounded) until /health/ready answers 200."""
    port = free_port()
    args = [marketplace_cli(), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers), *extra]
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, port, log_path)
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout * 10) + 1):
        if process.poll() is not None:
            raise ServerFailed(f"the server exited with {process.returncode}:\n{server.tail()}")
        try:
            status, _ = await fetch(port, "/health/ready", timeout=5)
            if status == 200:
                return server
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    server.stop()
    raise ServerFailed(f"the server was not ready within {timeout:.0f} s:\n{server.tail()}")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state onwards (the name may hold spaces)


def _all_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        fields = _stat(pid)
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return sorted(found)


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(root: int) -> dict[str, Any]:
    """VmRSS and VmHWM (peak) per process of the server's tree, and the sums, in MiB."""
    rows: list[dict[str, Any]] = []
    for pid in descendants(root):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        rows.append(
            {
                "pid": pid,
                "role": "main" if pid == root else "child",
                "cmd": cmdline[:120],
                "rss_mib": round(_status_kib(pid, "VmRSS") / 1024, 1),
                "peak_mib": round(_status_kib(pid, "VmHWM") / 1024, 1),
            }
        )
    return {"processes": rows, "total_rss_mib": round(sum(r["rss_mib"] for r in rows), 1)}


def pids_named(*names: str) -> list[int]:
    found = []
    for pid in _all_pids():
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() in names:
                found.append(pid)
        except OSError:
            continue
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process still alive, plus what its reaped children used (cutime + cstime).

    Short-lived processes (PostgreSQL backends of churned connections, parallel workers) end within a
    phase; their time then shows up in their parent's children counters.
    """
    readings = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            readings[pid] = sum(int(value) for value in fields[11:15]) / CLK_TCK
    return readings


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


async def wait_for_quiet(max_wait: float, busy_below: float) -> float:
    """Wait at most `max_wait` s for a second in which the machine is busy below `busy_below` % of a core.

    Other work on a shared box skews every figure; the reading is reported beside the phase.
    """
    deadline = time.monotonic() + max_wait
    for _ in range(int(max_wait) + 1):
        before = machine_busy_seconds()[0]
        await asyncio.sleep(1.0)
        busy = (machine_busy_seconds()[0] - before) * 100
        if busy < busy_below or time.monotonic() >= deadline:
            break
    return round(busy, 1)
