"""`marketplace serve`: migrate, then serve the HTTP app with granian (ASGI)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
from typing import Any

from marketplace.entrypoints.cli.runtime import CommandError, is_embedded, shown_url, upgrade_schema
from marketplace.entrypoints.settings import Settings

APP_MODULE = "marketplace.entrypoints.http.app"
APP_FACTORY = f"{APP_MODULE}:create_app"
ONE_PROCESS = (
    "the embedded default runs as one process (SQLite serialises writes; the cache and rate limits live "
    "in the process): set MARKETPLACE_DATABASE_URL (PostgreSQL) and MARKETPLACE_REDIS_URL to run several"
)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65_535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers (1-256)")
    return int(text)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the HTTP API (migrates the SQL schema first)",
        description="Serve the API with granian. On the SQL backend the schema is migrated first. "
        "Host and port default to MARKETPLACE_HOST / MARKETPLACE_PORT, else 127.0.0.1:8000.",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, help="port to listen on (default 8000)")
    parser.add_argument("--no-worker", action="store_true", help="do not run the background worker in this process")
    parser.add_argument(
        "--workers", type=_workers, default=1, help="server processes (more than 1 needs PostgreSQL and Redis)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.host is not None:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    settings = Settings.from_env(None, **overrides)
    if settings.port == 0:
        raise CommandError("MARKETPLACE_PORT must be a port number from 1 to 65535 to serve")
    settings.check_deployable()
    if args.workers > 1 and is_embedded(settings):
        raise CommandError(f"--workers {args.workers} refused: {ONE_PROCESS}")
    _check_app()
    if asyncio.run(upgrade_schema(settings)):
        print(f"Schema up to date: {shown_url(settings.sql_url)}", file=sys.stderr)
    export_environment(settings, run_worker=not args.no_worker)
    print(f"Serving {public_url(settings.host, settings.port)} (API docs at /docs)", file=sys.stderr)
    _serve(settings, args.workers)
    return 0


def public_url(host: str, port: int) -> str:
    """A URL that reaches the server: wildcard addresses become loopback, IPv6 gets brackets."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def export_environment(settings: Settings, *, run_worker: bool) -> None:
    """What the app factory reads from the environment in every server process."""
    os.environ["MARKETPLACE_HOST"] = settings.host
    os.environ["MARKETPLACE_PORT"] = str(settings.port)
    os.environ.setdefault("MARKETPLACE_PUBLIC_URL", public_url(settings.host, settings.port))
    if not run_worker:
        os.environ["MARKETPLACE_RUN_WORKER"] = "false"


def _check_app() -> None:
    try:
        found = importlib.util.find_spec(APP_MODULE) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        raise CommandError(f"the HTTP app ({APP_FACTORY}) is not installed", status=1)


def _serve(settings: Settings, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    loop = Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio
    Granian(
        APP_FACTORY,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        loop=loop,
        websockets=True,
        log_access=False,  # the app writes its own access log
    ).serve()
