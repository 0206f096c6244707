"""Every benchmark in bench/ runs once on a tiny size, so the scripts cannot rot unnoticed.

Each run starts its own server on 127.0.0.1, drives a few requests and must complete with exit status
0 (its own checks held) and a JSON report. The catalog's HTTP load goes through wrk (the Debian
package `wrk`), and once through the Python fallback, which needs nothing installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import IN_CI, _run

BENCH = Path(__file__).resolve().parents[2] / "bench"
pytestmark = pytest.mark.slow


def _bench(script: str, results: Path, *args: str) -> dict[str, Any]:
    """Runs bench/<script> with `args`; its JSON report once it exited 0."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH.parent / "src"), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--results-dir", str(results), *args],
        cwd=BENCH,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{script} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    reports = sorted(results.glob("*.json"))
    assert reports, f"{script} wrote no JSON report"
    return json.loads(reports[-1].read_text())


@pytest.fixture
def wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        hint = "wrk is not installed: apt-get install -y wrk (Debian/Ubuntu package `wrk`)"
        if IN_CI:
            pytest.fail(f"{hint}; under CI=true it is required (scripts/ensure-services installs it as root)")
        pytest.skip(hint)
    return path


@pytest.fixture
def bench_database(postgres_url: str) -> Iterator[str]:
    """A database name of the benchmark's own on the test server (it creates and marks it), dropped after."""
    parts = urlsplit(postgres_url)
    if parts.hostname != "127.0.0.1":
        pytest.skip("the benchmarks run on 127.0.0.1 only; the test PostgreSQL is elsewhere")
    name = f"marketplace_bench_smoke_{uuid.uuid4().hex[:10]}"
    yield urlunsplit(parts._replace(path=f"/{name}"))
    _run(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _phases(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{m['cache']}/{p['name']}": p for run in report["runs"] for m in run["modes"] for p in m["phases"]}


def _catalog(tmp_path: Path, loader: str) -> dict[str, dict[str, Any]]:
    report = _bench(
        "catalog_load.py",
        tmp_path,
        *("--memory", "--loader", loader, "--seconds", "1", "--warmup", "0", "--connections", "2"),
        *("--max-requests", "50", "--modes", "cached,uncached"),
    )
    return _phases(report)


def test_the_catalog_benchmark_runs_its_http_loads_with_wrk(tmp_path: Path, wrk: str) -> None:
    phases = _catalog(tmp_path, "wrk")
    assert set(phases) == {f"{m}/{w}" for m in ("cached", "uncached") for w in ("search", "first_page", "trivial")}
    for phase in phases.values():
        assert phase["tool"] == "wrk" and phase["requests"] > 0 and phase["errors"] == 0, phase


def test_the_catalog_benchmark_runs_with_the_python_fallback(tmp_path: Path) -> None:
    phases = _catalog(tmp_path, "python")
    for phase in phases.values():
        assert phase["tool"] == "python" and 0 < phase["requests"] <= 50 and phase["errors"] == 0, phase


def test_the_checkout_benchmark_runs_and_its_checks_hold(tmp_path: Path, bench_database: str, redis_url: str) -> None:
    report = _bench(
        "checkout_load.py",
        tmp_path,
        *("--database-url", bench_database, "--redis-url", redis_url, "--buyers", "4", "--connections", "2"),
        *("--stores", "2", "--seconds", "1", "--warmup", "0", "--small-stock", "2", "--max-requests", "20"),
    )
    assert report["failed_checks"] == []
    assert report["runs"], "no worker count was measured"


def test_the_shipping_benchmark_runs_on_the_embedded_default(tmp_path: Path) -> None:
    report = _bench(
        "shipping_load.py",
        tmp_path,
        *("--sqlite", "--orders", "3", "--buyers", "2", "--stores", "2", "--connections", "2", "--seconds", "30"),
    )
    assert report["failed_checks"] == []


def test_the_chat_benchmark_runs_on_the_embedded_default(tmp_path: Path) -> None:
    report = _bench(
        "chat_load.py",
        tmp_path,
        *("--embedded", "--smoke", "--pairs", "2", "--rates", "10", "--seconds", "1", "--warmup", "0", "--drain", "3"),
    )
    assert report["failed_checks"] == []
    assert report["phases"] and all(p["errors"] == 0 for p in report["phases"])
