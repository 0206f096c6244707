"""Chat benchmark: with N connected Socket.IO clients on one server process (250 buyer/seller pairs, 500
sockets by default), buyers send `message:send` at steady total rates; per rate, messages stored (acked)
and delivered (the seller's `message:new`) per second, ack and delivery latency, errors and CPU; then a
check over HTTP that every conversation holds exactly the acked messages, `seq` 1..n without a gap.

The sockets live in load-generator processes (this file run with `--generator`), driven from the main
process over their stdin/stdout (one JSON object a line); the main process serves the app, makes the
users and conversations through the API, times the phases and measures CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _profile
from _common import MANY_USERS, run_main, server_environment, server_problems
from _infra import (
    BenchError,
    Server,
    drop_redis_prefix,
    fresh_database,
    memory,
    pg_sessions,
    require_loopback,
    run_cli,
    start_server,
    wait_for_quiet,
)
from _loadgen import LOOPBACK, percentile_ms
from _observe import CpuMeter
from _options import DEFAULT_REDIS, HERE
from _report import write_json
from _shop import Api, _user, open_store

DEFAULT_CHAT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/marketplace_bench_chat"
# Written as the comment of the database this benchmark creates: only such a database is ever dropped.
DB_MARKER = "made by bench/chat_load.py, which drops and recreates it at each run"
CHAT_RATE_LIMIT = 100_000  # messages per minute per user: the settings' maximum, far above what a buyer sends here
SAMPLES = 5  # unexpected answers kept per kind
BODY = "Halo kak, apakah barang ini masih ada? Bisa kirim hari ini ke Jakarta Selatan? "
SMOKE = {"pairs": 5, "rates": "20,50", "seconds": 3.0, "warmup": 1.0, "drain": 5.0}
SETTLE_S = 60.0  # how long the sends still unanswered after a phase's drain are waited for
DEFAULTS = {"pairs": 250, "rates": "100,200,300,600", "seconds": 20.0, "warmup": 3.0, "drain": 10.0}
clock = time.monotonic  # CLOCK_MONOTONIC: one clock for every process on the machine


# ---------------------------------------------------------------------------------------------- options


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="chat_load.py",
        description="Chat benchmark on loopback: N buyer/seller pairs connected over Socket.IO (websocket) to one "
        "server process; buyers send messages at steady total rates; stored and delivered messages per second, "
        "ack and delivery latency; then every conversation checked over HTTP.",
    )
    add = parser.add_argument
    add(
        "--database-url",
        default=DEFAULT_CHAT_DB,
        help=f"PostgreSQL on 127.0.0.1 (default {DEFAULT_CHAT_DB}; recreated when this benchmark made it)",
    )
    add("--redis-url", default=DEFAULT_REDIS, help=f"Redis on 127.0.0.1 (default {DEFAULT_REDIS})")
    add(
        "--embedded",
        action="store_true",
        help="the embedded default instead: SQLite in the logs folder, Socket.IO and rate limits in the process "
        "(no PostgreSQL or Redis)",
    )
    add(
        "--smoke",
        action="store_true",
        help=f"prove it runs: {SMOKE['pairs']} pairs, rates {SMOKE['rates']}, {SMOKE['seconds']:.0f} s each "
        "(options given explicitly still win)",
    )
    add("--pairs", type=int, default=None, help=f"buyers, each with one conversation (default {DEFAULTS['pairs']})")
    add(
        "--stores",
        type=int,
        default=None,
        help="stores (one seller each) the conversations are spread over; sockets = pairs + stores "
        "(default = pairs: 500 distinct users)",
    )
    add("--rates", default=None, help=f"total target messages/s, one phase each (default {DEFAULTS['rates']})")
    add("--seconds", type=float, default=None, help=f"send period per rate (default {DEFAULTS['seconds']:.0f})")
    add(
        "--warmup",
        type=float,
        default=None,
        help=f"seconds at the first rate before the measured phases, not reported (default {DEFAULTS['warmup']:.0f})",
    )
    add(
        "--drain",
        type=float,
        default=None,
        help="after a phase's send period, wait at most this long for its acks and deliveries (default 10)",
    )
    add("--generators", type=int, default=1, help="load-generator processes the sockets are spread over (default 1)")
    add(
        "--max-in-flight",
        type=int,
        default=5_000,
        help="unanswered sends at most, over all generators; past it a generator waits (default 5,000)",
    )
    add("--max-messages", type=int, default=200_000, help="sends at most per phase (default 200,000)")
    add("--connect-concurrency", type=int, default=50, help="sockets connecting at once per generator (default 50)")
    add("--ready-timeout", type=float, default=90.0, help="seconds to wait for /health/ready (default 90)")
    add("--setup-timeout", type=float, default=600.0, help="seconds users, stores and conversations may take")
    add(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each phase wait up to this many seconds for the machine to go quiet (default 0)",
    )
    add("--quiet-below", type=float, default=40.0, help="'quiet': busy below this %% of one core (default 40)")
    add(
        "--profile",
        action="store_true",
        help="sample the server worker with py-spy during each measured phase (py-spy in .venv/bin or on PATH)",
    )
    add("--results-dir", type=Path, default=HERE / "results", help="where the JSON goes (default bench/results)")
    args = parser.parse_args(argv)
    base = SMOKE if args.smoke else DEFAULTS
    for name, value in base.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.stores is None:
        args.stores = args.pairs
    try:
        args.rate_list = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        parser.error(f"--rates {args.rates!r}: give numbers, e.g. 100,300,600")
    if not args.rate_list or min(args.rate_list) <= 0 or max(args.rate_list) > 20_000:
        parser.error("--rates: each between 0 and 20,000 messages/s")
    if (
        min(args.pairs, args.stores, args.generators, args.max_in_flight, args.max_messages, args.connect_concurrency)
        < 1
    ):
        parser.error(
            "--pairs, --stores, --generators, --max-in-flight, --max-messages and --connect-concurrency "
            "must be positive"
        )
    if args.seconds <= 0 or args.warmup < 0 or args.drain < 0:
        parser.error("--seconds must be positive, --warmup and --drain not negative")
    if args.seconds > 600 or args.pairs > 5_000 or args.stores > args.pairs or args.generators > 16:
        parser.error(
            "--seconds is at most 600, --pairs at most 5,000, --stores at most --pairs, --generators at most 16"
        )
    if args.generators > args.stores:
        parser.error("--generators is at most --stores (a store's seller and its buyers share a generator)")
    return args


# ---------------------------------------------------------------------------------------------- generator
# A child process: its share of the sockets, driven by JSON commands on stdin, answering on stdout.


@dataclass
class Outstanding:
    """One send, until both its ack and its delivery to the seller are in."""

    at: float
    phase: int
    conversation_id: str
    acked: bool = False
    delivered: bool = False


@dataclass
class Stats:
    """One phase's figures in one generator (seconds; the main process merges the generators')."""

    name: str
    start: float
    window_end: float
    reported: bool = False
    sent: int = 0
    answered: int = 0
    ack_ok: int = 0
    ack_errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[Any] = field(default_factory=list)
    send_errors: Counter[str] = field(default_factory=Counter)
    delivered: int = 0
    misrouted: int = 0
    ack_s: list[float] = field(default_factory=list)
    delivery_s: list[float] = field(default_factory=list)
    send_lag_s: list[float] = field(default_factory=list)
    loop_lag_s: list[float] = field(default_factory=list)
    acked_in_window: int = 0
    delivered_in_window: int = 0
    ack_per_second: Counter[int] = field(default_factory=Counter)
    delivered_per_second: Counter[int] = field(default_factory=Counter)
    capped_waits: int = 0
    not_sent: int = 0
    send_seconds: float = 0.0
    last_answer: float = 0.0


class Generator:
    def __init__(self, index: int) -> None:
        self.index = index
        self.pairs: list[tuple[str, Any]] = []  # (conversation id, the buyer's client)
        self.clients: list[Any] = []
        self.session: Any = None
        self.pending: dict[str, Outstanding] = {}
        self.phases: list[Stats] = []
        self.acked: dict[str, list[tuple[int, str]]] = {}  # conversation -> (seq, client_id) acked ok
        self.late: Counter[str] = Counter()  # answers arriving after their phase was reported
        self.unknown_deliveries = 0  # a message:new for nothing pending: a duplicate
        self.echoes = 0  # the sender's own copy of message:new (both participants' rooms get it)
        self.disconnects: Counter[str] = Counter()
        self.closing = False
        self.in_flight = 0

    # ------------------------------------------------------------------ sockets

    async def connect(self, command: dict[str, Any]) -> dict[str, Any]:
        import aiohttp
        import socketio

        url = f"http://{LOOPBACK}:{command['port']}"
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        gate = asyncio.Semaphore(command["concurrency"])
        errors: Counter[str] = Counter()

        def client(role: str) -> Any:
            made = socketio.AsyncClient(
                reconnection=False, handle_sigint=False, http_session=self.session, request_timeout=15
            )
            made.on("disconnect", functools.partial(self._disconnected, role))
            self.clients.append(made)
            return made

        async def open_one(made: Any, token: str) -> bool:
            async with gate:
                for attempt in range(2):
                    try:
                        await made.connect(
                            url,
                            auth={"token": token},
                            transports=["websocket"],
                            socketio_path="socket.io",
                            wait_timeout=15,
                        )
                        return True
                    except Exception as error:  # noqa: BLE001 - counted and reported
                        errors[f"{type(error).__name__}: {str(error)[:120]}"] += 1
                        await asyncio.sleep(0.2 * (attempt + 1))
            return False

        jobs = []
        for store in command["stores"]:
            seller = client("seller")
            mine = frozenset(c["conversation_id"] for c in store["conversations"])
            seller.on("message:new", functools.partial(self._delivered, mine))
            jobs.append(open_one(seller, store["seller_token"]))
            for conversation in store["conversations"]:
                buyer = client("buyer")
                buyer.on("message:new", self._echo)
                self.pairs.append((conversation["conversation_id"], buyer))
                jobs.append(open_one(buyer, conversation["buyer_token"]))
        # Interleave the stores' pairs, so consecutive sends go to different conversations and sellers.
        self.pairs.sort(key=lambda pair: pair[0])
        started = clock()
        async with asyncio.timeout(command["timeout"]):
            opened = await asyncio.gather(*jobs)
        return {
            "op": "connected",
            "sockets": len(jobs),
            "connected": sum(opened),
            "seconds": round(clock() - started, 2),
            "errors": dict(errors),
        }

    def _disconnected(self, role: str, *reason: Any) -> None:
        if not self.closing:
            self.disconnects[f"{role}: {reason[0] if reason else '?'}"] += 1

    def _echo(self, data: Any = None) -> None:
        self.echoes += 1

    def _delivered(self, mine: frozenset[str], data: Any = None) -> None:
        now = clock()
        named = data.get("client_id") if isinstance(data, dict) else None
        client_id = named if isinstance(named, str) else ""
        sent = self.pending.get(client_id)
        if sent is None or sent.delivered:
            self.unknown_deliveries += 1
            return
        sent.delivered = True
        stats = self.phases[sent.phase]
        if stats.reported:
            self.late["deliveries"] += 1
        else:
            stats.delivered += 1
            stats.delivery_s.append(now - sent.at)
            stats.delivered_per_second[int(now - stats.start)] += 1
            stats.delivered_in_window += now <= stats.window_end
        if data.get("conversation_id") != sent.conversation_id or sent.conversation_id not in mine:
            stats.misrouted += 1
        if sent.acked:
            del self.pending[client_id]

    def _answered(self, client_id: str, data: Any = None) -> None:
        now = clock()
        sent = self.pending.get(client_id)
        if sent is None or sent.acked:
            return
        sent.acked = True
        self.in_flight -= 1
        stats = self.phases[sent.phase]
        ok = isinstance(data, dict) and data.get("ok") is True and isinstance(data.get("message"), dict)
        if ok:
            message = data["message"]
            self.acked.setdefault(sent.conversation_id, []).append((int(message.get("seq", 0)), client_id))
        if stats.reported:
            self.late["acks_ok" if ok else "acks_error"] += 1
        else:
            stats.answered += 1
            stats.last_answer = now
            if ok:
                stats.ack_ok += 1
                stats.ack_s.append(now - sent.at)
                stats.ack_per_second[int(now - stats.start)] += 1
                stats.acked_in_window += now <= stats.window_end
            else:
                kind = str((data.get("error") or {}).get("type")) if isinstance(data, dict) else repr(data)[:80]
                stats.ack_errors[kind] += 1
                if len(stats.error_samples) < SAMPLES:
                    stats.error_samples.append(data)
        if sent.delivered or not ok:
            del self.pending[client_id]

    # ------------------------------------------------------------------ phases

    async def phase(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send at `rate` from `start_at` for `seconds` (bounded by `max_messages`), then drain."""
        index = len(self.phases)
        start, seconds, rate = command["start_at"], command["seconds"], command["rate"]
        stats = Stats(command["name"], start, start + seconds)
        self.phases.append(stats)
        total = min(command["max_messages"], int(rate * seconds))
        cap, drain = command["max_in_flight"], command["drain"]
        lag_watch = asyncio.create_task(self._watch_loop(stats, start + seconds))
        await asyncio.sleep(max(0.0, start - clock()))
        interval, pairs = 1.0 / rate, self.pairs
        last_send = start + seconds + 2.0  # a generator that fell this far behind stops sending
        for number in range(total):
            due = start + number * interval
            now = clock()
            if due > now:
                await asyncio.sleep(due - now)
                now = clock()
            if now > last_send:
                stats.not_sent = total - number  # reported as the generator's limit, not the server's error
                break
            if self.in_flight >= cap:
                stats.capped_waits += 1
                for _ in range(int((last_send - now) * 1000) + 1):
                    await asyncio.sleep(0.001)
                    if self.in_flight < cap or clock() > last_send:
                        break
                now = clock()
            conversation_id, buyer = pairs[number % len(pairs)]
            client_id = f"p{index}g{self.index}n{number}"
            self.pending[client_id] = Outstanding(now, index, conversation_id)
            stats.send_lag_s.append(now - due)
            try:
                await buyer.emit(
                    "message:send",
                    {
                        "conversation_id": conversation_id,
                        "client_id": client_id,
                        "body": f"{BODY}#{number}",
                        "media_ids": [],
                    },
                    callback=functools.partial(self._answered, client_id),
                )
            except Exception as error:  # noqa: BLE001 - a dead socket: counted, the phase goes on
                stats.send_errors[type(error).__name__] += 1
                del self.pending[client_id]
                continue
            stats.sent += 1
            self.in_flight += 1
        stats.send_seconds = clock() - start
        deadline = max(clock(), start + seconds) + drain
        while clock() < deadline and (stats.answered < stats.sent or stats.delivered < stats.ack_ok):
            await asyncio.sleep(0.02)
        stats.reported = True
        lag_watch.cancel()
        unanswered = sum(1 for s in self.pending.values() if s.phase == index and not s.acked)
        undelivered = sum(1 for s in self.pending.values() if s.phase == index and s.acked and not s.delivered)
        return {
            "op": "phase_done",
            "name": stats.name,
            "generator": self.index,
            "sent": stats.sent,
            "answered": stats.answered,
            "ack_ok": stats.ack_ok,
            "ack_errors": dict(stats.ack_errors),
            "error_samples": stats.error_samples,
            "send_errors": dict(stats.send_errors),
            "delivered": stats.delivered,
            "misrouted": stats.misrouted,
            "unanswered": unanswered,
            "undelivered": undelivered,
            "acked_in_window": stats.acked_in_window,
            "delivered_in_window": stats.delivered_in_window,
            "capped_waits": stats.capped_waits,
            "not_sent": stats.not_sent,
            "send_seconds": round(stats.send_seconds, 3),
            "last_answer_s": round(stats.last_answer - start, 3) if stats.last_answer else None,
            "ack_s": _rounded(stats.ack_s),
            "delivery_s": _rounded(stats.delivery_s),
            "send_lag_s": _rounded(stats.send_lag_s),
            "loop_lag_s": _rounded(stats.loop_lag_s),
            "ack_per_second": dict(stats.ack_per_second),
            "delivered_per_second": dict(stats.delivered_per_second),
        }

    async def _watch_loop(self, stats: Stats, until: float) -> None:
        """How late a 10 ms sleep wakes up: this process's event loop falling behind."""
        await asyncio.sleep(max(0.0, stats.start - clock()))
        while clock() < until:
            before = clock()
            await asyncio.sleep(0.01)
            stats.loop_lag_s.append(clock() - before - 0.01)

    async def settle(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait (bounded) until every send is answered and delivered; with `full`, what was acked per conversation."""
        started = clock()
        deadline = started + command["timeout"]
        while self.pending and clock() < deadline:
            await asyncio.sleep(0.05)
        return {
            "op": "settled",
            "acked": self.acked if command.get("full") else {},
            "late": dict(self.late),
            "waited_s": round(clock() - started, 2),
            "unanswered": sum(1 for s in self.pending.values() if not s.acked),
            "undelivered": sum(1 for s in self.pending.values() if s.acked and not s.delivered),
            "unknown_deliveries": self.unknown_deliveries,
            "echoes": self.echoes,
            "disconnects": dict(self.disconnects),
            "connected": sum(1 for c in self.clients if c.connected),
        }

    async def close(self) -> dict[str, Any]:
        self.closing = True
        try:
            async with asyncio.timeout(30):
                await asyncio.gather(*(c.disconnect() for c in self.clients if c.connected), return_exceptions=True)
        except TimeoutError:
            pass
        if self.session is not None:
            await self.session.close()
        return {"op": "closed"}


def _rounded(values: list[float]) -> list[float]:
    return [round(v, 6) for v in values]


async def generator_main(index: int) -> int:
    """Read commands until `close` or the end of stdin (the main process is gone): never outlives it."""
    loop = asyncio.get_running_loop()
    generator = Generator(index)

    def answer(reply: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(reply, separators=(",", ":")) + "\n")
        sys.stdout.flush()

    lifetime = clock() + 3600  # a hard cap whatever happens upstream
    while clock() < lifetime:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            await generator.close()
            return 0
        command = json.loads(line)
        op = command["op"]
        try:
            if op == "connect":
                lifetime = clock() + command["lifetime"]
                answer(await generator.connect(command))
            elif op == "phase":
                answer(await generator.phase(command))
            elif op == "settle":
                answer(await generator.settle(command))
            elif op == "close":
                answer(await generator.close())
                return 0
            else:
                answer({"op": "error", "error": f"unknown command {op!r}"})
        except Exception as error:  # noqa: BLE001 - reported to the main process, which stops the run
            answer({"op": "error", "error": f"{type(error).__name__}: {error}"})
    await generator.close()
    return 0


# ---------------------------------------------------------------------------------------------- main process


class GeneratorProcess:
    """A `chat_load.py --generator` child this run started (and alone stops)."""

    def __init__(self, index: int, process: asyncio.subprocess.Process) -> None:
        self.index, self.process = index, process

    @classmethod
    async def start(cls, index: int, log_path: Path) -> GeneratorProcess:
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__).resolve()),
                "--generator",
                str(index),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                limit=256 * 1024 * 1024,
            )
        return cls(index, process)

    async def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()

    async def receive(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            line = await self.process.stdout.readline()
        if not line:
            raise BenchError(f"generator {self.index} exited ({self.process.returncode}); see its log")
        reply = json.loads(line)
        if reply.get("op") == "error":
            raise BenchError(f"generator {self.index}: {reply['error']}")
        return reply  # type: ignore[no-any-return]

    async def request(self, command: dict[str, Any], timeout: float) -> dict[str, Any]:
        await self.send(command)
        return await self.receive(timeout)

    async def stop(self) -> None:
        if self.process.returncode is None:
            try:
                await self.request({"op": "close"}, 40)
            except (BenchError, TimeoutError, OSError, ValueError):
                pass
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()  # its stdin reader thread sees the end and returns
        try:
            async with asyncio.timeout(10):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()  # our own child, by its pid
            await self.process.wait()


class ChatCpuMeter(CpuMeter):
    """The phase's CPU with every generator process in the load generator's share."""

    def __init__(self, server_root: int, generator_pids: list[int]) -> None:
        super().__init__(server_root)
        self.generator_pids = generator_pids

    def _groups(self) -> dict[str, list[int]]:
        groups = super()._groups()
        groups["loadgen"] = [os.getpid(), *self.generator_pids]
        groups["generators"] = list(self.generator_pids)  # a part of loadgen, shown on its own
        return groups

    def stop(self) -> dict[str, Any]:
        figures = super().stop()
        percent = figures["percent_of_one_core"]
        percent["other"] = round(percent["other"] + percent["generators"], 1)  # counted twice by the sum
        return figures


def base_environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """The server's environment (`_common.server_environment`); the chat limiter must not throttle."""
    backend = (
        {}
        if args.embedded
        else {
            "database_url": args.database_url,
            "redis_url": args.redis_url,
            "MARKETPLACE_REDIS_PREFIX": f"bench-chat-{secrets.token_hex(6)}:",
        }
    )
    return server_environment(
        data_dir=data_dir, MARKETPLACE_CHAT_RATE_LIMIT=str(CHAT_RATE_LIMIT), **backend, **MANY_USERS
    )


async def prepare_database(args: argparse.Namespace, env: dict[str, str], logs: Path) -> dict[str, Any]:
    if args.embedded:
        return {"database": "sqlite (embedded default) in the logs folder; Socket.IO and rate limits in process"}
    require_loopback(args.database_url, "--database-url")
    require_loopback(args.redis_url, "--redis-url")
    info: dict[str, Any] = {"database": await fresh_database(args.database_url, DB_MARKER)}
    if info["database"] == "kept":
        print("note: the database was not made by this benchmark: used as it is, not recreated", file=sys.stderr)
    with (logs / "migrate.log").open("w") as log:
        info["migrate_seconds"] = round(run_cli(["migrate"], env, 600, log), 2)
    return info


@dataclass
class Conversation:
    id: str
    store: int
    buyer_token: str


async def make_conversations(
    api: Api, args: argparse.Namespace, tag: str
) -> tuple[list[str], list[Conversation], dict[str, Any]]:
    """--stores sellers with a store each, --pairs buyers each opening a conversation with store i % stores."""
    timings: dict[str, Any] = {}
    started = clock()
    stores = await asyncio.gather(*(open_store(api, f"chat{n}", tag) for n in range(args.stores)))
    timings["stores_s"] = round(clock() - started, 1)
    mark = clock()
    tokens = await asyncio.gather(
        *(_user(api, f"chatbuyer{i}-{tag}@example.com", f"Pembeli {i}") for i in range(args.pairs))
    )
    timings["buyers_s"] = round(clock() - mark, 1)
    mark = clock()

    async def open_one(i: int) -> Conversation:
        store = i % args.stores
        body = await api.call(
            "POST", "/api/v1/conversations", {"store_id": stores[store][1]}, token=tokens[i], expect=(201,)
        )
        return Conversation(str(body["id"]), store, tokens[i])

    conversations = list(await asyncio.gather(*(open_one(i) for i in range(args.pairs))))
    timings["conversations_s"] = round(clock() - mark, 1)
    timings["total_s"] = round(clock() - started, 1)
    return [token for token, _ in stores], conversations, timings


def shares(
    args: argparse.Namespace, seller_tokens: list[str], conversations: list[Conversation]
) -> list[list[dict[str, Any]]]:
    """Each generator's stores (store s goes to generator s % generators), with their conversations."""
    stores: list[dict[str, Any]] = [{"seller_token": token, "conversations": []} for token in seller_tokens]
    for conversation in conversations:
        stores[conversation.store]["conversations"].append(
            {"conversation_id": conversation.id, "buyer_token": conversation.buyer_token}
        )
    return [stores[g :: args.generators] for g in range(args.generators)]


async def check_conversations(
    api: Api, conversations: list[Conversation], acked: dict[str, list[tuple[int, str]]]
) -> dict[str, Any]:
    """Every conversation read back over HTTP (as its buyer): seq 1..n, n = the acked count, each acked
    message stored with the seq its ack gave."""
    problems: list[dict[str, Any]] = []
    counts = Counter[str]()
    gate = asyncio.Semaphore(16)

    async def one(conversation: Conversation) -> None:
        stored: list[tuple[int, str]] = []
        cursor: str | None = None
        async with gate:
            for _ in range(10_000):
                path = f"/api/v1/conversations/{conversation.id}/messages?limit=100"
                page = await api.call(
                    "GET", path + (f"&cursor={cursor}" if cursor else ""), token=conversation.buyer_token, expect=(200,)
                )
                stored += [(int(m["seq"]), str(m["client_id"])) for m in page["items"]]
                cursor = page.get("next_cursor")
                if not cursor:
                    break
        mine = acked.get(conversation.id, [])
        seqs = sorted(seq for seq, _ in stored)
        counts["stored"] += len(stored)
        counts["acked"] += len(mine)
        missing = set(mine) - set(stored)
        unacked = {cid for _, cid in stored} - {cid for _, cid in mine}
        gap_free = seqs == list(range(1, len(seqs) + 1))
        counts["gap_free"] += gap_free
        counts["acked_missing"] += len(missing)
        counts["stored_unacked"] += len(unacked)
        if len(stored) != len(mine) or missing or not gap_free:
            problems.append(
                {
                    "conversation_id": conversation.id,
                    "stored": len(stored),
                    "acked": len(mine),
                    "gap_free": gap_free,
                    "acked_missing": sorted(missing)[:5],
                    "stored_unacked": sorted(unacked)[:5],
                }
            )

    started = clock()
    await asyncio.gather(*(one(c) for c in conversations))
    return {
        "conversations": len(conversations),
        "stored": counts["stored"],
        "acked": counts["acked"],
        "gap_free": counts["gap_free"],
        "acked_missing": counts["acked_missing"],
        "stored_unacked": counts["stored_unacked"],
        "mismatched": len(problems),
        "samples": problems[:SAMPLES],
        "ok": not problems,
        "seconds": round(clock() - started, 1),
    }


def merge(name: str, rate: float, seconds: float, replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The generators' figures of one phase, as one."""

    def total(key: str) -> int:
        return sum(int(r[key]) for r in replies)

    def joined(key: str) -> list[float]:
        return [v for r in replies for v in r[key]]

    def counted(key: str) -> dict[str, int]:
        merged: Counter[str] = Counter()
        for reply in replies:
            merged.update(reply[key])
        return dict(merged)

    def per_second(key: str) -> dict[str, int]:
        merged: Counter[int] = Counter()
        for reply in replies:
            merged.update({int(k): v for k, v in reply[key].items()})
        values = [merged[s] for s in range(int(seconds))] or [0]
        return {"min": min(values), "median": sorted(values)[len(values) // 2], "max": max(values)}

    acks, deliveries = joined("ack_s"), joined("delivery_s")
    send_lag, loop_lag = joined("send_lag_s"), joined("loop_lag_s")
    errors = counted("ack_errors")
    send_errors = counted("send_errors")
    unanswered = total("unanswered")
    return {
        "name": name,
        "target_rate": rate,
        "seconds": seconds,
        "sent": total("sent"),
        "offered_per_s": round(total("sent") / seconds, 1),
        "stored": total("ack_ok"),
        "delivered": total("delivered"),
        "stored_per_s": round(total("acked_in_window") / seconds, 1),
        "delivered_per_s": round(total("delivered_in_window") / seconds, 1),
        "ack_p50_ms": percentile_ms(acks, 50),
        "ack_p99_ms": percentile_ms(acks, 99),
        "ack_max_ms": percentile_ms(acks, 100),
        "delivery_p50_ms": percentile_ms(deliveries, 50),
        "delivery_p99_ms": percentile_ms(deliveries, 99),
        "delivery_max_ms": percentile_ms(deliveries, 100),
        "errors": sum(errors.values()) + sum(send_errors.values()),
        "ack_errors": errors,
        "send_errors": send_errors,
        "unanswered_after_drain": unanswered,
        "undelivered_after_drain": total("undelivered"),
        "misrouted": total("misrouted"),
        "error_samples": [s for r in replies for s in r["error_samples"]][:SAMPLES],
        "stored_per_second": per_second("ack_per_second"),
        "delivered_per_second": per_second("delivered_per_second"),
        "send_lag_p50_ms": percentile_ms(send_lag, 50),
        "send_lag_p99_ms": percentile_ms(send_lag, 99),
        "send_lag_max_ms": percentile_ms(send_lag, 100),
        "loop_lag_p50_ms": percentile_ms(loop_lag, 50),
        "loop_lag_p99_ms": percentile_ms(loop_lag, 99),
        "capped_waits": total("capped_waits"),
        "not_sent_generator_behind": total("not_sent"),
        "send_seconds_max": max(r["send_seconds"] for r in replies),
        "last_answer_s": max((r["last_answer_s"] or 0.0) for r in replies),
    }


async def run_phase(
    args: argparse.Namespace,
    gens: list[GeneratorProcess],
    server: Server,
    name: str,
    rate: float,
    seconds: float,
    weights: list[float],
    measure: bool,
) -> dict[str, Any]:
    busy_before = await wait_for_quiet(args.quiet_wait, args.quiet_below) if measure else None
    sessions = await pg_sessions(args.database_url) if measure and not args.embedded else None
    start_at = clock() + 0.5
    for gen, weight in zip(gens, weights, strict=True):
        await gen.send(
            {
                "op": "phase",
                "name": name,
                "rate": rate * weight,
                "seconds": seconds,
                "start_at": start_at,
                "drain": args.drain,
                "max_messages": max(1, int(args.max_messages * weight)),
                "max_in_flight": max(1, int(args.max_in_flight * weight)),
            }
        )
    meter = ChatCpuMeter(server.process.pid, [g.process.pid for g in gens])
    await asyncio.sleep(max(0.0, start_at - clock()))
    profiler, profile_out, profile = None, args.logs / f"profile-{name.replace('/', 'per')}.txt", None
    if measure and args.profile:
        profiler = await _profile.start(_profile.first_worker(server.process.pid), seconds, profile_out)
        if profiler is None:
            profile = {"error": "py-spy is not installed (.venv/bin/pip install py-spy, or on PATH)"}
    meter.start()
    await asyncio.sleep(max(0.0, start_at + seconds - clock()))
    cpu = meter.stop()
    replies = [await gen.receive(seconds + args.drain + 60) for gen in gens]
    if profiler is not None:
        profile = await _profile.finish(profiler, profile_out, 30)
    summary = merge(name, rate, seconds, replies)
    summary["cpu"] = cpu
    if profiler is not None or (measure and args.profile):
        summary["profile"] = profile
    if summary["unanswered_after_drain"] or summary["undelivered_after_drain"]:
        # The next phase starts on an idle server: what is still queued from this one is waited for (bounded).
        waits = [await gen.request({"op": "settle", "timeout": SETTLE_S}, SETTLE_S + 30) for gen in gens]
        summary["settled_before_next_s"] = max(w["waited_s"] for w in waits)
        summary["still_unanswered_before_next"] = sum(w["unanswered"] for w in waits)
    if measure:
        summary["machine_busy_before_pct"] = busy_before
        if sessions is not None:
            after = await pg_sessions(args.database_url)
            summary["pg_sessions_opened"] = None if after is None else after - sessions
        server_s = cpu["percent_of_one_core"]["server"] / 100 * cpu["wall_s"]
        in_window = summary["stored_per_s"] * seconds
        summary["server_cpu_ms_per_msg"] = round(1000 * server_s / in_window, 2) if in_window else None
        print(
            f"  {rate:>6.0f}/s target: stored {summary['stored_per_s']:,.1f}/s, delivered "
            f"{summary['delivered_per_s']:,.1f}/s, ack p50/p99 {summary['ack_p50_ms']}/{summary['ack_p99_ms']} ms, "
            f"delivery p50/p99 {summary['delivery_p50_ms']}/{summary['delivery_p99_ms']} ms, errors "
            f"{summary['errors']}, server cpu {cpu['percent_of_one_core']['server']:.0f}%, generators "
            f"{cpu['percent_of_one_core']['generators']:.0f}%",
            file=sys.stderr,
            flush=True,
        )
    return summary


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = args.results_dir / f"logs-chat-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    args.logs = logs
    env = base_environment(args, logs / "var")
    report: dict[str, Any] = {
        "stamp": stamp,
        "host_cpus": os.cpu_count(),
        "command": " ".join(sys.argv),
        "logs": str(logs),
        "settings": {k: v for k, v in vars(args).items() if k not in ("results_dir", "logs")},
        "environment": {k: v for k, v in env.items() if k.startswith("MARKETPLACE_") and "SECRET" not in k},
        "phases": [],
    }
    try:
        report["database"] = await prepare_database(args, env, logs)
        await body(args, env, logs, report)
    finally:
        report["failed_checks"] = failed_checks(report)
        report["json"] = str(write_json(report, args.results_dir, stamp, name="chat_load"))
    return report


async def body(args: argparse.Namespace, env: dict[str, str], logs: Path, report: dict[str, Any]) -> None:
    log_path = logs / "serve-1w.log"
    print("starting the server (1 worker) ...", file=sys.stderr, flush=True)
    server = await start_server(env, 1, log_path, [], args.ready_timeout)
    report.update(port=server.port, server_log=str(log_path), memory={"after_ready": memory(server.process.pid)})
    api = Api(server.port)
    gens: list[GeneratorProcess] = []
    try:
        print(
            f"  set-up: {args.stores} sellers with a store, {args.pairs} buyers with a conversation ...",
            file=sys.stderr,
            flush=True,
        )
        async with asyncio.timeout(args.setup_timeout):
            seller_tokens, conversations, timings = await make_conversations(api, args, secrets.token_hex(3))
        report["setup"] = timings
        parts = shares(args, seller_tokens, conversations)
        weights = [sum(len(s["conversations"]) for s in part) / args.pairs for part in parts]
        for index in range(args.generators):
            gens.append(await GeneratorProcess.start(index, logs / f"generator-{index}.log"))
        sockets = args.pairs + args.stores
        print(
            f"  connecting {sockets} sockets from {args.generators} generator process(es) ...",
            file=sys.stderr,
            flush=True,
        )
        started = clock()
        for gen, part in zip(gens, parts, strict=True):
            await gen.send(
                {
                    "op": "connect",
                    "port": server.port,
                    "stores": part,
                    "concurrency": args.connect_concurrency,
                    "timeout": 120,
                    "lifetime": 3000,
                }
            )
        connected = [await gen.receive(150) for gen in gens]
        report["connect"] = {
            "sockets": sum(c["sockets"] for c in connected),
            "connected": sum(c["connected"] for c in connected),
            "seconds": round(clock() - started, 2),
            "errors": {k: v for c in connected for k, v in c["errors"].items()},
        }
        if report["connect"]["connected"] != sockets:
            raise BenchError(
                f"only {report['connect']['connected']} of {sockets} sockets connected: {report['connect']['errors']}"
            )
        report["memory"]["after_connect"] = memory(server.process.pid)
        if args.warmup > 0:
            report["warmup"] = await run_phase(
                args, gens, server, "warmup", args.rate_list[0], args.warmup, weights, measure=False
            )
        for rate in args.rate_list:
            report["phases"].append(
                await run_phase(args, gens, server, f"{rate:g}/s", rate, args.seconds, weights, measure=True)
            )
        settled = [
            await gen.request({"op": "settle", "timeout": SETTLE_S, "full": True}, SETTLE_S + 30) for gen in gens
        ]
        acked: dict[str, list[tuple[int, str]]] = {}
        for reply in settled:
            for conversation_id, pairs in reply["acked"].items():
                acked.setdefault(conversation_id, []).extend((int(s), str(c)) for s, c in pairs)
        late: Counter[str] = Counter()
        disconnects: Counter[str] = Counter()
        for reply in settled:
            late.update(reply["late"])
            disconnects.update(reply["disconnects"])
        report["settled"] = {
            "late_after_drain": dict(late),
            "disconnects": dict(disconnects),
            "unanswered": sum(r["unanswered"] for r in settled),
            "undelivered": sum(r["undelivered"] for r in settled),
            "duplicate_or_unknown_deliveries": sum(r["unknown_deliveries"] for r in settled),
            "sender_echoes": sum(r["echoes"] for r in settled),
            "still_connected": sum(r["connected"] for r in settled),
        }
        report["memory"]["after_load"] = memory(server.process.pid)
        print("  checking every conversation over HTTP ...", file=sys.stderr, flush=True)
        report["check"] = await check_conversations(api, conversations, acked)
    finally:
        for gen in gens:
            await gen.stop()
        report["generator_exit_status"] = [gen.process.returncode for gen in gens]
        api.close()
        server.stop()
        report["server_exit_status"] = server.process.returncode
        report["server_log_problems"] = server_problems(log_path, 10)
        report["server_log_summary"] = server_log_summary(log_path)
        if not args.embedded:
            report["redis_keys_deleted"] = await drop_redis_prefix(args.redis_url, env["MARKETPLACE_REDIS_PREFIX"])


def server_log_summary(log_path: Path) -> list[tuple[str, int]]:
    """The app's error and warning lines (JSON) counted by level, message and the exception's last line."""
    kinds: Counter[str] = Counter()
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            if "[ERROR]" in line or "[WARNING]" in line or "Traceback" in line:
                kinds[line[:200]] += 1
            continue
        if isinstance(entry, dict) and entry.get("level") in ("warning", "error", "critical"):
            error = str(entry.get("error") or "").strip().splitlines()
            kinds[f"{entry['level']} {entry.get('msg')}: {error[-1][:200] if error else '-'}"] += 1
    return kinds.most_common(20)


def failed_checks(report: dict[str, Any]) -> list[str]:
    """What must hold whatever the load: every send answered, every stored message delivered once to its seller
    and to nobody else, no socket dropped, every conversation holding exactly its acked messages, seq 1..n.

    Error acks (the server refusing or failing a send: under overload, a database pool wait past 10 s) are
    figures of the phase, reported beside it, not failed checks."""
    failures = []
    for phase in ([report["warmup"]] if "warmup" in report else []) + report["phases"]:
        label = phase["name"]
        if phase["send_errors"]:
            failures.append(f"{label}: sends that could not be written to the socket {phase['send_errors']}")
        if phase["misrouted"]:
            failures.append(f"{label}: {phase['misrouted']} message(s) delivered to the wrong socket")
    settled = report.get("settled")
    if settled:
        if settled["unanswered"] or settled["undelivered"]:
            failures.append(
                f"after settling: {settled['unanswered']} send(s) never answered, {settled['undelivered']} "
                "acked message(s) never delivered to the seller"
            )
        if settled["disconnects"]:
            failures.append(f"sockets disconnected during the run: {settled['disconnects']}")
        if settled["duplicate_or_unknown_deliveries"]:
            failures.append(f"{settled['duplicate_or_unknown_deliveries']} message:new received twice or unknown")
    check = report.get("check")
    if check and not check["ok"]:
        failures.append(
            f"{check['mismatched']} conversation(s) differ from their acks: stored {check['stored']}, "
            f"acked {check['acked']}, acked but missing {check['acked_missing']}, stored unacked "
            f"{check['stored_unacked']}, gap-free {check['gap_free']}/{check['conversations']}"
        )
    return failures


COLUMNS = (
    "offered/s",
    "stored/s",
    "deliv/s",
    "ack p50",
    "ack p99",
    "dlv p50",
    "dlv p99",
    "dlv max",
    "errors",
    "late",
    "srv ms/msg",
    "gen lag p99",
    "cpu srv/pg/redis/gen/other %",
)


def table(report: dict[str, Any]) -> str:
    header = f"{'target':<10}" + "".join(f"{c:>{max(9, len(c) + 2)}}" for c in COLUMNS)
    lines = [header, "-" * len(header)]
    for phase in report["phases"]:
        cpu = phase["cpu"]["percent_of_one_core"]
        cpu_text = "/".join(f"{cpu.get(k, 0):.0f}" for k in ("server", "postgres", "redis", "loadgen", "other"))
        values = (
            f"{phase['offered_per_s']:,.1f}",
            f"{phase['stored_per_s']:,.1f}",
            f"{phase['delivered_per_s']:,.1f}",
            f"{phase['ack_p50_ms']:.1f}",
            f"{phase['ack_p99_ms']:.1f}",
            f"{phase['delivery_p50_ms']:.1f}",
            f"{phase['delivery_p99_ms']:.1f}",
            f"{phase['delivery_max_ms']:.1f}",
            str(phase["errors"]),
            str(phase["unanswered_after_drain"]),
            "-" if phase.get("server_cpu_ms_per_msg") is None else f"{phase['server_cpu_ms_per_msg']:.2f}",
            f"{phase['loop_lag_p99_ms']:.1f}",
            cpu_text,
        )
        lines.append(
            f"{phase['name']:<10}" + "".join(f"{v:>{max(9, len(c) + 2)}}" for v, c in zip(values, COLUMNS, strict=True))
        )
    lines.append("")
    for phase in report["phases"]:
        lines.append(
            f"  {phase['name']:<8} sent {phase['sent']} in {phase['seconds']:.0f} s, stored {phase['stored']}, "
            f"delivered {phase['delivered']} (all answers of the phase, drain included; last at "
            f"{phase['last_answer_s']:.1f} s); stored per second min/median/max {phase['stored_per_second']}; "
            f"send lag p50/p99/max {phase['send_lag_p50_ms']}/{phase['send_lag_p99_ms']}/{phase['send_lag_max_ms']} "
            f"ms; loop lag p50/p99 {phase['loop_lag_p50_ms']}/{phase['loop_lag_p99_ms']} ms; in-flight cap waits "
            f"{phase['capped_waits']}; ack max {phase['ack_max_ms']} ms; unanswered/undelivered after drain "
            f"{phase['unanswered_after_drain']}/{phase['undelivered_after_drain']}; errors {phase['ack_errors'] or '-'} "
            f"{phase['send_errors'] or ''}; generators' cpu {phase['cpu']['percent_of_one_core']['generators']:.0f}%; "
            f"pg sessions opened {phase.get('pg_sessions_opened')}"
        )
    connect, setup = report.get("connect", {}), report.get("setup", {})
    lines += [
        "",
        f"Set-up {setup}; sockets connected {connect.get('connected')}/{connect.get('sockets')} in "
        f"{connect.get('seconds')} s {connect.get('errors') or ''}",
    ]
    settled = report.get("settled")
    if settled:
        lines.append(f"Settled: {settled}")
    check = report.get("check")
    if check:
        lines.append(
            f"Check over HTTP: {check['conversations']} conversations, stored {check['stored']} = acked "
            f"{check['acked']}: {'yes' if check['stored'] == check['acked'] else 'NO'}; gap-free seq "
            f"{check['gap_free']}/{check['conversations']}; acked but missing {check['acked_missing']}; stored but "
            f"never acked {check['stored_unacked']} -> {'OK' if check['ok'] else 'MISMATCH'} ({check['seconds']} s)"
        )
    lines.append("Resident memory (MiB; VmRSS now / VmHWM peak):")
    for moment in ("after_ready", "after_connect", "after_load"):
        mem = report.get("memory", {}).get(moment)
        if mem:
            each = ", ".join(f"{p['role']} {p['pid']}: {p['rss_mib']}/{p['peak_mib']}" for p in mem["processes"])
            lines.append(f"  {moment:<13} total {mem['total_rss_mib']} ({each})")
    return "\n".join(lines)


def profile_text(report: dict[str, Any], top: int = 15) -> str:
    lines: list[str] = []
    for phase in report["phases"]:
        profile = phase.get("profile")
        if not profile:
            continue
        if "error" in profile:
            lines.append(f"\nProfile {phase['name']}: {profile['error']}")
            continue
        lines.append(
            f"\nProfile of the server worker, {phase['name']}: {profile['samples']} samples ({profile['raw']})"
        )
        lines.append(
            "  by library (leaf frame): " + ", ".join(f"{n} {p}%" for n, p in profile["leaf_library_pct"][:10])
        )
        for title, key in (("self", "self_pct"), ("inclusive", "inclusive_pct")):
            lines.append(f"  top {title}:")
            lines += [f"    {pct:5.1f}%  {name}" for name, pct in profile[key][:top]]
    return "\n".join(lines)


def print_failures(report: dict[str, Any]) -> None:
    if report["failed_checks"]:
        print("\n" + "!" * 100 + "\nFAILED CHECKS:")
        for failure in report["failed_checks"]:
            print(f"  - {failure}")
    else:
        print("\nErrors (figures of the phases, not failed checks):")
    for phase in report["phases"]:
        for sample in phase["error_samples"]:
            print(f"  {phase['name']} ack: {json.dumps(sample)[:1500]}")
    for sample in report.get("check", {}).get("samples", []):
        print(f"  conversation: {json.dumps(sample)}")
    if report.get("server_log_summary"):
        print(f"  server log ({report['server_log']}), error/warning lines by kind (level, message, exception):")
        for line, count in report["server_log_summary"]:
            print(f"    {count:>6} x {line}")
    if report["failed_checks"]:
        print("!" * 100)


def show(report: dict[str, Any]) -> None:
    print(
        f"Database: {report['database']}; {report['connect']['connected']} sockets on one server process; "
        f"MARKETPLACE_CHAT_RATE_LIMIT={CHAT_RATE_LIMIT} (the limiter never throttles)"
    )
    print(table(report))
    print(profile_text(report))
    if report["failed_checks"] or any(p["errors"] for p in report["phases"]) or report.get("server_log_problems"):
        print_failures(report)
    print(f"\nJSON: {report['json']}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--generator"]:
        return asyncio.run(generator_main(int(argv[1])))
    args = parse_args(argv)
    return run_main("chat_load", lambda: run(args), show, uvloop=False)


if __name__ == "__main__":
    sys.exit(main())
