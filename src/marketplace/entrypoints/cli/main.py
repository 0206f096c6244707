"""The `marketplace` console script: parse the command, run it, turn known errors into one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from marketplace.domain.shared.errors import DomainError
from marketplace.entrypoints.cli import admin, ledger, media, migrate, outbox, sandbox, seed, serve, worker
from marketplace.entrypoints.cli.runtime import CommandError
from marketplace.entrypoints.settings import SettingsError

PROGRAM = "marketplace"
Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Multi-vendor marketplace backend. Configuration comes from MARKETPLACE_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (serve, worker, migrate, seed, admin, media, outbox, sandbox, ledger):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (SettingsError, DomainError) as error:
        return _fail(str(error), 2)
    except CommandError as error:
        return _fail(str(error), error.status)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        reason = _unreachable_service(error)
        if reason is None:
            raise
        return _fail(reason, 1)


def _fail(message: str, status: int) -> int:
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)
    return status


def _unreachable_service(error: Exception) -> str | None:
    """One line when the database (or Redis) refused us or could not be reached; None for anything else."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        return f"the database refused the command: {_first_line(error.orig or error)}"
    if isinstance(error, OSError):
        return f"could not reach the database or another service: {_first_line(error)}"
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
