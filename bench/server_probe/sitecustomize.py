"""Benchmark-only server probe: GC pauses per generation (BENCH_GC_PROBE_DIR) and opt-in tuning experiments."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

_DIR = os.environ.get("BENCH_GC_PROBE_DIR")


def _install(directory: Path) -> None:
    stats = {g: {"collections": 0, "total_ms": 0.0, "max_ms": 0.0, "over_5ms": 0, "over_20ms": 0} for g in (0, 1, 2)}
    started: list[float] = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        pause = (time.perf_counter() - started[0]) * 1000
        entry = stats[info["generation"]]
        entry["collections"] += 1
        entry["total_ms"] += pause
        entry["max_ms"] = max(entry["max_ms"], pause)
        entry["over_5ms"] += pause > 5
        entry["over_20ms"] += pause > 20

    def dump() -> None:
        path = directory / f"gc-{os.getpid()}.json"
        for _ in range(1_000_000):  # bounded: about 6 days at one write every 0.5 s
            time.sleep(0.5)
            snapshot = {
                "pid": os.getpid(),
                "thresholds": gc.get_threshold(),
                "frozen": gc.get_freeze_count(),
                "tracked_objects": len(gc.get_objects()) if os.environ.get("BENCH_GC_COUNT") else None,
                "generations": {str(g): {k: round(v, 3) for k, v in s.items()} for g, s in stats.items()},
            }
            path.write_text(json.dumps(snapshot))

    threshold = os.environ.get("BENCH_GC_THRESHOLD")
    if threshold:  # an experiment: e.g. "50000,20,100"
        gc.set_threshold(*(int(part) for part in threshold.split(",")))
    freeze_after = float(os.environ.get("BENCH_GC_FREEZE_AFTER", "0") or 0)

    def freeze_later() -> None:
        time.sleep(freeze_after)
        gc.collect()
        gc.freeze()

    def start_threads() -> None:
        # Threads do not survive fork (granian forks its workers): start them again in each child.
        for entry in stats.values():
            entry.update(collections=0, total_ms=0.0, max_ms=0.0, over_5ms=0, over_20ms=0)
        if freeze_after > 0:  # an experiment: move start-up objects out of the collector's reach
            threading.Thread(target=freeze_later, daemon=True).start()
        threading.Thread(target=dump, daemon=True, name="bench-gc-probe").start()

    gc.callbacks.append(callback)
    os.register_at_fork(after_in_child=start_threads)
    start_threads()


def _pool_experiment(setting: str) -> None:
    """BENCH_POOL="size,overflow": the SQL engine's pool for PostgreSQL, without touching the app's code."""
    import sqlalchemy.ext.asyncio as sa_async

    size, overflow = (int(part) for part in setting.split(","))
    original = sa_async.create_async_engine

    def create_async_engine(url: Any, **options: Any) -> Any:
        if str(url).startswith("postgresql"):
            options.update(pool_size=size, max_overflow=overflow)
        return original(url, **options)

    sa_async.create_async_engine = create_async_engine


if _DIR:
    _install(Path(_DIR))
if os.environ.get("BENCH_POOL"):
    _pool_experiment(os.environ["BENCH_POOL"])
