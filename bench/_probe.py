"""Everything read around one measured phase: /metrics, CPU, GC pauses, PostgreSQL sessions, a profile."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import _profile
from _infra import pg_sessions
from _observe import CpuMeter, MetricsReading, gc_delta, gc_readings, read_all_workers


class PhaseProbe:
    """Readings taken just before and just after a measured phase, turned into that phase's figures."""

    def __init__(
        self, *, port: int, root_pid: int, workers: int, logs: Path, database_url: str | None, profile: bool
    ) -> None:
        self.port, self.root_pid, self.workers, self.logs = port, root_pid, workers, logs
        self.database_url, self.profile = database_url, profile
        self.meter = CpuMeter(root_pid)
        self._metrics = MetricsReading()
        self._gc: dict[int, dict[str, Any]] = {}
        self._sessions: int | None = None
        self._sampler: Any = None
        self._profile_out = logs

    async def start(self, name: str, seconds: float) -> None:
        self._metrics, _ = await read_all_workers(self.port, self.workers)
        self._gc = gc_readings(self.logs / "gc", self.root_pid)
        self._sessions = await pg_sessions(self.database_url) if self.database_url else None
        if self.profile:
            self._profile_out = self.logs / f"profile-{time.strftime('%H%M%S')}-{self.workers}w-{name}.txt"
            self._sampler = await _profile.start(_profile.first_worker(self.root_pid), seconds, self._profile_out)
        self.meter.start()

    async def stop(self, route: str) -> dict[str, Any]:
        cpu = self.meter.stop()
        figures: dict[str, Any] = {"cpu": cpu}
        if self.profile:
            figures["profile"] = await _profile.finish(self._sampler, self._profile_out, 30)
        if self.database_url:
            after = await pg_sessions(self.database_url)
            figures["pg_sessions_opened"] = None if after is None or self._sessions is None else after - self._sessions
        if self._gc:
            await asyncio.sleep(0.7)  # the probe writes its counters every 0.5 s
            figures["gc"] = gc_delta(self._gc, gc_readings(self.logs / "gc", self.root_pid))
        metrics, seen = await read_all_workers(self.port, self.workers)
        delta = metrics.plus(self._metrics, -1)
        figures.update(
            cache_hits=delta.hits,
            cache_misses=delta.misses,
            hit_ratio=delta.hit_ratio(),
            server_mean_ms=delta.server_mean_ms(route),
            workers_read=seen,
        )
        return figures
