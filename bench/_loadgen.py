"""A bounded HTTP/1.1 keep-alive load generator on raw asyncio streams, loopback only."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = "127.0.0.1"
_CONTENT_LENGTH = b"\r\ncontent-length:"
_CHUNKED = b"transfer-encoding: chunked"
_NO_BODY = (204, 304)


class ResponseError(Exception):
    """The server answered something this client cannot frame."""


TRANSPORT_FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ResponseError, ValueError)


def encode_request(
    method: str,
    path: str,
    port: int,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    agent: str = "catalog-load/1",
) -> bytes:
    """A complete HTTP/1.1 request; a body is sent as JSON with its Content-Length."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {LOOPBACK}:{port}",
        f"User-Agent: {agent}",
        "Accept: application/json",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append("Content-Type: application/json")
    if body or method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def request_bytes(path: str, port: int) -> bytes:
    """A complete GET request, encoded once so the hot path only writes bytes."""
    return encode_request("GET", path, port)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server keeps the connection open, for one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        raise ResponseError(f"not an HTTP/1.x status line: {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    keep_alive = b"\r\nconnection: close" not in lower
    start = lower.find(_CONTENT_LENGTH)
    if status in _NO_BODY or status < 200:
        body = b""  # 204 and 304 have no body and need no length: reading to the close would wait for a timeout
    elif start >= 0:
        end = lower.index(b"\r\n", start + 2)
        body = await reader.readexactly(int(head[start + len(_CONTENT_LENGTH) : end]))
    elif _CHUNKED in lower:
        body = await _read_chunked(reader)
    else:
        body, keep_alive = await reader.read(), False
    return status, body, keep_alive


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    for _ in range(100_000):  # bounded: a sane body has far fewer chunks
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers expected: the blank line ends the body
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    raise ResponseError("too many chunks")


async def fetch(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET on a fresh connection (setup and /metrics reads, not the measured path)."""
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            writer.write(request_bytes(path, port))
            status, body, _ = await read_response(reader)
            return status, body
        finally:
            writer.close()


class Connection:
    """One keep-alive connection for requests built on the fly (POSTs with per-request headers).

    It (re)connects when needed: after the server closed it, after a failed exchange (whose error
    propagates, so the caller counts it), and after `max_idle` seconds unused: granian closes a
    connection that sends no request for 30 s (its HTTP/1 header read timeout), and a request
    written just then would fail.
    """

    def __init__(self, port: int, max_idle: float = 10.0) -> None:
        self.port, self.max_idle = port, max_idle
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._used = 0.0

    async def open(self) -> None:
        if self._streams is not None and time.monotonic() - self._used > self.max_idle:
            self.close()
        if self._streams is None:
            self._streams = await asyncio.open_connection(LOOPBACK, self.port)
            self._used = time.monotonic()

    async def exchange(self, payload: bytes) -> tuple[int, bytes]:
        await self.open()
        assert self._streams is not None
        reader, writer = self._streams
        try:
            writer.write(payload)
            status, body, keep_alive = await read_response(reader)
        except BaseException:
            self.close()
            raise
        self._used = time.monotonic()
        if not keep_alive:
            self.close()
        return status, body

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


@dataclass
class PhaseResult:
    """Every figure of one measured phase."""

    name: str
    connections: int
    seconds: float = 0.0
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    bytes_total: int = 0
    per_second: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    paths: list[str] = field(default_factory=list)
    path_seconds: list[float] = field(default_factory=list)
    path_counts: list[int] = field(default_factory=list)
    ok_status: int = 200  # what a successful answer is (201 for creates)

    def record(self, status: int, latency: float, size: int, second: int) -> None:
        """One exchange, for loops other than the round-robin one below (a single path)."""
        self.requests += 1
        self.latencies.append(latency)
        self.statuses[status] += 1
        self.bytes_total += size
        self.per_second[second] += 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        errors = sum(count for status, count in self.statuses.items() if status != self.ok_status)
        seconds = [self.per_second[s] for s in range(int(self.seconds))] or [0]
        return {
            "name": self.name,
            "connections": self.connections,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": _ms(_percentile(ordered, 50)),
            "p90_ms": _ms(_percentile(ordered, 90)),
            "p95_ms": _ms(_percentile(ordered, 95)),
            "p99_ms": _ms(_percentile(ordered, 99)),
            "max_ms": _ms(ordered[-1] if ordered else 0.0),
            "mean_ms": _ms(sum(ordered) / len(ordered) if ordered else 0.0),
            "errors": errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": dict(self.failures),
            "mean_bytes": round(self.bytes_total / self.requests, 1) if self.requests else 0.0,
            "rps_per_second": {"min": min(seconds), "median": sorted(seconds)[len(seconds) // 2], "max": max(seconds)},
            "slowest_paths": self.slowest(5),
        }

    def slowest(self, count: int) -> list[dict[str, Any]]:
        """The paths with the highest mean latency (for the search mix: the expensive queries)."""
        means = [(s / n, p, n) for p, s, n in zip(self.paths, self.path_seconds, self.path_counts, strict=True) if n]
        return [{"path": p, "mean_ms": _ms(m), "requests": n} for m, p, n in sorted(means, reverse=True)[:count]]


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentile_ms(seconds: list[float], pct: float) -> float:
    """The `pct` percentile of durations in seconds, in ms (nearest rank, as the phase summaries)."""
    return _ms(_percentile(sorted(seconds), pct))


@dataclass
class _Budget:
    remaining: int
    deadline: float


async def _open(port: int, count: int) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    async with asyncio.timeout(15):
        return list(await asyncio.gather(*(asyncio.open_connection(LOOPBACK, port) for _ in range(count))))


async def _worker(
    stream: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    port: int,
    requests: list[bytes],
    offset: int,
    budget: _Budget,
    result: PhaseResult | None,
    started: float,
) -> None:
    """One connection: request after request until the count or the time budget runs out."""
    reader, writer = stream
    clock, index, count = time.perf_counter, offset, len(requests)
    try:
        while budget.remaining > 0 and clock() < budget.deadline:
            budget.remaining -= 1
            slot = index % count
            payload = requests[slot]
            index += 1
            sent = clock()
            try:
                writer.write(payload)
                status, body, keep_alive = await read_response(reader)
            except TRANSPORT_FAILURES as error:
                status, body, keep_alive = 0, b"", False
                if result is not None:
                    result.failures[type(error).__name__] += 1
            done = clock()
            if result is not None:
                result.requests += 1
                result.latencies.append(done - sent)
                result.path_seconds[slot] += done - sent
                result.path_counts[slot] += 1
                result.statuses[status] += 1
                result.bytes_total += len(body)
                result.per_second[int(done - started)] += 1
            if not keep_alive:
                writer.close()
                reader, writer = await asyncio.open_connection(LOOPBACK, port)
    finally:
        writer.close()


async def run_phase(
    name: str,
    port: int,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    record: bool = True,
    grace: float = 10.0,
) -> PhaseResult:
    """Drive `paths` round-robin over `connections` keep-alive connections for at most `seconds`."""
    requests = [request_bytes(path, port) for path in paths]
    streams = await _open(port, connections)
    result = PhaseResult(
        name, connections, paths=list(paths), path_seconds=[0.0] * len(paths), path_counts=[0] * len(paths)
    )
    started = time.perf_counter()
    budget = _Budget(max_requests, started + seconds)
    tasks = [
        asyncio.create_task(
            _worker(s, port, requests, i * len(requests) // connections, budget, result if record else None, started)
        )
        for i, s in enumerate(streams)
    ]
    # In-flight requests may finish after the deadline; none may run past the grace period.
    finished, pending = await asyncio.wait(tasks, timeout=seconds + grace)
    for task in pending:
        task.cancel()
        result.failures["cancelled_after_grace"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    for task in finished:
        if task.exception() is not None:
            result.failures[type(task.exception()).__name__] += 1
    result.seconds = time.perf_counter() - started
    return result
