"""Shipping benchmark: ships per second (the courier booked while the seller waits) and GoSend booking
webhooks per second, duplicated and reordered, then a check that every order ends with the orderly
timeline and is delivered."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import MANY_USERS, run_main, server_environment, server_problems
from _infra import (
    BenchError,
    Server,
    ServerFailed,
    descendants,
    drop_redis_prefix,
    free_port,
    fresh_database,
    marketplace_cli,
    memory,
    require_loopback,
    run_cli,
    start_server,
    wait_for_quiet,
)
from _loadgen import LOOPBACK, TRANSPORT_FAILURES, Connection, PhaseResult, encode_request, fetch
from _observe import CpuMeter
from _options import DEFAULT_REDIS, HERE, worker_counts
from _probe import PhaseProbe
from _report import write_json
from _shop import AGENT, Api, Buyer, add_variant, bearer, open_store, register_buyers

DEFAULT_SHIPPING_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/marketplace_bench_shipping"
# Written as the comment of the database this benchmark creates: only such a database is ever dropped.
DB_MARKER = "made by bench/shipping_load.py, which drops and recreates it at each run"
HAPPY = ["confirmed", "allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]
SENT = HAPPY[1:]  # `confirmed` is the booking itself; the webhooks bring the rest
WEBHOOK = "/api/v1/webhooks/gosend"
SAMPLES_PER_STATUS = 5  # unexpected answers kept (body and all) per phase and status
SMOKE_ORDERS = 20
PAY_WAVE = 100  # invoices paid at once in the set-up


# ---------------------------------------------------------------------------------------------- options


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="shipping_load.py",
        description="Shipping benchmark on loopback: N paid and accepted orders, then every one shipped (the "
        "GoSend booking made while the seller waits), then GoSend booking webhooks for every booking, each "
        "twice and shuffled, then a check of every timeline.",
    )
    add = parser.add_argument
    add(
        "--database-url",
        default=DEFAULT_SHIPPING_DB,
        help=f"PostgreSQL on 127.0.0.1 (default {DEFAULT_SHIPPING_DB}; recreated when this benchmark made it)",
    )
    add("--redis-url", default=DEFAULT_REDIS, help=f"Redis on 127.0.0.1 (default {DEFAULT_REDIS})")
    add(
        "--sqlite",
        action="store_true",
        help="smoke test on the embedded default (SQLite in the logs folder, in-process cache; no PostgreSQL "
        f"or Redis); --orders defaults to {SMOKE_ORDERS} then",
    )
    add("--workers", default="1", help="server processes; a comma list runs each with its own orders (default 1)")
    add(
        "--sandboxes",
        choices=("auto", "embedded", "standalone"),
        default="auto",
        help="the Xendit and GoSend sandboxes: mounted in the app, or `marketplace sandbox` processes of their own; "
        "auto: embedded with 1 worker, standalone with more (default auto)",
    )
    add("--orders", type=int, default=None, help="paid and accepted orders to ship (default 300)")
    add("--stores", type=int, default=10, help="stores the orders are spread over (default 10)")
    add("--buyers", type=int, default=100, help="buyers placing the orders, in turn (default 100)")
    add("--connections", type=int, default=50, help="concurrent keep-alive connections per phase (default 50)")
    add(
        "--seconds",
        type=float,
        default=120.0,
        help="time cap per measured phase: a phase ends when every request is answered or this runs out (default 120)",
    )
    add("--copies", type=int, default=2, help="times each webhook is sent, same event_id (default 2)")
    add("--seed", type=int, default=None, help="shuffle seed of the webhooks (default random, recorded)")
    add("--setup-timeout", type=float, default=600.0, help="seconds the set-up of one server may take (default 600)")
    add("--ready-timeout", type=float, default=90.0, help="seconds to wait for /health/ready (default 90)")
    add(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each phase wait up to this many seconds for the machine to go quiet (default 0)",
    )
    add("--quiet-below", type=float, default=40.0, help="'quiet': busy below this %% of one core (default 40)")
    add("--no-uvloop", action="store_true", help="run the load generator on the plain asyncio loop")
    add("--results-dir", type=Path, default=HERE / "results", help="where the JSON goes (default bench/results)")
    args = parser.parse_args(argv)
    args.worker_counts = worker_counts(parser, args.workers)
    if args.orders is None:
        args.orders = SMOKE_ORDERS if args.sqlite else 300
    if args.seed is None:
        args.seed = secrets.randbelow(2**31)
    if not args.worker_counts or min(args.worker_counts) < 1:
        parser.error("--workers needs numbers >= 1")
    if min(args.orders, args.stores, args.buyers, args.connections, args.copies) < 1 or args.seconds <= 0:
        parser.error("--orders, --stores, --buyers, --connections, --copies and --seconds must be positive")
    if args.orders > 20_000 or args.copies > 10:
        parser.error("--orders is at most 20,000 and --copies at most 10")
    if args.sqlite and max(args.worker_counts) > 1:
        parser.error("--sqlite runs one worker: the embedded default is one process (serve refuses more)")
    if args.sandboxes == "embedded" and max(args.worker_counts) > 1:
        parser.error(
            "--sandboxes embedded needs --workers 1: each worker would have its own sandbox, which does "
            "not know the invoices and bookings made through another (use standalone)"
        )
    return args


def standalone(args: argparse.Namespace, workers: int) -> bool:
    return args.sandboxes == "standalone" or (args.sandboxes == "auto" and workers > 1)


# ---------------------------------------------------------------------------------------------- environment


@dataclass
class Secrets:
    """This run's provider credentials: the server and the standalone sandboxes get the same."""

    xendit_key: str
    xendit_token: str
    gosend_client: str
    gosend_key: str
    gosend_token: str

    @classmethod
    def new(cls) -> Secrets:
        return cls(
            "xnd_development_bench_" + secrets.token_hex(12),
            secrets.token_urlsafe(24),
            "marketplace-bench",
            secrets.token_urlsafe(18),
            secrets.token_urlsafe(24),
        )


def base_environment(args: argparse.Namespace, keys: Secrets) -> dict[str, str]:
    """The server's environment (`_common.server_environment`). The webhook token is this run's own in
    both sandbox modes (the embedded sandbox signs with it too)."""
    return server_environment(
        data_dir=None,
        database_url=None if args.sqlite else args.database_url,
        redis_url=None if args.sqlite else args.redis_url,
        MARKETPLACE_GOSEND_WEBHOOK_TOKEN=keys.gosend_token,
        **MANY_USERS,
    )


async def prepare_database(args: argparse.Namespace, env: dict[str, str], logs: Path) -> dict[str, Any]:
    if args.sqlite:
        return {"database": "sqlite (embedded default), one per server in its data dir"}
    require_loopback(args.database_url, "--database-url")
    require_loopback(args.redis_url, "--redis-url")
    info: dict[str, Any] = {"database": await fresh_database(args.database_url, DB_MARKER)}
    if info["database"] == "kept":
        print("note: the database was not made by this benchmark: used as it is, not recreated", file=sys.stderr)
    with (logs / "migrate.log").open("w") as log:
        info["migrate_seconds"] = round(run_cli(["migrate"], env, 600, log), 2)
    return info


@dataclass
class Sandboxes:
    """Where the set-up pays invoices; the standalone sandbox processes (none when embedded)."""

    xendit_port: int
    pay_prefix: str  # path prefix of the Xendit sandbox's control endpoints on that port
    processes: list[Server]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


async def start_sandbox(
    provider: str, port: int, callback_port: int, env: dict[str, str], log_path: Path, timeout: float
) -> Server:
    """`marketplace sandbox <provider>` on loopback, calling back the server; waits (bounded) until it answers."""
    command = [
        marketplace_cli(),
        "sandbox",
        provider,
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--callback-url",
        f"http://{LOOPBACK}:{callback_port}",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    sandbox = Server(process, port, log_path)
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout * 10) + 1):
        if process.poll() is not None:
            raise ServerFailed(f"the {provider} sandbox exited with {process.returncode}:\n{sandbox.tail()}")
        try:
            await fetch(port, "/_sandbox/bookings" if provider == "gosend" else "/", timeout=5)
            return sandbox  # any HTTP answer: it is serving
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    sandbox.stop()
    raise ServerFailed(f"the {provider} sandbox did not answer within {timeout:.0f} s:\n{sandbox.tail()}")


async def start_stack(
    args: argparse.Namespace, env: dict[str, str], keys: Secrets, workers: int, logs: Path
) -> tuple[Server, Sandboxes]:
    """The server, and when standalone, the two sandboxes (started after it: they need its port to call back;
    the server does not call them until the set-up does)."""
    if not standalone(args, workers):
        server = await start_server(env, workers, logs / f"serve-{workers}w.log", [], args.ready_timeout)
        return server, Sandboxes(server.port, "/sandbox/xendit", [])
    xendit_port, gosend_port = free_port(), free_port()
    env = {
        **env,
        "MARKETPLACE_XENDIT_BASE_URL": f"http://{LOOPBACK}:{xendit_port}",
        "MARKETPLACE_XENDIT_SECRET_KEY": keys.xendit_key,
        "MARKETPLACE_XENDIT_CALLBACK_TOKEN": keys.xendit_token,
        "MARKETPLACE_GOSEND_BASE_URL": f"http://{LOOPBACK}:{gosend_port}",
        "MARKETPLACE_GOSEND_CLIENT_ID": keys.gosend_client,
        "MARKETPLACE_GOSEND_PASS_KEY": keys.gosend_key,
    }
    server = await start_server(env, workers, logs / f"serve-{workers}w.log", [], args.ready_timeout)
    sandbox_env = {
        k: v
        for k, v in env.items()  # the data dir too: the sandboxes keep their records there
        if not k.startswith("MARKETPLACE_")
        or k.startswith(("MARKETPLACE_XENDIT_", "MARKETPLACE_GOSEND_", "MARKETPLACE_DATA_DIR"))
    }
    sandbox_env = {k: v for k, v in sandbox_env.items() if not k.endswith("_BASE_URL")}
    started: list[Server] = []
    try:
        for provider, port in (("xendit", xendit_port), ("gosend", gosend_port)):
            started.append(
                await start_sandbox(
                    provider,
                    port,
                    server.port,
                    sandbox_env,
                    logs / f"sandbox-{provider}-{workers}w.log",
                    args.ready_timeout,
                )
            )
    except BaseException:
        for process in started:
            process.stop()
        server.stop()
        raise
    return server, Sandboxes(xendit_port, "", started)


class StackMeter(CpuMeter):
    """The phase's CPU with the standalone sandboxes as a group of their own (in the server when embedded)."""

    def __init__(self, server_root: int, sandbox_roots: list[int]) -> None:
        super().__init__(server_root)
        self.sandbox_roots = sandbox_roots

    def _groups(self) -> dict[str, list[int]]:
        groups = super()._groups()
        groups["sandboxes"] = [pid for root in self.sandbox_roots for pid in descendants(root)]
        return groups


# ---------------------------------------------------------------------------------------------- set-up


@dataclass
class Order:
    index: int
    buyer: Buyer
    store_id: str
    seller_token: str
    order_id: str = ""
    checkout_id: str = ""
    invoice_id: str = ""
    booking_id: str = ""


async def _poll_status(api: Api, path: str, token: str, wanted: str, deadline: float) -> str:
    """GET `path` until its `status` is `wanted` or the deadline passes; the last status seen."""
    status = ""
    for attempt in range(100_000):
        body = await api.call("GET", path, token=token, expect=(200, 503))  # 503: the pool was busy, ask again
        status = str(body.get("status")) if body.get("status") != 503 else "unavailable (503)"
        if status == wanted or time.monotonic() > deadline:
            return status
        await asyncio.sleep(min(0.05 * (attempt + 1), 0.5))
    return status


async def make_orders(
    args: argparse.Namespace, api: SetupApi, sandbox_api: Api, sandboxes: Sandboxes, tag: str
) -> tuple[list[Order], dict[str, Any]]:
    """N orders, paid through the Xendit sandbox and accepted by their stores; timings of each step."""
    timings: dict[str, Any] = {}
    clock = time.perf_counter
    started = clock()
    stores = await asyncio.gather(*(open_store(api, f"ship{n}", tag) for n in range(args.stores)))
    per_store = -(-args.orders // args.stores)
    made = await asyncio.gather(
        *(add_variant(api, token, store_id, f"SHIP-{tag}-{n}", per_store) for n, (token, store_id) in enumerate(stores))
    )
    variants = {store_id: variant for (_, store_id), variant in zip(stores, made, strict=True)}
    timings["stores_s"] = round(clock() - started, 1)

    mark = clock()
    buyers = await register_buyers(api, min(args.buyers, args.orders), tag)
    timings["buyers_s"] = round(clock() - mark, 1)
    orders = [
        Order(i, buyers[i % len(buyers)], stores[i % len(stores)][1], stores[i % len(stores)][0])
        for i in range(args.orders)
    ]

    async def place(own: list[Order]) -> None:
        """One buyer's orders in turn: the line into the cart, then the checkout (which empties the cart)."""
        for order in own:
            token = order.buyer.token
            await api.call(
                "POST",
                "/api/v1/cart/items",
                {"variant_id": variants[order.store_id], "quantity": 1},
                token=token,
                expect=(201,),
            )
            body = json.dumps({"address_id": order.buyer.address_id, "shipping": {order.store_id: "instant"}})
            payload = encode_request(
                "POST",
                "/api/v1/checkouts",
                api.port,
                body=body.encode(),
                agent=AGENT,
                headers={**bearer(token), "Idempotency-Key": f"ship-{tag}-{order.index}"},
            )
            status, raw = await api.exchange(payload)
            if status != 201:
                raise BenchError(
                    f"set-up: checkout {order.index} answered {status}: {raw[:600].decode(errors='replace')}"
                )
            checkout = json.loads(raw)
            order.checkout_id, order.order_id = str(checkout["id"]), str(checkout["orders"][0]["id"])
            order.invoice_id = str(checkout["payment"]["invoice_id"])

    mark = clock()
    await asyncio.gather(*(place([o for o in orders if o.buyer.index == b.index]) for b in buyers))
    timings["checkouts_s"] = round(clock() - mark, 1)

    # Paid in waves: each paid invoice makes the sandbox call the server back at once (in process when
    # embedded), and a thousand callbacks at a time queue past the pool's 10 s wait (503s, retried later).
    timings["pay_s"] = timings["paid_wait_s"] = 0.0
    for first in range(0, len(orders), PAY_WAVE):
        wave = orders[first : first + PAY_WAVE]
        mark = clock()
        await asyncio.gather(
            *(
                sandbox_api.call("POST", f"{sandboxes.pay_prefix}/_sandbox/invoices/{o.invoice_id}/pay", expect=(200,))
                for o in wave
            )
        )
        timings["pay_s"] += clock() - mark
        mark = clock()
        deadline = time.monotonic() + 120
        seen = await asyncio.gather(
            *(_poll_status(api, f"/api/v1/orders/{o.order_id}", o.buyer.token, "paid", deadline) for o in wave)
        )
        unpaid = Counter(s for s in seen if s != "paid")
        if unpaid:
            raise BenchError(
                f"set-up: {sum(unpaid.values())} order(s) not paid 120 s after their invoices were: {dict(unpaid)}"
            )
        timings["paid_wait_s"] += clock() - mark
    timings["pay_s"], timings["paid_wait_s"] = round(timings["pay_s"], 1), round(timings["paid_wait_s"], 1)

    mark = clock()
    await asyncio.gather(
        *(
            api.call(
                "POST", f"/api/v1/stores/{o.store_id}/orders/{o.order_id}/accept", token=o.seller_token, expect=(200,)
            )
            for o in orders
        )
    )
    timings["accept_s"] = round(clock() - mark, 1)
    timings["total_s"] = round(clock() - started, 1)
    return orders, timings


class SetupApi(Api):
    """The set-up client, with raw exchanges (the checkout needs its Idempotency-Key header)."""

    async def exchange(self, payload: bytes) -> tuple[int, bytes]:
        connection = await self._idle.get()
        try:
            async with asyncio.timeout(self.timeout):
                return await connection.exchange(payload)
        finally:
            self._idle.put_nowait(connection)


# ---------------------------------------------------------------------------------------------- load


@dataclass
class Sent:
    """One phase: its figures, each request's answer (None when not sent), samples of unexpected answers."""

    result: PhaseResult
    answers: list[tuple[int, bytes] | None]
    unexpected: list[dict[str, Any]]
    timings: list[tuple[float, float, int]]  # (seconds into the phase when answered, latency, status)

    def slowest(self, count: int = 10) -> list[dict[str, Any]]:
        return [
            {"ms": round(latency * 1000, 1), "at_s": round(at, 2), "status": status}
            for at, latency, status in sorted(self.timings, key=lambda t: -t[1])[:count]
        ]


async def send_all(
    port: int,
    name: str,
    payloads: list[bytes],
    *,
    connections: int,
    seconds: float,
    ok_status: int = 200,
    grace: float = 15.0,
) -> Sent:
    """Every payload once, in order, over `connections` keep-alive connections opened before the clock starts;
    stops when all are answered or after `seconds` (requests in flight get `grace` more)."""
    result = PhaseResult(name, connections, ok_status=ok_status)
    answers: list[tuple[int, bytes] | None] = [None] * len(payloads)
    unexpected: list[dict[str, Any]] = []
    timings: list[tuple[float, float, int]] = []
    seen: Counter[int] = Counter()
    lanes = [Connection(port) for _ in range(min(connections, len(payloads)))]
    try:
        async with asyncio.timeout(15):
            await asyncio.gather(*(lane.open() for lane in lanes))
        clock = time.perf_counter
        started = clock()
        deadline = started + seconds
        cursor = [0]

        async def lane_loop(connection: Connection) -> None:
            while cursor[0] < len(payloads) and clock() < deadline:
                index = cursor[0]
                cursor[0] += 1
                sent = clock()
                try:
                    status, body = await connection.exchange(payloads[index])
                except TRANSPORT_FAILURES as error:
                    result.failures[type(error).__name__] += 1
                    status, body = 0, type(error).__name__.encode()
                done = clock()
                result.record(status, done - sent, len(body), int(done - started))
                answers[index] = (status, body)
                timings.append((done - started, done - sent, status))
                if status != ok_status:
                    seen[status] += 1
                    if seen[status] <= SAMPLES_PER_STATUS:
                        unexpected.append(
                            {
                                "phase": name,
                                "index": index,
                                "status": status,
                                "ms": round((done - sent) * 1000, 1),
                                "at_s": round(done - started, 2),
                                "body": body[:2000].decode(errors="replace"),
                            }
                        )

        tasks = [asyncio.create_task(lane_loop(lane)) for lane in lanes]
        finished, pending = await asyncio.wait(tasks, timeout=seconds + grace)
        for task in pending:
            task.cancel()
            result.failures["cancelled_after_grace"] += 1
        await asyncio.gather(*pending, return_exceptions=True)
        for task in finished:
            if task.exception() is not None:
                result.failures[f"lane_died:{type(task.exception()).__name__}"] += 1
        result.seconds = clock() - started
    finally:
        for lane in lanes:
            lane.close()
    return Sent(result, answers, unexpected, timings)


def booking_event(booking_id: str, status: str, at_ms: int, event_id: str) -> dict[str, Any]:
    """A booking event shaped as GoSend's (docs/providers.md, "GoSend webhook";
    tests/integration/web/test_shipping.py `_event`)."""
    return {
        "@type": "booking_event",
        "entity_id": booking_id,
        "booking_id": booking_id,
        "type": status.upper(),
        "event_date": at_ms,
        "event_id": event_id,
        "partner_id": "marketplace-engine",
        "destination_type": "market_place",
        "status": status,
        "booking_status": status,
        "booking_type": "instant",
        "driver_name": "Budi Santoso",
        "driver_phone": "6281234567890",
        "live_tracking_url": f"https://tracking.example/{booking_id}",
    }


def webhook_plan(port: int, orders: list[Order], token: str, copies: int, seed: int) -> list[bytes]:
    """allocated ... delivered for each booking, one second apart (after the booking), each `copies` times with
    the same event_id, the whole lot shuffled across bookings."""
    base_ms = int(time.time() * 1000) + 1_000
    events = []
    for order in orders:
        if not order.booking_id:
            continue
        for step, status in enumerate(SENT):
            body = json.dumps(booking_event(order.booking_id, status, base_ms + step * 1_000, str(uuid.uuid4())))
            payload = encode_request(
                "POST", WEBHOOK, port, body=body.encode(), headers={"Authorization": token}, agent="gosend-bench/1"
            )
            events += [payload] * copies
    random.Random(seed).shuffle(events)
    return events


def _outcome(answer: tuple[int, bytes] | None) -> str:
    if answer is None:
        return "not sent"
    status, body = answer
    if status != 200:
        return f"status {status}"
    try:
        outcome = str(json.loads(body).get("outcome", ""))
    except ValueError:
        return "unreadable"
    return outcome.split(":", 1)[0]  # "applied", "ignored", "no shipment has this booking", ...


async def measure_phase(
    args: argparse.Namespace,
    server: Server,
    sandboxes: Sandboxes,
    workers: int,
    name: str,
    payloads: list[bytes],
    route: str,
) -> tuple[dict[str, Any], Sent]:
    busy_before = await wait_for_quiet(args.quiet_wait, args.quiet_below)
    probe = PhaseProbe(
        port=server.port,
        root_pid=server.process.pid,
        workers=workers,
        logs=args.logs,
        database_url=None if args.sqlite else args.database_url,
        profile=False,
    )
    probe.meter = StackMeter(server.process.pid, [s.process.pid for s in sandboxes.processes])
    await probe.start(name, args.seconds)
    sent = await send_all(server.port, name, payloads, connections=args.connections, seconds=args.seconds)
    summary = sent.result.summary()
    summary.pop("slowest_paths", None)
    summary.update(await probe.stop(route))
    cpu = summary["cpu"]
    ok = summary["statuses"].get("200", 0)
    server_cpu_s = cpu["percent_of_one_core"]["server"] / 100 * cpu["wall_s"]
    summary.update(
        planned=len(payloads),
        answered=sum(a is not None for a in sent.answers),
        ok_per_s=round(ok / sent.result.seconds, 1) if sent.result.seconds else 0.0,
        server_cpu_ms_per_request=round(1000 * server_cpu_s / sent.result.requests, 2)
        if sent.result.requests
        else None,
        machine_busy_before_pct=busy_before,
        unexpected=sent.unexpected,
        slowest=sent.slowest(),
    )
    print(
        f"  {name:<8} {summary['ok_per_s']:>7,.1f}/s  p50 {summary['p50_ms']:.1f} ms  p99 {summary['p99_ms']:.1f} ms  "
        f"statuses {summary['statuses']}  ({summary['answered']}/{len(payloads)} answered in "
        f"{summary['seconds']:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
    return summary, sent


# ---------------------------------------------------------------------------------------------- checks


async def verify(args: argparse.Namespace, port: int, orders: list[Order]) -> dict[str, Any]:
    """Every order's shipment (as its buyer): the orderly timeline, delivered, its one booking; the order delivered."""
    started = time.perf_counter()
    shipments = await send_all(
        port,
        "verify-shipment",
        [
            encode_request(
                "GET", f"/api/v1/orders/{o.order_id}/shipment", port, headers=bearer(o.buyer.token), agent=AGENT
            )
            for o in orders
        ],
        connections=args.connections,
        seconds=args.seconds,
    )
    details = await send_all(
        port,
        "verify-order",
        [
            encode_request("GET", f"/api/v1/orders/{o.order_id}", port, headers=bearer(o.buyer.token), agent=AGENT)
            for o in orders
        ],
        connections=args.connections,
        seconds=args.seconds,
    )
    problems: Counter[str] = Counter()
    samples: list[dict[str, Any]] = []
    correct = 0
    for order, shipment_answer, order_answer in zip(orders, shipments.answers, details.answers, strict=True):
        wrong = []
        shipment: dict[str, Any] = {}
        detail: dict[str, Any] = {}
        if shipment_answer is None or shipment_answer[0] != 200:
            wrong.append(f"shipment answered {shipment_answer[0] if shipment_answer else 'nothing'}")
        else:
            shipment = json.loads(shipment_answer[1])
        if order_answer is None or order_answer[0] != 200:
            wrong.append(f"order answered {order_answer[0] if order_answer else 'nothing'}")
        else:
            detail = json.loads(order_answer[1])
        if shipment:
            timeline = [e.get("status") for e in shipment.get("timeline", [])]
            if timeline != HAPPY:
                wrong.append("timeline " + ",".join(map(str, timeline)))
            if shipment.get("status") != "delivered":
                wrong.append(f"shipment {shipment.get('status')}")
            if shipment.get("booking_id") != order.booking_id or len(shipment.get("attempts", [])) != 1:
                wrong.append("booking differs from the one shipped, or several attempts")
        if detail and detail.get("status") != "delivered":
            wrong.append(f"order {detail.get('status')}")
        if wrong:
            for item in wrong:
                problems[item.split(" answered")[0] if "answered" in item else item] += 1
            if len(samples) < 10:
                samples.append(
                    {
                        "order_id": order.order_id,
                        "booking_id": order.booking_id,
                        "wrong": wrong,
                        "shipment": shipment,
                        "order_status": detail.get("status"),
                    }
                )
        else:
            correct += 1
    result = {
        "orders": len(orders),
        "correct": correct,
        "ok": correct == len(orders),
        "problems": dict(problems.most_common(20)),
        "samples": samples,
        "seconds": round(time.perf_counter() - started, 2),
        "get_p50_ms": shipments.result.summary()["p50_ms"],
    }
    print(
        f"  verify   {correct}/{len(orders)} orders delivered with timeline {','.join(HAPPY)}"
        + ("" if result["ok"] else f"; problems {result['problems']}"),
        file=sys.stderr,
        flush=True,
    )
    return result


async def callbacks_kept(args: argparse.Namespace, data_dir: Path) -> dict[str, int] | str:
    """provider_callbacks by provider, kind and matched (every webhook is kept, matched or not); on SQLite the
    database (when made) is this server's alone."""
    query = (
        "SELECT provider, kind, matched, CASE WHEN matched THEN '' ELSE status END AS what, count(*) "
        "FROM provider_callbacks GROUP BY provider, kind, matched, what ORDER BY provider, kind, matched, what"
    )
    try:
        if args.sqlite:
            connection = sqlite3.connect(data_dir / "marketplace.db", timeout=10)
            try:
                rows = connection.execute(query).fetchall()
            finally:
                connection.close()
        else:
            import asyncpg

            pg = await asyncio.wait_for(asyncpg.connect(args.database_url.replace("+asyncpg", "")), 10)
            try:
                rows = [tuple(r) for r in await pg.fetch(query)]
            finally:
                await pg.close()
    except Exception as error:  # noqa: BLE001 - a diagnostic: say what failed, keep the run
        return f"{type(error).__name__}: {error}"
    return {f"{p}/{k}/" + ("matched" if m else f"unmatched {w}"): int(n) for p, k, m, w, n in rows}


# ---------------------------------------------------------------------------------------------- one server


async def measure_server(
    args: argparse.Namespace, env: dict[str, str], keys: Secrets, workers: int, tag: str, runs: list[dict[str, Any]]
) -> None:
    """One server (and its sandboxes): set-up, ship, webhooks, verify. The report joins `runs` at once."""
    prefix = f"bench-shipping-{secrets.token_hex(6)}:"
    data_dir = args.logs / f"var-{workers}w"
    env = {**env, "MARKETPLACE_DATA_DIR": str(data_dir)}
    if not args.sqlite:
        env["MARKETPLACE_REDIS_PREFIX"] = prefix
    mode = "standalone" if standalone(args, workers) else "embedded"
    print(f"{workers} worker(s), {mode} sandboxes: starting ...", file=sys.stderr, flush=True)
    server, sandboxes = await start_stack(args, env, keys, workers, args.logs)
    log_path = server.log_path
    run_report: dict[str, Any] = {
        "workers": workers,
        "sandboxes": mode,
        "port": server.port,
        "server_log": str(log_path),
        "phases": [],
        "memory": {"after_ready": memory(server.process.pid)},
    }
    runs.append(run_report)
    api = SetupApi(server.port)
    sandbox_api = api if sandboxes.xendit_port == server.port else Api(sandboxes.xendit_port)
    before = await callbacks_kept(args, data_dir) if not args.sqlite else {}  # one database for every server
    try:
        print(
            f"  set-up: {args.orders} orders in {args.stores} stores by {min(args.buyers, args.orders)} buyers, "
            "paid and accepted ...",
            file=sys.stderr,
            flush=True,
        )
        async with asyncio.timeout(args.setup_timeout):
            orders, timings = await make_orders(args, api, sandbox_api, sandboxes, f"{tag}w{workers}")
        run_report["setup"] = {
            **timings,
            "orders": len(orders),
            "checkouts_per_s": round(len(orders) / timings["checkouts_s"], 1) if timings["checkouts_s"] else None,
        }
        print(f"  set-up done in {timings['total_s']} s ({timings})", file=sys.stderr, flush=True)

        ships = [
            encode_request(
                "POST",
                f"/api/v1/stores/{o.store_id}/orders/{o.order_id}/ship",
                server.port,
                headers=bearer(o.seller_token),
                agent=AGENT,
            )
            for o in orders
        ]
        ship, sent = await measure_phase(
            args, server, sandboxes, workers, "ship", ships, "/api/v1/stores/{store_id}/orders/{order_id}/ship"
        )
        bad_bookings = 0
        for order, answer in zip(orders, sent.answers, strict=True):
            if answer is not None and answer[0] == 200:
                body = json.loads(answer[1])
                order.booking_id = str(body.get("booking_id") or "")
                bad_bookings += body.get("status") != "confirmed" or body.get("order_status") != "shipping"
        ship["not_confirmed"] = bad_bookings
        ship["bookings"] = sum(bool(o.booking_id) for o in orders)
        run_report["phases"].append(ship)

        events = webhook_plan(server.port, orders, keys.gosend_token, args.copies, args.seed)
        hooks, sent = await measure_phase(args, server, sandboxes, workers, "webhooks", events, WEBHOOK)
        hooks["outcomes"] = dict(Counter(_outcome(a) for a in sent.answers).most_common())
        hooks["conflicts"] = sum(
            1 for a in sent.answers if a is not None and a[0] == 409 and b"concurrent-update" in a[1]
        )
        hooks["events_per_booking"] = len(SENT) * args.copies
        run_report["phases"].append(hooks)

        run_report["verify"] = await verify(args, server.port, orders)
        after = await callbacks_kept(args, data_dir)
        run_report["callbacks_kept"] = (
            {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0)}
            if isinstance(after, dict) and isinstance(before, dict)
            else after
        )
        run_report["memory"]["after_load"] = memory(server.process.pid)
    finally:
        api.close()
        if sandbox_api is not api:
            sandbox_api.close()
        server.stop()
        sandboxes.stop()
        if not args.sqlite:
            run_report["redis_keys_deleted"] = await drop_redis_prefix(args.redis_url, prefix)
        run_report["server_exit_status"] = server.process.returncode
        run_report["server_log_problems"] = server_problems(log_path)
        run_report["sandbox_log_problems"] = [line for s in sandboxes.processes for line in server_problems(s.log_path)]


# ---------------------------------------------------------------------------------------------- report


def failed_checks(report: dict[str, Any]) -> list[str]:
    """Everything that must hold: every ship and every webhook 200, every order verified."""
    failures = []
    for run in report["runs"]:
        for phase in run["phases"]:
            label = f"{run['workers']}w {phase['name']}"
            # A webhook may meet another about the same booking (same row): after its own retries the app answers
            # 409 concurrent-update, which GoSend retries. Reported (notes), not a failure: the check below says
            # whether every status got in. Anything else but 200 is a failure.
            others = {
                s: n
                for s, n in phase["statuses"].items()
                if s != "200" and not (phase["name"] == "webhooks" and s == "409" and phase.get("conflicts") == n)
            }
            if others or phase["failures"] or phase["answered"] != phase["planned"]:
                failures.append(
                    f"{label}: {phase['answered']}/{phase['planned']} answered, not 200: {others or '-'}, "
                    f"transport {phase['failures'] or '-'}"
                )
            if phase.get("not_confirmed"):
                failures.append(f"{label}: {phase['not_confirmed']} shipment(s) not confirmed / order not shipping")
        check = run.get("verify")
        if check and not check["ok"]:
            failures.append(
                f"{run['workers']}w verify: {check['correct']}/{check['orders']} correct; {check['problems']}"
            )
        if "verify" not in run:
            failures.append(f"{run['workers']}w: the run stopped before the check")
    return failures


COLUMNS = (
    "ok/s",
    "p50",
    "p95",
    "p99",
    "max",
    "non-200",
    "srv ms",
    "srv cpu ms/req",
    "cpu srv/pg/redis/sbx/gen/other %",
)


def _row(label: str, phase: dict[str, Any]) -> str:
    cpu = phase.get("cpu", {}).get("percent_of_one_core", {})
    cpu_text = "/".join(
        f"{cpu.get(k, 0):.0f}" for k in ("server", "postgres", "redis", "sandboxes", "loadgen", "other")
    )
    non_200 = sum(n for s, n in phase["statuses"].items() if s != "200") + (phase["planned"] - phase["answered"])
    server_ms, cpu_ms = phase.get("server_mean_ms"), phase.get("server_cpu_ms_per_request")
    values = (
        f"{phase['ok_per_s']:,.1f}",
        f"{phase['p50_ms']:.1f}",
        f"{phase['p95_ms']:.1f}",
        f"{phase['p99_ms']:.1f}",
        f"{phase['max_ms']:.1f}",
        str(non_200),
        "-" if server_ms is None else f"{server_ms:.2f}",
        "-" if cpu_ms is None else f"{cpu_ms:.1f}",
        cpu_text,
    )
    return f"{label:<16}" + "".join(f"{v:>{max(9, len(c) + 2)}}" for v, c in zip(values, COLUMNS, strict=True))


def shipping_table(report: dict[str, Any]) -> str:
    header = f"{'workers / phase':<16}" + "".join(f"{c:>{max(9, len(c) + 2)}}" for c in COLUMNS)
    lines = [header, "-" * len(header)]
    for run in report["runs"]:
        for phase in run["phases"]:
            lines.append(_row(f"{run['workers']}w / {phase['name']}", phase))
    lines.append("")
    for run in report["runs"]:
        setup = run.get("setup")
        if setup:
            lines.append(
                f"  {run['workers']}w set-up ({run['sandboxes']} sandboxes): {setup['orders']} orders in "
                f"{setup['total_s']} s (stores {setup['stores_s']} s, buyers {setup['buyers_s']} s, checkouts "
                f"{setup['checkouts_s']} s = {setup['checkouts_per_s']}/s, pay {setup['pay_s']} s, paid after "
                f"{setup['paid_wait_s']} s more, accept {setup['accept_s']} s)"
            )
        for phase in run["phases"]:
            extra = f"outcomes {phase['outcomes']}" if "outcomes" in phase else f"bookings {phase.get('bookings')}"
            lines.append(
                f"  {run['workers']}w {phase['name']:<8} {phase['answered']}/{phase['planned']} in "
                f"{phase['seconds']:.1f} s over {phase['connections']} connections; statuses "
                f"{phase['statuses']}; per second min/median/max {phase['rps_per_second']}; {extra}; "
                f"pg sessions opened {phase.get('pg_sessions_opened')}"
            )
        check = run.get("verify")
        if check:
            lines.append(
                f"  {run['workers']}w verify   {check['correct']}/{check['orders']} orders delivered with the "
                f"timeline {','.join(HAPPY)}: {'OK' if check['ok'] else 'NO: ' + json.dumps(check['problems'])}"
            )
        if run.get("callbacks_kept"):
            lines.append(f"  {run['workers']}w provider_callbacks kept: {run['callbacks_kept']}")
    lines.append("")
    lines.append("Resident memory of the server (MiB; VmRSS now / VmHWM peak):")
    for run in report["runs"]:
        for moment in ("after_ready", "after_load"):
            mem = run.get("memory", {}).get(moment)
            if mem:
                each = ", ".join(f"{p['role']} {p['pid']}: {p['rss_mib']}/{p['peak_mib']}" for p in mem["processes"])
                lines.append(f"  {run['workers']}w {moment:<11} total {mem['total_rss_mib']} ({each})")
    return "\n".join(lines)


def notes(report: dict[str, Any]) -> list[str]:
    """What is worth knowing but fails nothing."""
    found = []
    for run in report["runs"]:
        hooks = next((p for p in run["phases"] if p["name"] == "webhooks"), None)
        if hooks and hooks.get("conflicts"):
            found.append(
                f"{run['workers']}w webhooks: {hooks['conflicts']} answered 409 concurrent-update (another "
                "webhook about the same booking won the row each of the app's attempts; GoSend would retry)"
            )
        kept = run.get("callbacks_kept")
        early = kept.get("gosend/booking/unmatched confirmed") if isinstance(kept, dict) else None
        if early:
            ships = next((p["answered"] for p in run["phases"] if p["name"] == "ship"), "?")
            found.append(
                f"{run['workers']}w ship: {early} of {ships} `confirmed` webhooks from the sandbox arrived "
                'before the ship had recorded its booking: kept unmatched ("no shipment has this booking")'
            )
    return found


def print_failures(report: dict[str, Any]) -> None:
    print("\n" + "!" * 100 + "\nFAILED CHECKS:")
    for failure in report["failed_checks"]:
        print(f"  - {failure}")
    for run in report["runs"]:
        samples = [s for p in run["phases"] for s in p["unexpected"]] + run.get("verify", {}).get("samples", [])
        for sample in samples[:10]:
            print(f"  {run['workers']}w: {json.dumps(sample)[:1500]}")
        for what in ("server_log_problems", "sandbox_log_problems"):
            if run.get(what):
                print(f"  {run['workers']}w {what.replace('_', ' ')} ({run['server_log']} and beside it):")
                for line in run[what][:20]:
                    print(f"    {line[:1500]}")
    print("!" * 100)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = args.results_dir / f"logs-shipping-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    args.logs = logs
    keys = Secrets.new()
    env = base_environment(args, keys)
    report: dict[str, Any] = {
        "stamp": stamp,
        "host_cpus": os.cpu_count(),
        "command": " ".join(sys.argv),
        "logs": str(logs),
        "backend": "sqlite" if args.sqlite else "postgresql",
        "settings": {k: v for k, v in vars(args).items() if k not in ("results_dir", "logs")},
        "runs": [],
    }
    report["database"] = await prepare_database(args, {**env, "MARKETPLACE_DATA_DIR": str(logs / "var-migrate")}, logs)
    tag = secrets.token_hex(3)
    try:
        for workers in args.worker_counts:
            await measure_server(args, env, keys, workers, tag, report["runs"])
    finally:
        report["failed_checks"] = failed_checks(report)
        report["json"] = str(write_json(report, args.results_dir, stamp, name="shipping_load"))
    return report


def show(report: dict[str, Any]) -> None:
    print(f"Database: {report['database']}")
    print(shipping_table(report))
    for note in notes(report):
        print(f"  note: {note}")
    if report["failed_checks"]:
        print_failures(report)
    print(f"\nJSON: {report['json']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_main("shipping_load", lambda: run(args), show, uvloop=not args.no_uvloop)


if __name__ == "__main__":
    sys.exit(main())
