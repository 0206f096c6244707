"""Checkout benchmark: checkouts per second on PostgreSQL, one hot variant vs variants spread over
stores, and a probe that buyers racing for a small stock get exactly what there is."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import MANY_USERS, run_main, server_environment, server_problems
from _infra import (
    Server,
    drop_redis_prefix,
    fresh_database,
    memory,
    require_loopback,
    run_cli,
    start_server,
    wait_for_quiet,
)
from _loadgen import TRANSPORT_FAILURES, Connection, PhaseResult, encode_request, percentile_ms
from _options import parse_checkout_args
from _probe import PhaseProbe
from _report import checkout_table, write_json
from _shop import AGENT, Api, Buyer, add_variant, bearer, fill_carts, open_store, register_buyers

# Written as the comment of the database this benchmark creates: only such a database is ever dropped.
DB_MARKER = "made by bench/checkout_load.py, which drops and recreates it at each run"
HOT_STOCK = 1_000_000  # the API's largest stock per variant
CHECKOUTS = "/api/v1/checkouts"
SAMPLES_PER_STATUS = 5  # unexpected answers kept (body and all) per kind and status


def base_environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """The server's environment (`_common.server_environment`); one signing key for the whole run, so
    the buyers' tokens stay valid from one server to the next."""
    return server_environment(
        data_dir=data_dir,
        database_url=args.database_url,
        redis_url=args.redis_url,
        MARKETPLACE_REDIS_PREFIX=f"bench-checkout-setup-{secrets.token_hex(6)}:",
        **MANY_USERS,
    )


async def prepare_database(args: argparse.Namespace, env: dict[str, str], logs: Path) -> dict[str, Any]:
    require_loopback(args.database_url, "--database-url")
    require_loopback(args.redis_url, "--redis-url")
    info: dict[str, Any] = {"database": await fresh_database(args.database_url, DB_MARKER)}
    if info["database"] == "kept":
        print("note: the database was not made by this benchmark: used as it is, not recreated", file=sys.stderr)
    with (logs / "migrate.log").open("w") as log:
        info["migrate_seconds"] = round(run_cli(["migrate"], env, 600, log), 2)
    return info


def _pg(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def total_stock(url: str, variant_ids: list[str]) -> int:
    import asyncpg

    connection = await asyncio.wait_for(asyncpg.connect(_pg(url)), timeout=10)
    try:
        return int(
            await connection.fetchval("SELECT coalesce(sum(stock), 0) FROM variants WHERE id = any($1)", variant_ids)
        )
    finally:
        await connection.close()


async def sold(url: str, variant_id: str) -> dict[str, int]:
    """Units of the variant in orders that hold stock (not cancelled or expired), and those orders."""
    import asyncpg

    connection = await asyncio.wait_for(asyncpg.connect(_pg(url)), timeout=10)
    try:
        row = await connection.fetchrow(
            "SELECT coalesce(sum(l.quantity), 0) AS units, count(DISTINCT o.id) AS orders FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id WHERE l.variant_id = $1 AND o.status NOT IN ('cancelled', 'expired')",
            variant_id,
        )
        return {"units": int(row["units"]), "orders": int(row["orders"])}
    finally:
        await connection.close()


@dataclass
class Turn:
    """One buyer's requests in a workload: the cart line (encoded once) and the checkout body."""

    buyer: Buyer
    cart_add: bytes
    checkout_body: bytes


def turns(port: int, buyers: list[Buyer], variant_of: dict[int, str], store_of: dict[str, str]) -> list[Turn]:
    made = []
    for buyer in buyers:
        variant = variant_of[buyer.index]
        line = json.dumps({"variant_id": variant, "quantity": 1}).encode()
        order = {"address_id": buyer.address_id, "shipping": {store_of[variant]: "instant"}}
        made.append(
            Turn(
                buyer,
                encode_request("POST", "/api/v1/cart/items", port, body=line, headers=bearer(buyer.token), agent=AGENT),
                json.dumps(order).encode(),
            )
        )
    return made


def checkout_request(port: int, turn: Turn, key: str) -> bytes:
    return encode_request(
        "POST",
        CHECKOUTS,
        port,
        body=turn.checkout_body,
        agent=AGENT,
        headers={**bearer(turn.buyer.token), "Idempotency-Key": key},
    )


@dataclass
class Drive:
    """What the connections of one phase share: the budget, the figures and the unexpected answers."""

    name: str
    remaining: int
    started: float
    deadline: float
    keys: str  # prefix of this phase's Idempotency-Keys
    checkouts: PhaseResult
    carts: PhaseResult
    cycles: list[float] = field(default_factory=list)  # cart (when needed) + checkout, for checkouts that made 201
    created: int = 0  # 201s, recorded or not: the stock they took is checked against the database
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    _seen: Counter[tuple[str, int]] = field(default_factory=Counter)

    def note(self, what: str, status: int, body: bytes, latency: float) -> None:
        self._seen[(what, status)] += 1
        if self._seen[(what, status)] <= SAMPLES_PER_STATUS:
            self.unexpected.append(
                {
                    "request": what,
                    "status": status,
                    "ms": round(latency * 1000, 1),
                    "at_s": round(time.perf_counter() - self.started, 2),
                    "body": body[:2000].decode(errors="replace"),
                }
            )


async def _exchange(connection: Connection, payload: bytes, result: PhaseResult) -> tuple[int, bytes]:
    try:
        return await connection.exchange(payload)
    except TRANSPORT_FAILURES as error:
        result.failures[type(error).__name__] += 1
        return 0, type(error).__name__.encode()


async def _buy(port: int, own: list[Turn], drive: Drive, lane: int, record: bool) -> None:
    """One connection: its buyers in turn, each re-adding the line when the cart lost it, then checking out."""
    connection, clock, count = Connection(port), time.perf_counter, 0
    try:
        await connection.open()
        while drive.remaining > 0 and clock() < drive.deadline:
            drive.remaining -= 1
            turn = own[count % len(own)]
            count += 1
            began = clock()
            if not turn.buyer.has_line:
                status, body = await _exchange(connection, turn.cart_add, drive.carts)
                done = clock()
                if record:
                    drive.carts.record(status, done - began, len(body), int(done - drive.started))
                if status != 201:
                    drive.note("cart", status, body, done - began)
                    continue
                turn.buyer.has_line = True
            sent = clock()
            status, body = await _exchange(
                connection, checkout_request(port, turn, f"{drive.keys}-{lane}-{count}"), drive.checkouts
            )
            done = clock()
            if status == 201:
                turn.buyer.has_line = False  # the bought line left the cart
                drive.created += 1
            else:
                drive.note("checkout", status, body, done - sent)
            if record:
                drive.checkouts.record(status, done - sent, len(body), int(done - drive.started))
                if status == 201:
                    drive.cycles.append(done - began)
    finally:
        connection.close()


async def run_checkouts(
    port: int,
    name: str,
    plan: list[Turn],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    record: bool = True,
    grace: float = 15.0,
) -> Drive:
    """Checkouts over `connections` keep-alive connections for at most `seconds` and `max_requests`.

    Connection i serves the buyers i, i + connections, ...: no cart is used by two connections at once.
    """
    started = time.perf_counter()
    drive = Drive(
        name,
        max_requests,
        started,
        started + seconds,
        f"{name}-{secrets.token_hex(6)}",
        checkouts=PhaseResult(name, connections, ok_status=201),
        carts=PhaseResult(f"{name}-cart", connections, ok_status=201),
    )
    tasks = [
        asyncio.create_task(_buy(port, plan[lane::connections], drive, lane, record)) for lane in range(connections)
    ]
    finished, pending = await asyncio.wait(tasks, timeout=seconds + grace)
    for task in pending:
        task.cancel()
        drive.checkouts.failures["cancelled_after_grace"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    for task in finished:
        if task.exception() is not None:
            drive.checkouts.failures[f"lane_died:{type(task.exception()).__name__}"] += 1
    elapsed = time.perf_counter() - started
    drive.checkouts.seconds = drive.carts.seconds = elapsed
    return drive


def phase_summary(drive: Drive) -> dict[str, Any]:
    checkouts = drive.checkouts.summary()
    seconds = drive.checkouts.seconds
    created = checkouts["statuses"].get("201", 0)
    return {
        **checkouts,
        "checkouts_per_s": round(created / seconds, 1) if seconds else 0.0,
        "cycles_per_s": round(len(drive.cycles) / seconds, 1) if seconds else 0.0,
        "cycle_p50_ms": percentile_ms(drive.cycles, 50),
        "cycle_p99_ms": percentile_ms(drive.cycles, 99),
        "cart": {k: v for k, v in drive.carts.summary().items() if k not in ("slowest_paths", "name")},
        "server_errors": sum(n for s, n in checkouts["statuses"].items() if s.startswith("5"))
        + sum(n for s, n in drive.carts.summary()["statuses"].items() if s.startswith("5")),
        "unexpected": drive.unexpected,
    }


async def make_shop(
    api: Api, args: argparse.Namespace, name: str, buyers: list[Buyer], tag: str
) -> tuple[dict[int, str], dict[str, str]]:
    """hot: one variant in one store for every buyer; spread: a variant per buyer, over --stores stores."""
    if name == "hot":
        token, store_id = await open_store(api, "hot", tag)
        variant = await add_variant(api, token, store_id, f"HOT-{tag}", HOT_STOCK)
        return {b.index: variant for b in buyers}, {variant: store_id}
    stores = await asyncio.gather(*(open_store(api, f"spread{n}", tag) for n in range(args.stores)))
    variants = await asyncio.gather(
        *(add_variant(api, *stores[i % len(stores)], f"SPREAD-{tag}-{i}", HOT_STOCK) for i in range(len(buyers)))
    )
    return (
        {b.index: variants[i] for i, b in enumerate(buyers)},
        {v: stores[i % len(stores)][1] for i, v in enumerate(variants)},
    )


async def measure_workload(
    args: argparse.Namespace, api: Api, server: Server, workers: int, name: str, buyers: list[Buyer], tag: str
) -> dict[str, Any]:
    """Make the shop, fill the carts, warm up, then one measured phase; the stock taken is checked after."""
    started = time.perf_counter()
    measured = buyers[: args.buyers]
    variant_of, store_of = await make_shop(api, args, name, measured, tag)
    await fill_carts(api, measured, variant_of)
    variants = sorted(store_of)
    stock_before = await total_stock(args.database_url, variants)
    setup_seconds = round(time.perf_counter() - started, 1)
    plan = turns(server.port, measured, variant_of, store_of)
    busy_before = await wait_for_quiet(args.quiet_wait, args.quiet_below)
    warm = await run_checkouts(
        server.port,
        name,
        plan,
        connections=args.connections,
        seconds=args.warmup,
        max_requests=args.max_requests,
        record=False,
    )
    probe = PhaseProbe(
        port=server.port,
        root_pid=server.process.pid,
        workers=workers,
        logs=args.logs,
        database_url=args.database_url,
        profile=False,
    )
    await probe.start(name, args.seconds)
    drive = await run_checkouts(
        server.port, name, plan, connections=args.connections, seconds=args.seconds, max_requests=args.max_requests
    )
    summary = phase_summary(drive)
    summary.update(await probe.stop(CHECKOUTS))
    taken = stock_before - await total_stock(args.database_url, variants)
    server_cpu_s = summary["cpu"]["percent_of_one_core"]["server"] / 100 * summary["cpu"]["wall_s"]
    summary.update(
        server_cpu_ms_per_checkout=round(1000 * server_cpu_s / drive.created, 1) if drive.created else None,
        machine_busy_before_pct=busy_before,
        setup_seconds=setup_seconds,
        variants=len(variants),
        stores=len(set(store_of.values())),
        buyers=len(measured),
        warmup_checkouts=warm.created,
        warmup_unexpected=warm.unexpected,
        stock_check={
            "taken": taken,
            "checkouts_201": warm.created + drive.created,
            "ok": taken == warm.created + drive.created,
        },
    )
    print(
        f"  {name:<7} {summary['checkouts_per_s']:>7,.0f} checkouts/s  p50 {summary['p50_ms']:.1f} ms  "
        f"p99 {summary['p99_ms']:.1f} ms  statuses {summary['statuses']}  cart {summary['cart']['statuses']}",
        file=sys.stderr,
        flush=True,
    )
    return summary


async def contended_probe(
    args: argparse.Namespace, api: Api, port: int, buyers: list[Buyer], tag: str
) -> dict[str, Any]:
    """S units, 4*S buyers with one unit in their cart, every checkout sent at once on its own connection."""
    small = args.small_stock
    racers = buyers[: 4 * small]
    token, store_id = await open_store(api, "contended", tag)
    variant = await add_variant(api, token, store_id, f"SMALL-{tag}", small)
    await fill_carts(api, racers, {b.index: variant for b in racers})
    await wait_for_quiet(args.quiet_wait, args.quiet_below)
    plan = turns(port, racers, {b.index: variant for b in racers}, {variant: store_id})
    connections = [Connection(port) for _ in plan]
    async with asyncio.timeout(30):
        await asyncio.gather(*(c.open() for c in connections))
    gate = asyncio.Event()
    keys = f"contended-{secrets.token_hex(6)}"

    async def one(index: int) -> tuple[int, bytes, float]:
        payload = checkout_request(port, plan[index], f"{keys}-{index}")
        await gate.wait()
        sent = time.perf_counter()
        try:
            status, body = await connections[index].exchange(payload)
        except TRANSPORT_FAILURES as error:
            status, body = 0, type(error).__name__.encode()
        return status, body, time.perf_counter() - sent

    tasks = [asyncio.create_task(one(i)) for i in range(len(plan))]
    await asyncio.sleep(0.05)  # every task waits at the gate, its request encoded
    started = time.perf_counter()
    gate.set()
    try:
        async with asyncio.timeout(120):
            answers = await asyncio.gather(*tasks)
    finally:
        for connection in connections:
            connection.close()
    wall = time.perf_counter() - started
    statuses = Counter(status for status, _, _ in answers)
    short_stock = 0
    for status, body, _ in answers:
        if status == 409:
            try:
                short = json.loads(body).get("variants") or [{}]
            except ValueError:
                continue
            short_stock += short[0].get("variant_id") == variant and short[0].get("requested") == 1
    stock_left = await total_stock(args.database_url, [variant])
    in_orders = await sold(args.database_url, variant)
    expected = {"201": small, "409": 3 * small, "stock_left": 0, "units_in_orders": small}
    found = {
        "201": statuses[201],
        "409": statuses[409],
        "stock_left": stock_left,
        "units_in_orders": in_orders["units"],
    }
    result = {
        "small_stock": small,
        "checkouts": len(plan),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "short_stock_409s": short_stock,
        "stock_left": stock_left,
        "orders_holding_it": in_orders["orders"],
        "units_in_orders": in_orders["units"],
        "expected": expected,
        "ok": found == expected and short_stock == 3 * small,
        "wall_s": round(wall, 3),
        "p50_ms": percentile_ms([a[2] for a in answers], 50),
        "max_ms": percentile_ms([a[2] for a in answers], 100),
        "unexpected": [
            {"status": s, "body": b[:2000].decode(errors="replace")} for s, b, _ in answers if s not in (201, 409)
        ][:SAMPLES_PER_STATUS],
    }
    print(
        f"  contended S={small}: statuses {result['statuses']}, stock left {stock_left}, units in orders "
        f"{in_orders['units']} -> {'OK' if result['ok'] else 'MISMATCH'}",
        file=sys.stderr,
        flush=True,
    )
    return result


async def measure_server(
    args: argparse.Namespace, env: dict[str, str], workers: int, state: dict[str, Any], runs: list[dict[str, Any]]
) -> None:
    """One server: its workloads in order; the run's report joins `runs` at once (a failure keeps what was measured)."""
    prefix = f"bench-checkout-{secrets.token_hex(6)}:"
    log_path = args.logs / f"serve-{workers}w.log"
    print(f"{workers} worker(s): starting the server ...", file=sys.stderr, flush=True)
    server = await start_server({**env, "MARKETPLACE_REDIS_PREFIX": prefix}, workers, log_path, [], args.ready_timeout)
    api = Api(server.port)
    run_report: dict[str, Any] = {
        "workers": workers,
        "port": server.port,
        "redis_prefix": prefix,
        "server_log": str(log_path),
        "phases": [],
        "memory": {"after_ready": memory(server.process.pid)},
    }
    runs.append(run_report)
    try:
        if "buyers" not in state:  # once: the same signing key serves every server of the run
            started = time.perf_counter()
            count = max(
                args.buyers if {"hot", "spread"} & set(args.workload_list) else 0,
                4 * args.small_stock if "contended" in args.workload_list else 0,
            )
            print(f"  registering {count} buyers ...", file=sys.stderr, flush=True)
            state["buyers"] = await register_buyers(api, count, state["tag"])
            run_report["register_seconds"] = round(time.perf_counter() - started, 1)
        tag = f"{state['tag']}w{workers}"
        for name in args.workload_list:
            if name == "contended":
                run_report["contended"] = await contended_probe(args, api, server.port, state["buyers"], tag)
            else:
                run_report["phases"].append(
                    await measure_workload(args, api, server, workers, name, state["buyers"], tag)
                )
        run_report["memory"]["after_load"] = memory(server.process.pid)
    finally:
        api.close()
        server.stop()
        run_report["redis_keys_deleted"] = await drop_redis_prefix(args.redis_url, prefix)
        run_report["server_exit_status"] = server.process.returncode
        run_report["server_log_problems"] = server_problems(log_path)


def failed_checks(report: dict[str, Any]) -> list[str]:
    """Everything that must hold: only 201s (hot, spread), stock taken == checkouts made, the probe exact."""
    failures = []
    for run in report["runs"]:
        for phase in run["phases"]:
            label = f"{run['workers']}w {phase['name']}"
            if phase["server_errors"]:
                failures.append(f"{label}: {phase['server_errors']} server error(s) (5xx)")
            others = {s: n for s, n in phase["statuses"].items() if s != "201"}
            cart_others = {s: n for s, n in phase["cart"]["statuses"].items() if s != "201"}
            if others or cart_others or phase["failures"] or phase["warmup_unexpected"]:
                failures.append(
                    f"{label}: not all 201: checkouts {others or '-'}, cart adds {cart_others or '-'}, "
                    f"transport {phase['failures'] or '-'}, warm-up {len(phase['warmup_unexpected'])}"
                )
            if not phase["stock_check"]["ok"]:
                failures.append(
                    f"{label}: stock taken {phase['stock_check']['taken']} != "
                    f"checkouts made {phase['stock_check']['checkouts_201']}"
                )
        probe = run.get("contended")
        if probe and not probe["ok"]:
            failures.append(
                f"{run['workers']}w contended: expected {probe['expected']}, got statuses "
                f"{probe['statuses']} (short-stock 409s {probe['short_stock_409s']}), stock left "
                f"{probe['stock_left']}, units in orders {probe['units_in_orders']}"
            )
    return failures


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = args.results_dir / f"logs-checkout-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    args.logs = logs
    env = base_environment(args, logs / "var")
    report: dict[str, Any] = {
        "stamp": stamp,
        "host_cpus": os.cpu_count(),
        "command": " ".join(sys.argv),
        "logs": str(logs),
        "settings": {k: v for k, v in vars(args).items() if k not in ("results_dir", "logs")},
        "runs": [],
    }
    report["database"] = await prepare_database(args, env, logs)
    await drop_redis_prefix(args.redis_url, env["MARKETPLACE_REDIS_PREFIX"])
    state: dict[str, Any] = {"tag": secrets.token_hex(3)}
    try:
        for workers in args.worker_counts:
            await measure_server(args, env, workers, state, report["runs"])
    finally:
        report["failed_checks"] = failed_checks(report)
        report["json"] = str(write_json(report, args.results_dir, stamp, name="checkout_load"))
    return report


def print_failures(report: dict[str, Any]) -> None:
    print("\n" + "!" * 100 + "\nFAILED CHECKS:")
    for failure in report["failed_checks"]:
        print(f"  - {failure}")
    for run in report["runs"]:
        samples = [s for p in run["phases"] for s in p["unexpected"] + p["warmup_unexpected"]]
        samples += run.get("contended", {}).get("unexpected", [])
        for sample in samples[:10]:
            print(f"  {run['workers']}w answer: {json.dumps(sample)[:1500]}")
        if run["server_log_problems"]:
            print(f"  {run['workers']}w server log ({run['server_log']}), error/warning lines:")
            for line in run["server_log_problems"][:20]:
                print(f"    {line[:1500]}")
    print("!" * 100)


def show(report: dict[str, Any]) -> None:
    print(f"Database: {report['database']}")
    print(checkout_table(report))
    if report["failed_checks"]:
        print_failures(report)
    print(f"\nJSON: {report['json']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_checkout_args(argv)
    return run_main("checkout_load", lambda: run(args), show, uvloop=not args.no_uvloop)


if __name__ == "__main__":
    sys.exit(main())
