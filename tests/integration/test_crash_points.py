"""The served app killed (os._exit, as a power cut) at each step boundary of checkout, payment callback
and payout, then started again on the same data: whatever instant it died, one outcome per key, every
charge either kept by a paid order or refunded, stock conserved, the ledger reconciled.

The app is tests/integration/crash_app.py (the production app plus a kill switch that only tests
have) on the embedded default's SQLite, against a standalone Xendit sandbox that outlives the app's
deaths and calls back to its fixed port; GoSend is the built-in sandbox (MARKETPLACE_SANDBOX=on).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.crash_app import KILLED_AT
from tests.integration.sandbox_server import SANDBOX_KEY, SANDBOX_TOKEN, sandbox_xendit
from tests.integration.serving import command, free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "crash-test-passphrase-nobody-guesses"
STOCK, BOUGHT, PRICE = 5, 2, 150_000
ADDRESS = {
    "recipient": "Ayu",
    "phone": "081234567890",
    "line1": "Jl. Sudirman 1",
    "city": "Jakarta",
    "postal_code": "10220",
    "lat": -6.2,
    "lng": 106.8,
}


class Shop:
    """One data dir and one app port; the Xendit sandbox is started once and calls back to that port."""

    def __init__(self, data_dir: Path, sandbox: str, port: int) -> None:
        self.data_dir, self.sandbox, self.port = data_dir, sandbox, port
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self, crash_at: str | None, orphan_after: float) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MARKETPLACE_", "CRASH_"))}
        env.update(
            {
                "MARKETPLACE_DATA_DIR": str(self.data_dir),
                "MARKETPLACE_SANDBOX": "on",
                "MARKETPLACE_XENDIT_BASE_URL": self.sandbox,
                "MARKETPLACE_XENDIT_SECRET_KEY": SANDBOX_KEY,
                "MARKETPLACE_XENDIT_CALLBACK_TOKEN": SANDBOX_TOKEN,
                "MARKETPLACE_PASSWORD_HASH_PROFILE": "light",
                "MARKETPLACE_AUTH_RATE_LIMIT": "1000000",
                "MARKETPLACE_ACCESS_LOG": "false",
                "MARKETPLACE_WORKER_IDLE_SECONDS": "0.1",
                "CRASH_ORPHAN_AFTER": str(orphan_after),
                "PYTHONPATH": os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT)) if p),
            }
        )
        if crash_at:
            env["CRASH_AT"] = crash_at
        return env

    @contextmanager
    def running(self, crash_at: str | None = None, orphan_after: float = 120) -> Iterator[str]:
        """The app; `orphan_after` as in a deployment unless a test waits for the worker's sweep."""
        self.log_path = self.data_dir / f"app-{time.monotonic_ns()}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed below
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.crash_app", "--port", str(self.port)],
            cwd=ROOT,
            env=self.environment(crash_at, orphan_after),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready(log.name)
            yield self.base
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=20)
            log.close()

    def _wait_ready(self, log_name: str) -> None:
        assert self.process is not None
        for _ in range(300):
            if self.process.poll() is not None:
                pytest.fail("the app exited: " + Path(log_name).read_text()[-2000:])
            try:
                if httpx.get(f"{self.base}/health/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail("the app did not start: " + Path(log_name).read_text()[-2000:])

    def died(self, step: str) -> bool:
        """The server is gone, its one worker killed at `step` (granian's supervisor then exits too)."""
        assert self.process is not None
        self.process.wait(timeout=20)
        return f"{KILLED_AT} {step}" in self.log_path.read_text()

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "marketplace.db")

    def reconcile(self) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
        env["MARKETPLACE_DATA_DIR"] = str(self.data_dir)
        return subprocess.run(
            command("ledger", "reconcile"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    port = free_port()
    retries = "0.5,1,2,3,5,8"  # at most six: Xendit gives up after that
    with sandbox_xendit(
        tmp_path, refund_seconds=0.5, callback_url=f"http://127.0.0.1:{port}", retry_seconds=retries
    ) as sandbox:
        yield Shop(tmp_path, sandbox, port)


async def _until(probe: Any, done: Any, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        current = await probe()
        if done(current) or time.monotonic() > deadline:
            return current
        await asyncio.sleep(0.2)


async def _user(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    registered = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert registered.status_code == 201, registered.text
    tokens = (await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _world(client: httpx.AsyncClient) -> dict[str, Any]:
    """A seller's store with one variant of STOCK units; a buyer with an address and BOUGHT of it in the cart.
    The access tokens last 15 minutes and the signing secret lives in the data dir: they outlive restarts."""
    seller, buyer = await _user(client, "seller"), await _user(client, "buyer")
    store = await client.post(
        "/api/v1/stores", json={"name": f"Toko {uuid.uuid4().hex[:6]}", "pickup_address": ADDRESS}, headers=seller
    )
    store_id = store.json()["id"]
    product = (
        await client.post(
            f"/api/v1/stores/{store_id}/products",
            headers=seller,
            json={
                "title": "Batik tulis",
                "variants": [{"sku": "B-1", "name": "One", "price": PRICE, "stock": STOCK, "weight_grams": 400}],
            },
        )
    ).json()
    assert (await client.post(f"/api/v1/products/{product['id']}/publish", headers=seller)).status_code == 200
    variant_id = product["variants"][0]["id"]
    address = (await client.post("/api/v1/me/addresses", json=ADDRESS, headers=buyer)).json()["id"]
    added = await client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": BOUGHT}, headers=buyer)
    assert added.status_code == 201, added.text
    return {
        "seller": seller,
        "buyer": buyer,
        "store_id": store_id,
        "variant_id": variant_id,
        "body": {"address_id": address, "shipping": {store_id: "instant"}},
    }


async def _place(client: httpx.AsyncClient, world: dict[str, Any], key: str) -> httpx.Response:
    return await client.post(
        "/api/v1/checkouts", json=world["body"], headers={**world["buyer"], "Idempotency-Key": key}
    )


async def _place_until_answered(client: httpx.AsyncClient, world: dict[str, Any], key: str) -> tuple[Any, int]:
    """Retries as a client should: after `Retry-After` while the dead request's claim lapses."""
    for tries in range(1, 6):
        answer = await _place(client, world, key)
        if answer.status_code != 409:
            return answer, tries
        assert answer.json()["type"] == "/problems/idempotency-in-progress", answer.text
        wait = int(answer.headers["retry-after"])
        assert 1 <= wait <= 10, "told the real wait, not to come back every second for minutes"
        await asyncio.sleep(wait)
    raise AssertionError("the key stayed in progress")


async def _dies(shop: Shop, step: str, call: Any) -> None:
    with pytest.raises(httpx.HTTPError):
        await call()
    assert shop.died(step), "the app was meant to die at its checkpoint"


async def _sandbox(shop: Shop, method: str, path: str, **kwargs: Any) -> Any:
    async with httpx.AsyncClient(base_url=shop.sandbox, auth=(SANDBOX_KEY, ""), timeout=30) as sandbox:
        answer = await sandbox.request(method, path, **kwargs)
        assert answer.status_code < 400, answer.text
        return answer.json()


def _rows(shop: Shop, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with shop.db() as db:
        return db.execute(query, args).fetchall()


async def _invariants(shop: Shop, world: dict[str, Any]) -> None:
    """Stock conserved; every invoice the provider was paid for kept by a paid checkout or refunded;
    the ledger reconciled (once the worker has asked for every refund owed)."""
    held = _rows(
        shop,
        "SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.variant_id = ? AND o.status NOT IN ('expired', 'cancelled', 'rejected')",
        world["variant_id"],
    )[0][0]
    [(stock,)] = _rows(shop, "SELECT stock FROM variants WHERE id = ?", world["variant_id"])
    assert stock + held == STOCK, f"stock {stock} + held {held} is not {STOCK}"
    for invoice in await _sandbox(shop, "GET", "/v2/invoices", params={"statuses": ["PAID", "SETTLED"]}):
        [(status, payment, refunds)] = _rows(
            shop, "SELECT status, payment_status, refunds FROM checkouts WHERE id = ?", invoice["external_id"]
        )
        assert payment == "paid", invoice
        if status != "paid":
            asked = sum(r["amount"] for r in json.loads(refunds) if r["status"] != "failed")
            assert asked == invoice["amount"], f"checkout {invoice['external_id']} is {status}: refund all of it"
    reconciled = None
    for _ in range(60):
        reconciled = shop.reconcile()
        if reconciled.returncode == 0:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(reconciled.stdout + reconciled.stderr if reconciled else "no reconcile")


@pytest.mark.parametrize("step", ["checkout.reserved", "checkout.invoiced", "checkout.recorded"])
async def test_a_checkout_killed_at_any_step_is_finished_by_a_retry_with_its_key(shop: Shop, step: str) -> None:
    key = uuid.uuid4().hex
    with shop.running(crash_at=step) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            world = await _world(client)
            await _dies(shop, step, lambda: _place(client, world, key))
    with shop.running() as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            first, tries = await _place_until_answered(client, world, key)
            assert first.status_code == 201, first.text
            assert tries <= 3
            again = await _place(client, world, key)
            assert (again.status_code, again.json()) == (201, first.json())
            checkout = first.json()
            orders = (await client.get("/api/v1/orders", headers=world["buyer"])).json()["items"]
            assert [o["checkout_id"] for o in orders] == [checkout["id"]], "one checkout for one key"
            made = await _sandbox(shop, "GET", "/v2/invoices", params={"external_id": checkout["id"]})
            assert [i["id"] for i in made] == [checkout["payment"]["invoice_id"]], "one invoice, the one recorded"
            cart = (await client.get("/api/v1/cart", headers=world["buyer"])).json()
            assert cart["stores"] == []
            await _sandbox(shop, "POST", f"/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")

            async def status() -> str:
                return (await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=world["buyer"])).json()[
                    "status"
                ]

            assert await _until(status, lambda s: s == "paid") == "paid"
            await _invariants(shop, world)


async def _checkout_dies_at(shop: Shop, step: str) -> dict[str, Any]:
    """A world built on an app that then dies at `step` of a checkout nobody will retry."""
    with shop.running(crash_at=step) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            world = await _world(client)
            await _dies(shop, step, lambda: _place(client, world, uuid.uuid4().hex))
    return world


async def test_a_checkout_killed_before_its_invoice_and_never_retried_leaves_nothing(shop: Shop) -> None:
    world = await _checkout_dies_at(shop, "checkout.reserved")
    with shop.running(orphan_after=2) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def voided() -> list[tuple[Any, ...]]:
                return _rows(shop, "SELECT status, voided FROM checkouts")

            assert await _until(voided, lambda rows: rows == [("cancelled", 1)]) == [("cancelled", 1)]
            assert (await client.get("/api/v1/orders", headers=world["buyer"])).json()["items"] == []
            store_orders = await client.get(f"/api/v1/stores/{world['store_id']}/orders", headers=world["seller"])
            assert store_orders.json()["items"] == []
            cart = (await client.get("/api/v1/cart", headers=world["buyer"])).json()
            assert cart["items_total"]["amount"] == BOUGHT * PRICE, "the cart is as it was"
            assert await _sandbox(shop, "GET", "/v2/invoices") == []
            await _invariants(shop, world)


async def test_an_invoice_paid_while_the_app_was_dead_is_kept_by_its_order(shop: Shop) -> None:
    world = await _checkout_dies_at(shop, "checkout.invoiced")
    [invoice] = await _sandbox(shop, "GET", "/v2/invoices")
    await _sandbox(shop, "POST", f"/_sandbox/invoices/{invoice['id']}/pay")  # its callbacks find nobody home
    with shop.running(orphan_after=2) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def orders() -> list[dict[str, Any]]:
                return (await client.get("/api/v1/orders", headers=world["buyer"])).json()["items"]

            paid = await _until(orders, lambda found: [o["status"] for o in found] == ["paid"])
            assert [(o["checkout_id"], o["status"]) for o in paid] == [(invoice["external_id"], "paid")]
            await _invariants(shop, world)


async def test_an_orphaned_invoice_is_expired_at_the_provider_and_can_no_longer_be_paid(shop: Shop) -> None:
    world = await _checkout_dies_at(shop, "checkout.invoiced")
    [invoice] = await _sandbox(shop, "GET", "/v2/invoices")
    with shop.running(orphan_after=2):

        async def at_provider() -> str:
            return (await _sandbox(shop, "GET", f"/v2/invoices/{invoice['id']}"))["status"]

        assert await _until(at_provider, lambda s: s == "EXPIRED") == "EXPIRED"
        async with httpx.AsyncClient(base_url=shop.sandbox) as sandbox:
            refused = await sandbox.post(f"/_sandbox/invoices/{invoice['id']}/pay")
        assert refused.status_code >= 400
        assert _rows(shop, "SELECT status, invoice_id FROM checkouts") == [("expired", invoice["id"])]
        await _invariants(shop, world)


async def test_a_payment_callback_whose_answer_was_lost_is_applied_once(shop: Shop) -> None:
    with shop.running(crash_at="callback.applied") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            world = await _world(client)
            checkout = (await _place(client, world, uuid.uuid4().hex)).json()
        await _sandbox(shop, "POST", f"/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")
        assert shop.died("callback.applied")
    with shop.running() as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def delivered() -> list[tuple[Any, ...]]:
                return _rows(shop, "SELECT note FROM provider_callbacks WHERE kind = 'invoice' ORDER BY received_at")

            notes = await _until(delivered, lambda rows: len(rows) >= 2)
            assert [n for (n,) in notes][:2] == ["paid", "unchanged"], "the provider's retry changed nothing"
            order = (await client.get(f"/api/v1/orders/{checkout['orders'][0]['id']}", headers=world["buyer"])).json()
            assert [h["status"] for h in order["history"]] == ["pending_payment", "paid"]
            await _invariants(shop, world)


async def _available_balance(client: httpx.AsyncClient, world: dict[str, Any]) -> int:
    """The buyer pays, the seller ships, the courier delivers, the buyer confirms: the sale is available."""
    checkout = (await _place(client, world, uuid.uuid4().hex)).json()
    await _sandbox_pay_and_wait(client, world, checkout)
    order_id = checkout["orders"][0]["id"]
    base = f"/api/v1/stores/{world['store_id']}/orders/{order_id}"
    assert (await client.post(f"{base}/accept", headers=world["seller"])).status_code == 200
    shipped = await client.post(f"{base}/ship", headers=world["seller"])
    assert shipped.status_code == 200, shipped.text
    moved = await client.post(
        f"/sandbox/gosend/_sandbox/bookings/{shipped.json()['booking_id']}/advance", json={"status": "delivered"}
    )
    assert moved.status_code == 200, moved.text

    async def order_status() -> str:
        return (await client.get(f"/api/v1/orders/{order_id}", headers=world["buyer"])).json()["status"]

    assert await _until(order_status, lambda s: s == "delivered") == "delivered"
    confirmed = await client.post(f"/api/v1/orders/{order_id}/confirm-received", headers=world["buyer"])
    assert confirmed.status_code == 200, confirmed.text
    balance = (await client.get(f"/api/v1/stores/{world['store_id']}/balance", headers=world["seller"])).json()
    return int(balance["available"]["amount"])


async def _sandbox_pay_and_wait(client: httpx.AsyncClient, world: dict[str, Any], checkout: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=world["sandbox"]) as sandbox:
        assert (await sandbox.post(f"/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")).status_code == 200

    async def status() -> str:
        return (await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=world["buyer"])).json()["status"]

    assert await _until(status, lambda s: s == "paid") == "paid"


@pytest.mark.parametrize("step", ["payout.requested", "payout.sent"])
async def test_a_withdrawal_killed_at_any_step_is_one_payout_for_its_key(shop: Shop, step: str) -> None:
    key, bank = (
        uuid.uuid4().hex,
        {"channel_code": "ID_BCA", "account_number": "1234567890", "account_holder_name": "Sari Dewi"},
    )
    with shop.running(crash_at=step) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            world = {**await _world(client), "sandbox": shop.sandbox}
            available = await _available_balance(client, world)
            assert available > 20_000
            withdraw = {"amount": 20_000, "bank": bank}
            path = f"/api/v1/stores/{world['store_id']}/withdrawals"
            await _dies(
                shop,
                step,
                lambda: client.post(path, json=withdraw, headers={**world["seller"], "Idempotency-Key": key}),
            )
    with shop.running() as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(5):
                answer = await client.post(path, json=withdraw, headers={**world["seller"], "Idempotency-Key": key})
                if answer.status_code != 409:
                    break
                await asyncio.sleep(int(answer.headers["retry-after"]))
            assert answer.status_code == 201, answer.text
            again = await client.post(path, json=withdraw, headers={**world["seller"], "Idempotency-Key": key})
            assert again.json()["id"] == answer.json()["id"]
            assert _rows(shop, "SELECT COUNT(*) FROM payouts") == [(1,)], "one payout for one key"

            async def at_provider() -> list[Any]:
                found = await _sandbox(shop, "GET", "/v2/payouts", params={"reference_id": answer.json()["id"]})
                return found["data"]

            assert len(await _until(at_provider, lambda found: len(found) >= 1)) == 1, "the provider was asked once"
            balance = (await client.get(f"/api/v1/stores/{world['store_id']}/balance", headers=world["seller"])).json()
            assert balance["available"]["amount"] == available - 20_000
            await _invariants(shop, world)
