"""Catalog load benchmark: seed PostgreSQL, serve, drive search / first page / liveness, cache on and off."""

from __future__ import annotations

import argparse
import functools
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from _common import run_main, server_environment
from _infra import (
    analyze,
    count_products,
    drop_redis_prefix,
    ensure_database,
    memory,
    require_loopback,
    run_cli,
    start_server,
    wait_for_quiet,
)
from _observe import MetricsReading
from _options import EXIT_SETUP_FAILED, HERE, parse_args
from _probe import PhaseProbe
from _report import census_text, plan_text, profile_text, table, write_json
from _workloads import (
    PLAIN,
    TRIVIAL,
    build_queries,
    check_queries,
    demo_word_categories,
    detail_paths,
    discover,
    query_fields,
)
from _wrk import WRK_HINT, drive, load_tool


def base_environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """The server's environment (see `_common.server_environment`) for this run's backend."""
    if args.memory:
        return server_environment(data_dir=data_dir, MARKETPLACE_BACKEND="memory")
    # the seed bumps a key: a prefix of its own, deleted after it
    prefix = f"bench-setup-{secrets.token_hex(6)}:"
    return server_environment(
        data_dir=data_dir, database_url=args.database_url, redis_url=args.redis_url, MARKETPLACE_REDIS_PREFIX=prefix
    )


def probe_environment(args: argparse.Namespace) -> dict[str, str]:
    """For the server only: bench/server_probe/sitecustomize.py records GC pauses and applies experiments."""
    if not (args.gc_probe or args.gc_threshold or args.gc_freeze_after or args.pool):
        return {}
    return {
        "PYTHONPATH": str(HERE / "server_probe"),
        "BENCH_GC_PROBE_DIR": str(args.logs / "gc"),
        "BENCH_GC_THRESHOLD": args.gc_threshold,
        "BENCH_GC_FREEZE_AFTER": str(args.gc_freeze_after),
        "BENCH_POOL": args.pool,
    }


async def prepare_database(args: argparse.Namespace, env: dict[str, str], logs: Path) -> dict[str, Any]:
    require_loopback(args.database_url, "--database-url")
    require_loopback(args.redis_url, "--redis-url")
    info: dict[str, Any] = {"database_created": await ensure_database(args.database_url)}
    with (logs / "migrate.log").open("w") as log:
        info["migrate_seconds"] = round(run_cli(["migrate"], env, 600, log), 2)
    info["products_before"] = await count_products(args.database_url)
    missing = args.products - info["products_before"]
    info["seed_seconds"] = None
    if missing > 0 and not args.skip_seed:
        print(f"Seeding {missing:,} products in {args.stores} stores ...", file=sys.stderr, flush=True)
        with (logs / "seed.log").open("w") as log:
            seconds = run_cli(
                ["seed", "--stores", str(args.stores), "--products", str(missing)], env, args.seed_timeout, log
            )
        info.update(seed_seconds=round(seconds, 1), seeded=missing, seed_products_per_s=round(missing / seconds))
    await drop_redis_prefix(args.redis_url, env["MARKETPLACE_REDIS_PREFIX"])
    info["products"] = await count_products(args.database_url)
    info.update(await analyze(args.database_url))
    return info


async def measure_workload(
    args: argparse.Namespace, port: int, pid: int, workers: int, name: str, paths: list[str]
) -> dict[str, Any]:
    """Warm up, then one measured phase with the server's counters, CPU, GC and sessions read around it."""
    busy_before = await wait_for_quiet(args.quiet_wait, args.quiet_below)
    load = functools.partial(
        drive, name, port, paths, connections=args.connections, max_requests=args.max_requests, tool=args.tool
    )
    if args.warmup > 0:
        await load(seconds=args.warmup, record=False)
    probe = PhaseProbe(
        port=port,
        root_pid=pid,
        workers=workers,
        logs=args.logs,
        database_url=None if args.memory else args.database_url,
        profile=args.profile and name != "trivial",
    )
    await probe.start(name, args.seconds)
    summary = await load(seconds=args.seconds)
    summary.update(await probe.stop(paths[0].split("?")[0]))
    summary.update(machine_busy_before_pct=busy_before, distinct_paths=len(set(paths)))
    print(
        f"  {name:<11} {summary['rps']:>8,.0f} req/s  p99 {summary['p99_ms']:.1f} ms  errors {summary['errors']}",
        file=sys.stderr,
        flush=True,
    )
    return summary


async def measure_mode(
    args: argparse.Namespace, env: dict[str, str], workers: int, cache: str, logs: Path, state: dict[str, Any]
) -> dict[str, Any]:
    prefix = f"bench-{secrets.token_hex(6)}:"
    mode_env = {
        **env,
        **probe_environment(args),
        "MARKETPLACE_CATALOG_CACHE": "true" if cache == "cached" else "false",
        "MARKETPLACE_REDIS_PREFIX": prefix,
    }
    extra = ["--no-worker"] if args.no_worker else []
    print(f"{workers} worker(s), cache {cache}: starting the server ...", file=sys.stderr, flush=True)
    server = await start_server(mode_env, workers, logs / f"serve-{workers}w-{cache}.log", extra, args.ready_timeout)
    mode: dict[str, Any] = {"cache": cache, "port": server.port, "redis_prefix": prefix, "memory": {}}
    try:
        mode["memory"]["after_ready"] = memory(server.process.pid)
        if "queries" not in state:
            state["categories"] = await discover(server.port, allow_empty=args.memory) or demo_word_categories()
            state["queries"] = build_queries(state["categories"])
            state["query_check"] = await check_queries(server.port, state["queries"])
            state["details"] = await detail_paths(server.port)
        workloads = {
            "search": state["queries"],
            "first_page": [PLAIN],
            "detail": state["details"],
            "trivial": [TRIVIAL],
        }
        mode["phases"] = [
            await measure_workload(args, server.port, server.process.pid, workers, name, workloads[name])
            for name in args.phase_list
            if workloads[name]
        ]
        mode["memory"]["after_load"] = memory(server.process.pid)
        hits = sum(p["cache_hits"] for p in mode["phases"])
        misses = sum(p["cache_misses"] for p in mode["phases"])
        mode.update(
            cache_hits=hits,
            cache_misses=misses,
            hit_ratio=MetricsReading(hits, misses).hit_ratio(),
            workers_read=min(p["workers_read"] for p in mode["phases"]),
        )
    finally:
        server.stop()
        if not args.memory:
            mode["redis_keys_deleted"] = await drop_redis_prefix(args.redis_url, prefix)
    return mode


def pick_explained(queries: list[str], census: dict[str, Any] | None) -> list[dict[str, str]]:
    """A search with text, category, price range and relevance order; a text-only one; the costliest one."""
    fields = [query_fields(q) for q in queries]
    full = next(
        (f for f in fields if {"category", "q"} <= f.keys() and "min_price" in f and f["sort"] == "relevance"),
        fields[0],
    )
    text_only = next((f for f in fields if f.keys() == {"q", "sort", "limit"} and f["sort"] == "relevance"), None)
    costliest = [query_fields(census["most_expensive"][0]["path"])] if census and census["most_expensive"] else []
    picked = [full] + ([text_only] if text_only else []) + costliest
    return [f for i, f in enumerate(picked) if f not in picked[:i]]


async def plan_section(args: argparse.Namespace, state: dict[str, Any]) -> dict[str, Any]:
    """What each search costs PostgreSQL alone (all 50), and full plans of a representative few."""
    from _plan import census, explain_searches

    section: dict[str, Any] = {}
    try:
        section["census"] = await census(args.database_url, state["queries"], state["categories"])
    except Exception as error:  # noqa: BLE001 - the load figures stand without it; say why
        section["census"] = {"error": f"{type(error).__name__}: {error}"}
    picked = pick_explained(state["queries"], section["census"] if "each" in section["census"] else None)
    try:
        section["plans"] = await explain_searches(args.database_url, picked, state["categories"])
    except Exception as error:  # noqa: BLE001
        section["plans"] = [{"error": f"{type(error).__name__}: {error}", "fields": picked}]
    return section


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = args.results_dir / f"logs-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    args.logs = logs
    env = base_environment(args, logs / "var")
    (logs / "gc").mkdir(exist_ok=True)
    report: dict[str, Any] = {
        "stamp": stamp,
        "host_cpus": os.cpu_count(),
        "backend": "memory" if args.memory else "postgresql",
        "settings": {k: v for k, v in vars(args).items() if k not in ("results_dir",)},
        "logs": str(logs),
        "runs": [],
    }
    if not args.memory:
        report["database"] = await prepare_database(args, env, logs)
    state: dict[str, Any] = {}
    for workers in args.worker_counts:
        run_report = {"workers": workers, "modes": []}
        report["runs"].append(run_report)
        for cache in args.mode_list:
            run_report["modes"].append(await measure_mode(args, env, workers, cache, logs, state))
    report.update(queries=state.get("queries", []), query_check=state.get("query_check"))
    if not args.memory and not args.no_plan and state.get("queries"):
        report.update(await plan_section(args, state))
    report["json"] = str(write_json(report, args.results_dir, stamp))
    return report


def show(report: dict[str, Any]) -> None:
    if "database" in report:
        print(f"Database: {report['database']}")
    print(f"Search queries: {len(report['queries'])} distinct; check {report['query_check']}")
    print(table(report))
    print(profile_text(report))
    if report.get("census"):
        print(census_text(report["census"]))
    for plan in report.get("plans", []):
        print()
        print(plan_text(plan))
    print(f"\nJSON: {report['json']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.tool = load_tool(prefer_python=args.loader == "python")
    if args.loader == "wrk" and args.tool != "wrk":
        print(f"catalog_load: --loader wrk but wrk is not installed: {WRK_HINT}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    return run_main("catalog_load", lambda: run(args), show, uvloop=not args.no_uvloop)


if __name__ == "__main__":
    sys.exit(main())
