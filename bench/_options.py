"""Command-line options of the benchmarks (catalog_load.py, checkout_load.py) and their exit statuses."""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/marketplace_bench"
DEFAULT_CHECKOUT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/marketplace_bench_checkout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
EXIT_SERVER_FAILED, EXIT_SETUP_FAILED, EXIT_CHECK_FAILED = 3, 2, 4
CATALOG_PHASES = ("search", "first_page", "detail", "trivial")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="catalog_load.py", description="Catalog load benchmark on loopback: PostgreSQL, Redis, the served API."
    )
    add = parser.add_argument
    add("--database-url", default=DEFAULT_DB, help=f"PostgreSQL on 127.0.0.1 (default {DEFAULT_DB})")
    add("--redis-url", default=DEFAULT_REDIS, help=f"Redis on 127.0.0.1 (default {DEFAULT_REDIS})")
    add("--products", type=int, default=100_000, help="products the catalog must hold (default 100,000)")
    add("--stores", type=int, default=200, help="stores when seeding (default 200)")
    add("--skip-seed", action="store_true", help="never seed, measure whatever the database holds")
    add("--workers", default="1", help="server processes; a comma list runs each (default 1; e.g. 1,2)")
    add("--modes", default="cached,uncached", help="cache modes to measure (default cached,uncached)")
    add("--connections", type=int, default=50, help="concurrent keep-alive connections (default 50)")
    add("--phases", default=",".join(CATALOG_PHASES), help=f"workloads to run (default {','.join(CATALOG_PHASES)})")
    add("--seconds", type=float, default=15.0, help="measured seconds per workload (default 15)")
    add("--warmup", type=float, default=3.0, help="warm-up seconds per workload, not recorded (default 3)")
    add("--max-requests", type=int, default=500_000, help="request cap per phase (default 500,000)")
    add("--ready-timeout", type=float, default=90.0, help="seconds to wait for /health/ready (default 90)")
    add("--seed-timeout", type=float, default=3600.0, help="seconds the seed may take (default 3600)")
    add(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each workload wait up to this many seconds for the machine to go quiet (default 0)",
    )
    add("--quiet-below", type=float, default=40.0, help="'quiet': busy below this %% of one core (default 40)")
    add("--profile", action="store_true", help="py-spy one worker during the search and first-page phases")
    add("--gc-probe", action="store_true", help="record GC pauses in the server (bench/server_probe)")
    add("--gc-threshold", default="", help="experiment: gc.set_threshold in the server, e.g. 50000,20,100")
    add("--gc-freeze-after", type=float, default=0.0, help="experiment: gc.freeze() this many s after start")
    add("--pool", default="", help="experiment: the server's PostgreSQL pool as SIZE,OVERFLOW (default the app's)")
    add("--no-worker", action="store_true", help="pass --no-worker to serve (no background worker)")
    add("--no-plan", action="store_true", help="skip the EXPLAIN (ANALYZE, BUFFERS) of a search")
    add("--memory", action="store_true", help="smoke test on the in-memory backend: empty catalog, no database")
    add("--no-uvloop", action="store_true", help="run the Python load generator on the plain asyncio loop")
    add(
        "--loader",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="who sends the load: wrk (apt-get install -y wrk), the Python client, or auto: wrk when installed "
        "(default auto; wrk ignores --max-requests, its phases are bounded by time)",
    )
    add("--results-dir", type=Path, default=HERE / "results", help="where the JSON goes (default bench/results)")
    args = parser.parse_args(argv)
    args.worker_counts = worker_counts(parser, args.workers)
    args.mode_list = [m.strip() for m in args.modes.split(",") if m.strip() in ("cached", "uncached")]
    args.phase_list = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not args.phase_list or not set(args.phase_list) <= set(CATALOG_PHASES):
        parser.error(f"--phases takes some of {','.join(CATALOG_PHASES)}")
    if not args.worker_counts or not args.mode_list or min(args.worker_counts) < 1:
        parser.error("--workers needs numbers >= 1 and --modes cached and/or uncached")
    if args.connections < 1 or args.seconds <= 0 or args.max_requests < 1:
        parser.error("--connections, --seconds and --max-requests must be positive")
    return args


def worker_counts(parser: argparse.ArgumentParser, text: str) -> list[int]:
    """`--workers 1,2` as [1, 2]."""
    try:
        return [int(w) for w in text.split(",") if w.strip()]
    except ValueError:
        parser.error(f"--workers {text!r}: give numbers, e.g. 1 or 1,2")


CHECKOUT_WORKLOADS = ("hot", "spread", "contended")


def parse_checkout_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="checkout_load.py",
        description="Checkout benchmark on loopback: checkouts per second on PostgreSQL, one hot variant vs "
        "variants spread over stores, and a contended small-stock probe.",
    )
    add = parser.add_argument
    add(
        "--database-url",
        default=DEFAULT_CHECKOUT_DB,
        help=f"PostgreSQL on 127.0.0.1 (default {DEFAULT_CHECKOUT_DB}; recreated when this benchmark made it)",
    )
    add("--redis-url", default=DEFAULT_REDIS, help=f"Redis on 127.0.0.1 (default {DEFAULT_REDIS})")
    add("--workers", default="1", help="server processes; a comma list runs each (default 1; e.g. 1,2)")
    add(
        "--workloads",
        default=",".join(CHECKOUT_WORKLOADS),
        help=f"which to run, in this order (default {','.join(CHECKOUT_WORKLOADS)})",
    )
    add("--connections", type=int, default=50, help="concurrent keep-alive connections (default 50)")
    add("--buyers", type=int, default=200, help="buyers taking turns over the connections (default 200)")
    add("--stores", type=int, default=20, help="stores the spread workload's variants are in (default 20)")
    add("--seconds", type=float, default=15.0, help="measured seconds per workload (default 15)")
    add("--warmup", type=float, default=2.0, help="warm-up seconds per workload, not recorded (default 2)")
    add(
        "--max-requests",
        type=int,
        default=200_000,
        help="checkout cap per phase, warm-up and measured each (default 200,000)",
    )
    add(
        "--small-stock",
        type=int,
        default=100,
        help="S of the contended probe: S units, 4*S buyers checking out at once (default 100)",
    )
    add("--ready-timeout", type=float, default=90.0, help="seconds to wait for /health/ready (default 90)")
    add(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each workload wait up to this many seconds for the machine to go quiet (default 0)",
    )
    add("--quiet-below", type=float, default=40.0, help="'quiet': busy below this %% of one core (default 40)")
    add("--no-uvloop", action="store_true", help="run the load generator on the plain asyncio loop")
    add("--results-dir", type=Path, default=HERE / "results", help="where the JSON goes (default bench/results)")
    args = parser.parse_args(argv)
    args.worker_counts = worker_counts(parser, args.workers)
    args.workload_list = [w.strip() for w in args.workloads.split(",") if w.strip()]
    if not args.worker_counts or min(args.worker_counts) < 1:
        parser.error("--workers needs numbers >= 1")
    if not args.workload_list or set(args.workload_list) - set(CHECKOUT_WORKLOADS):
        parser.error(f"--workloads: choose among {', '.join(CHECKOUT_WORKLOADS)}")
    if min(args.connections, args.buyers, args.stores, args.max_requests, args.small_stock) < 1 or args.seconds <= 0:
        parser.error("--connections, --buyers, --stores, --max-requests, --small-stock and --seconds must be positive")
    if args.buyers < args.connections:
        parser.error("--buyers must be at least --connections: a buyer's cart is used by one connection at a time")
    if args.max_requests > 400_000:
        parser.error("--max-requests is at most 400,000: the hot variant holds 1,000,000 units (the API's cap)")
    if args.small_stock > 2_000:
        parser.error("--small-stock is at most 2,000 (the probe opens 4*S connections at once)")
    return args
