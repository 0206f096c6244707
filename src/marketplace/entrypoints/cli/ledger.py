"""`marketplace ledger reconcile`: exit 0 when the ledger agrees with payments received minus
refunds (and no store or affiliate balance is negative), else 1 with the difference."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from marketplace.application.settlement.reconcile import Reconciliation
from marketplace.entrypoints.cli.runtime import started, upgrade_schema
from marketplace.entrypoints.container import resolve
from marketplace.entrypoints.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "ledger",
        help="check the ledger against the payment records",
        description="The ledger's money must be what buyers paid minus what is refunded.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    reconcile = actions.add_parser("reconcile", help="exit 0 when the ledger agrees, 1 (with the difference) otherwise")
    reconcile.set_defaults(handler=run_reconcile)


def run_reconcile(args: argparse.Namespace) -> int:
    report = asyncio.run(_reconcile(Settings.from_env()))
    print(f"payments received   {report.received:>16,}")
    print(f"refunds owed        {report.refunded:>16,}")
    print(
        f"  asked of provider {report.refunds_requested:>16,}  (refunded: {report.refunds_paid:,}; the rest of "
        "what was asked is on its way)"
    )
    if report.unrequested:
        print(f"owed, never asked   {report.unrequested:>16,}  (received and owed back, but no refund was requested)")
    print(f"expected in ledger  {report.expected:>16,}")
    print(f"ledger (clearing)   {-report.clearing:>16,}")
    print(f"ledger (accounts)   {report.allocated:>16,}")
    for account, balance in sorted(report.negative.items()):
        print(f"negative balance    {balance:>16,}  {account}")
    if report.agrees:
        print("the ledger agrees with the payments")
        return 0
    print(f"difference          {report.difference:>16,}")
    return 1


async def _reconcile(settings: Settings) -> Reconciliation:
    await upgrade_schema(settings)
    async with started(settings) as container:
        report: Reconciliation = await (await resolve(container.reconcile_ledger))()
        return report
