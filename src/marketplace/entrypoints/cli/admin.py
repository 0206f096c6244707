"""`marketplace admin create`: make an administrator account, or promote an existing one."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from marketplace.domain.identity.user import check_password, normalise_email
from marketplace.entrypoints.cli.runtime import CommandError, started, upgrade_schema
from marketplace.entrypoints.container import resolve
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("admin", help="manage administrators", description="Manage administrators.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create an admin (or promote an existing user) and print its id",
        description="Create an administrator, or make an existing user one and set their password. "
        "Without --password the password is read from standard input (one line).",
    )
    create.add_argument("--email", required=True, help="the admin's email address")
    create.add_argument("--password", help="the password; omit it to read one line from standard input")
    create.add_argument("--name", default="Administrator", help="display name for a new account")
    create.set_defaults(handler=run_create)


def read_password() -> str:
    """One line from standard input (hidden when it is a terminal), without surrounding space."""
    if sys.stdin is None:
        raise CommandError("no --password given and no standard input to read it from")
    line = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
    password = line.strip()
    if not password:
        raise CommandError("the password is empty: pass --password or write it on standard input")
    return password


def run_create(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if settings.backend != "sql":
        raise CommandError("admin create writes to the SQL database; the memory backend would forget the admin")
    email = normalise_email(args.email)
    password = check_password(args.password if args.password is not None else read_password())
    admin_id = asyncio.run(_create(settings, email, password, args.name))
    print(admin_id)
    return 0


async def _create(settings: Settings, email: str, password: str, name: str) -> str:
    await upgrade_schema(settings)
    async with started(settings) as container:
        create_admin = await resolve(container.create_admin)
        profile = await create_admin(email, password, name)
    return str(profile.id)
