"""What every benchmark script repeats: the server's environment, its log's problems, and `main()`'s
run-and-exit (uvloop when asked for, exit statuses, the report printed only after a completed run)."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from _infra import BenchError, ServerFailed
from _options import EXIT_CHECK_FAILED, EXIT_SERVER_FAILED, EXIT_SETUP_FAILED

# Set-up registers hundreds of users from one address, and a long run outlives the default token.
MANY_USERS = {
    "MARKETPLACE_PASSWORD_HASH_PROFILE": "light",
    "MARKETPLACE_AUTH_RATE_LIMIT": "1000000",
    "MARKETPLACE_ACCESS_TOKEN_SECONDS": "86400",
}
_PROBLEM_LINE = re.compile(r'"level": "(error|critical|warning)"|Traceback|\[(ERROR|WARNING|CRITICAL)\]')


def server_environment(
    *, data_dir: Path | None = None, database_url: str | None = None, redis_url: str | None = None, **settings: str
) -> dict[str, str]:
    """This process's environment without inherited MARKETPLACE_* values, plus the run's own: no access
    log, a fresh signing key, the sandboxes on, the given data dir, database, Redis and other settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    env.update(
        MARKETPLACE_ACCESS_LOG="false", MARKETPLACE_JWT_SECRET=secrets.token_urlsafe(48), MARKETPLACE_SANDBOX="on"
    )
    if data_dir is not None:
        env["MARKETPLACE_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        env["MARKETPLACE_DATABASE_URL"] = database_url
    if redis_url is not None:
        env["MARKETPLACE_REDIS_URL"] = redis_url
    env.update(settings)
    return env


def server_problems(log_path: Path, limit: int = 40) -> list[str]:
    """The server log's error and warning lines (the app logs JSON lines; granian its own)."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line[:3000] for line in lines if _PROBLEM_LINE.search(line)][:limit]


def run_main(
    prog: str,
    run: Callable[[], Coroutine[Any, Any, dict[str, Any]]],
    show: Callable[[dict[str, Any]], None],
    *,
    uvloop: bool = True,
) -> int:
    """Runs the benchmark, prints its report with `show`, and answers the exit status: 0, 4 when a check
    failed (`failed_checks` in the report), 3 when the server did not start, 2 when set-up failed."""
    options: dict[str, Any] = {}
    if uvloop:
        try:
            import uvloop as uv

            options["loop_factory"] = uv.new_event_loop
        except ImportError:
            pass
    try:
        with asyncio.Runner(**options) as runner:
            report = runner.run(run())
    except ServerFailed as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_SERVER_FAILED
    except (BenchError, OSError, TimeoutError) as error:  # OSError: PostgreSQL or Redis unreachable
        print(f"{prog}: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    show(report)
    return EXIT_CHECK_FAILED if report.get("failed_checks") else 0
