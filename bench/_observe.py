"""What the benchmark reads while it runs: /metrics of every worker, and CPU time by component."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _infra import cpu_seconds, descendants, machine_busy_seconds, pids_named
from _loadgen import fetch

_SAMPLE = re.compile(r"^(\w+)\{(.*)\} ([0-9.eE+-]+)$")  # label values may hold braces (route templates)
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass
class MetricsReading:
    """The counters of one server process (or the sum over several)."""

    hits: int = 0
    misses: int = 0
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # "GET route status" -> n
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # "GET route" -> sum
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # "GET route" -> n

    def identity(self) -> tuple[Any, ...]:
        """What tells one worker's counters from another's (the /metrics requests themselves aside)."""
        return (self.hits, self.misses, tuple(sorted((k, v) for k, v in self.requests.items() if "/metrics" not in k)))

    def plus(self, other: MetricsReading, sign: int = 1) -> MetricsReading:
        total = MetricsReading(self.hits + sign * other.hits, self.misses + sign * other.misses)
        for key in set(self.requests) | set(other.requests):
            total.requests[key] = self.requests.get(key, 0) + sign * other.requests.get(key, 0)
        for key in set(self.counts) | set(other.counts):
            total.counts[key] = self.counts.get(key, 0) + sign * other.counts.get(key, 0)
        for key in set(self.seconds) | set(other.seconds):
            total.seconds[key] = self.seconds.get(key, 0.0) + sign * other.seconds.get(key, 0.0)
        return total

    def hit_ratio(self) -> float | None:
        reads = self.hits + self.misses
        return round(self.hits / reads, 4) if reads else None

    def server_mean_ms(self, route_prefix: str) -> float | None:
        """Mean time the app took (its own histogram) for the routes starting with `route_prefix`."""
        keys = [k for k in self.counts if k.split(" ", 1)[1].rstrip("/") == route_prefix.rstrip("/")]
        count = sum(self.counts[k] for k in keys)
        return round(sum(self.seconds[k] for k in keys) / count * 1000, 3) if count else None


def parse_metrics(text: str) -> MetricsReading:
    reading = MetricsReading()
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None:
            continue
        name, labels, value = match.group(1), dict(_LABEL.findall(match.group(2))), float(match.group(3))
        if name == "catalog_cache_reads_total":
            if labels.get("outcome") == "hit":
                reading.hits = int(value)
            elif labels.get("outcome") == "miss":
                reading.misses = int(value)
        elif name == "http_requests_total":
            reading.requests[f"{labels['method']} {labels['route']} {labels['status']}"] = int(value)
        elif name == "http_request_duration_seconds_sum":
            reading.seconds[f"{labels['method']} {labels['route']}"] = value
        elif name == "http_request_duration_seconds_count":
            reading.counts[f"{labels['method']} {labels['route']}"] = int(value)
    return reading


async def read_all_workers(port: int, workers: int, rounds: int = 10) -> tuple[MetricsReading, int]:
    """The counters summed over every worker, and how many distinct workers answered.

    Each process keeps its own counters and any connection may land on any worker, so /metrics is
    read over several simultaneous fresh connections while the server is idle; distinct readings
    are distinct workers.
    """
    seen: dict[tuple[Any, ...], MetricsReading] = {}
    for _ in range(rounds):
        answers = await asyncio.gather(
            *(fetch(port, "/metrics") for _ in range(max(2, 3 * workers))), return_exceptions=True
        )
        for answer in answers:
            if isinstance(answer, tuple) and answer[0] == 200:
                reading = parse_metrics(answer[1].decode())
                seen[reading.identity()] = reading
        if len(seen) >= workers:
            break
    total = MetricsReading()
    for reading in seen.values():
        total = total.plus(reading)
    return total, len(seen)


class CpuMeter:
    """CPU seconds of the server tree, PostgreSQL, Redis and this load generator over one phase."""

    def __init__(self, server_root: int) -> None:
        self.server_root = server_root
        self._start: dict[str, dict[int, float]] = {}
        self._machine: tuple[float, float] = (0.0, 0.0)
        self._wall = 0.0

    def _groups(self) -> dict[str, list[int]]:
        return {
            "server": descendants(self.server_root),
            "postgres": pids_named("postgres"),
            "redis": pids_named("redis-server"),
            "loadgen": [os.getpid()],
        }

    def start(self) -> None:
        self._start = {name: cpu_seconds(pids) for name, pids in self._groups().items()}
        self._machine, self._wall = machine_busy_seconds(), time.monotonic()

    def stop(self) -> dict[str, Any]:
        wall = time.monotonic() - self._wall
        busy, total = machine_busy_seconds()
        used: dict[str, float] = {}
        for name, pids in self._groups().items():
            now, before = cpu_seconds(pids), self._start.get(name, {})
            used[name] = sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())
        machine = busy - self._machine[0]
        percent = {name: round(100 * seconds / wall, 1) for name, seconds in used.items()}
        percent["machine_busy"] = round(100 * machine / wall, 1)
        percent["other"] = round(percent["machine_busy"] - sum(v for k, v in percent.items() if k != "machine_busy"), 1)
        cores = (total - self._machine[1]) / wall if wall else 0.0
        return {"wall_s": round(wall, 2), "cores": round(cores, 2), "percent_of_one_core": percent}


def gc_readings(directory: Path, server_root: int) -> dict[int, dict[str, Any]]:
    """The GC probe's counters of each server process (bench/server_probe), when it runs."""
    readings = {}
    for pid in descendants(server_root):
        try:
            readings[pid] = json.loads((directory / f"gc-{pid}.json").read_text())["generations"]
        except (OSError, ValueError, KeyError):
            continue
    return readings


def gc_delta(before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Collections and pause time per generation during the phase, per process (max: since start)."""
    result: dict[str, Any] = {}
    for pid, generations in after.items():
        old = before.get(pid, {})
        result[str(pid)] = {
            gen: {
                key: round(value - old.get(gen, {}).get(key, 0), 3) if key != "max_ms" else value
                for key, value in numbers.items()
            }
            for gen, numbers in generations.items()
        }
    return result
