"""`marketplace ledger reconcile` on the served embedded default: it agrees after real sales, and
reports (exit 1, with the difference) a ledger that does not match the payments."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import httpx

from tests.integration.serving import command, served
from tests.integration.test_served_shipping import _accepted_order, _until


def _reconcile(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKETPLACE_")}
    env["MARKETPLACE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        command("ledger", "reconcile"), env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


async def test_reconcile_agrees_after_sales_and_catches_a_tampered_ledger(tmp_path: Path) -> None:
    with served(tmp_path, {}) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await _accepted_order(client)  # paid: its sale is booked
            returned = await _accepted_order(client)  # paid, shipped, brought back: refunded
            shipped = await client.post(f"{returned['base']}/ship", headers=returned["seller"])
            assert shipped.status_code == 200, shipped.text
            booking = shipped.json()["booking_id"]
            for status in ("picked", "rejected"):
                moved = await client.post(
                    f"/sandbox/gosend/_sandbox/bookings/{booking}/advance", json={"status": status}
                )
                assert moved.status_code == 200, moved.text
            assert await _until(returned["order_status"], lambda s: s == "returned") == "returned"
            # The refund owed is asked of the provider by the worker, a moment after the return: until
            # then the money is received and kept, and reconcile rightly disagrees.
            for _ in range(100):
                agreed = _reconcile(tmp_path)
                if agreed.returncode == 0:
                    break
                assert "owed, never asked" in agreed.stdout, agreed.stdout + agreed.stderr
                await asyncio.sleep(0.2)
    agreed = _reconcile(tmp_path)
    assert agreed.returncode == 0, agreed.stdout + agreed.stderr
    assert "agrees" in agreed.stdout
    figures = {
        m.group(1): int(m.group(2).replace(",", ""))
        for m in re.finditer(r"^\s*([a-z() ]+?)\s{2,}(-?[\d,]+)", agreed.stdout, re.MULTILINE)
    }
    received, owed, asked = figures["payments received"], figures["refunds owed"], figures["asked of provider"]
    assert received > owed > 0 and asked == owed and "never asked" not in agreed.stdout

    with sqlite3.connect(tmp_path / "marketplace.db") as db:
        db.execute("UPDATE account_balances SET balance = balance - 7 WHERE account = 'platform:marketplace:clearing'")
    off = _reconcile(tmp_path)
    assert off.returncode == 1, off.stdout + off.stderr
    assert "difference" in off.stdout and off.stdout.strip().splitlines()[-1].split()[-1] == "7"
