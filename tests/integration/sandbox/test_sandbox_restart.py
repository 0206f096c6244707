"""A sandbox killed (SIGKILL) and started again on the same data dir answers as before: its invoices,
refunds, idempotency keys and bookings are still there and go on from where they were. So does the
built-in one after `marketplace serve` restarts on the SQLite embedded default."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from litestar.testing import AsyncTestClient

from marketplace.adapters.sandbox.xendit import XenditSandbox, XenditSandboxConfig, create_xendit_sandbox
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import DEV_XENDIT_KEY, Settings
from tests.integration.sandbox.conftest import (
    GOSEND_AUTH,
    GOSEND_CLIENT_ID,
    GOSEND_PASS_KEY,
    GOSEND_TOKEN,
    KEY,
    TOKEN,
    _wait_until_up,
    booking_body,
    until,
    xendit,
)
from tests.integration.serving import free_port

ENVIRONMENT = {
    "MARKETPLACE_XENDIT_SECRET_KEY": KEY,
    "MARKETPLACE_XENDIT_CALLBACK_TOKEN": TOKEN,
    "MARKETPLACE_SANDBOX_REFUND_SECONDS": "0",
    "MARKETPLACE_GOSEND_CLIENT_ID": GOSEND_CLIENT_ID,
    "MARKETPLACE_GOSEND_PASS_KEY": GOSEND_PASS_KEY,
    "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": GOSEND_TOKEN,
}


@contextmanager
def killed_at_the_end(provider: str, data_dir: Path, **env: str) -> Iterator[str]:
    """`marketplace sandbox <provider>` on a free port with `data_dir`; when done, SIGKILL to all its
    processes (granian's worker is a child process: killing the parent alone would leave it serving)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    environment.update({**ENVIRONMENT, "MARKETPLACE_DATA_DIR": str(data_dir), **env})
    log_path = data_dir / f"{provider}-{port}.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "marketplace.entrypoints.cli.sandbox",
                provider,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(server, f"{base}/_sandbox/callbacks", log_path)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def test_a_killed_xendit_sandbox_comes_back_with_its_invoices_refunds_and_keys(tmp_path: Path) -> None:
    with killed_at_the_end("xendit", tmp_path) as base, xendit(base) as client:
        waiting = client.post(
            "/v2/invoices",
            headers={"X-IDEMPOTENCY-KEY": "checkout-1"},
            json={"external_id": "checkout-1", "amount": 150_000},
        ).json()
        paid = client.post("/v2/invoices", json={"external_id": "checkout-2", "amount": 80_000}).json()
        assert client.post(f"/_sandbox/invoices/{paid['id']}/pay").status_code == 200
        refund = client.post("/refunds", json={"invoice_id": paid["id"], "amount": 30_000}).json()

    with killed_at_the_end("xendit", tmp_path) as base, xendit(base) as client:
        again = client.get(f"/v2/invoices/{waiting['id']}")
        assert again.status_code == 200 and again.json()["status"] == "PENDING"
        assert again.json()["amount"] == 150_000 and again.json()["created"] == waiting["created"]
        same = client.post(
            "/v2/invoices",
            headers={"X-IDEMPOTENCY-KEY": "checkout-1"},
            json={"external_id": "checkout-1", "amount": 150_000},
        )
        assert same.json()["id"] == waiting["id"], "the idempotency key still names the invoice it made"
        assert client.post(f"/_sandbox/invoices/{waiting['id']}/pay").json()["status"] == "PAID"
        assert client.get(f"/v2/invoices/{paid['id']}").json()["status"] == "PAID"
        assert client.get(f"/refunds/{refund['id']}").json()["status"] == "PENDING"
        assert client.post(f"/_sandbox/refunds/{refund['id']}/succeed").json()["status"] == "SUCCEEDED"
        over = client.post("/refunds", json={"invoice_id": paid["id"], "amount": 60_000})
        assert over.status_code == 400, "what was refunded before the restart still counts"

    with killed_at_the_end("xendit", tmp_path) as base, xendit(base) as client:
        assert client.get(f"/v2/invoices/{waiting['id']}").json()["status"] == "PAID"
        assert client.get(f"/refunds/{refund['id']}").json()["status"] == "SUCCEEDED"


def test_what_was_to_happen_by_itself_still_happens_after_a_kill(tmp_path: Path) -> None:
    with killed_at_the_end("xendit", tmp_path, MARKETPLACE_SANDBOX_REFUND_SECONDS="2") as base, xendit(base) as client:
        paid = client.post("/v2/invoices", json={"external_id": "checkout-3", "amount": 40_000}).json()
        client.post(f"/_sandbox/invoices/{paid['id']}/pay")
        refund = client.post("/refunds", json={"invoice_id": paid["id"]}).json()
    with killed_at_the_end("xendit", tmp_path, MARKETPLACE_SANDBOX_REFUND_SECONDS="2") as base, xendit(base) as client:
        settled = until(
            lambda: client.get(f"/refunds/{refund['id']}").json(),
            lambda found: found["status"] == "SUCCEEDED",
            seconds=15,
        )
    assert settled["status"] == "SUCCEEDED"


def test_a_killed_gosend_sandbox_comes_back_with_its_bookings(tmp_path: Path) -> None:
    with killed_at_the_end("gosend", tmp_path) as base, httpx.Client(base_url=base, headers=GOSEND_AUTH) as client:
        booked = client.post("/gokilat/v10/booking", json=booking_body("shipment-1"))
        assert booked.status_code == 201, booked.text
        order_no = booked.json()["orderNo"]
        assert client.post(f"/_sandbox/bookings/{order_no}/advance").json()["status"] == "allocated"

    with killed_at_the_end("gosend", tmp_path) as base, httpx.Client(base_url=base, headers=GOSEND_AUTH) as client:
        found = client.get(f"/gokilat/v10/booking/orderno/{order_no}")
        assert found.status_code == 200 and found.json()["status"] == "allocated" and found.json()["driverName"]
        assert client.get("/gokilat/v10/booking/storeOrderId/shipment-1").json()["orderNo"] == order_no
        assert client.post(f"/_sandbox/bookings/{order_no}/advance").json()["status"] == "out_for_pickup"
        assert client.post("/gokilat/v10/booking", json=booking_body("shipment-1")).status_code == 409
        other = client.post("/gokilat/v10/booking", json=booking_body("shipment-2")).json()["orderNo"]
        assert int(other.rsplit("-", 1)[1]) > int(order_no.rsplit("-", 1)[1])


def _config(state_dir: Path) -> XenditSandboxConfig:
    return XenditSandboxConfig(
        secret_key=KEY, callback_token=TOKEN, public_url="http://xendit.test", state_dir=state_dir
    )


def _client(sandbox: XenditSandbox) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://xendit.test", auth=httpx.BasicAuth(KEY, "")
    )


async def _invoice(sandbox: XenditSandbox, external_id: str) -> str:
    async with _client(sandbox) as client:
        made = await client.post("/v2/invoices", json={"external_id": external_id, "amount": 10_000})
    return str(made.json()["id"])


async def _invoices(sandbox: XenditSandbox) -> list[str]:
    async with _client(sandbox) as client:
        return [i["external_id"] for i in (await client.get("/v2/invoices")).json()]


async def test_what_a_kill_leaves_on_disk_is_enough_and_a_torn_last_write_is_dropped(tmp_path: Path) -> None:
    running, left = tmp_path / "running", tmp_path / "left"
    first = create_xendit_sandbox(_config(running))
    made = await _invoice(first, "o-1")
    shutil.copytree(running, left)  # the files as they are while it runs, as a kill -9 leaves them
    await first.shutdown()
    with open(left / "xendit.journal", "ab") as journal:
        journal.write(b'{"kind": "invoices", "key": "half-writ')
    second = create_xendit_sandbox(_config(left))
    async with _client(second) as client:
        assert (await client.get(f"/v2/invoices/{made}")).json()["external_id"] == "o-1"
    assert await _invoices(second) == ["o-1"]
    await second.shutdown()


async def test_a_second_sandbox_on_the_same_data_dir_leaves_the_first_ones_records_alone(tmp_path: Path) -> None:
    """As a CLI command's container does, which builds the built-in sandbox while `serve` runs."""
    serving = create_xendit_sandbox(_config(tmp_path))
    await _invoice(serving, "before")
    command = create_xendit_sandbox(_config(tmp_path))
    assert await _invoices(command) == []
    await _invoice(command, "the command's own")
    await command.shutdown()
    await _invoice(serving, "after")
    await serving.shutdown()
    again = create_xendit_sandbox(_config(tmp_path))
    assert await _invoices(again) == ["after", "before"]
    await again.shutdown()


async def test_the_built_in_sandbox_remembers_its_invoices_when_the_app_restarts(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {}, data_dir=str(tmp_path), password_hash_profile="light", access_log=False, run_worker=False
    )
    auth = {"Authorization": "Basic " + base64.b64encode(f"{DEV_XENDIT_KEY}:".encode()).decode()}
    async with AsyncTestClient(app=create_app(settings)) as client:
        made = await client.post(
            "/sandbox/xendit/v2/invoices", headers=auth, json={"external_id": "checkout-9", "amount": 25_000}
        )
        assert made.status_code == 200, made.text
    async with AsyncTestClient(app=create_app(settings)) as client:
        found = await client.get(f"/sandbox/xendit/v2/invoices/{made.json()['id']}", headers=auth)
        assert found.status_code == 200 and found.json()["status"] == "PENDING"
        assert (await client.post(f"/sandbox/xendit/_sandbox/invoices/{made.json()['id']}/pay")).status_code == 200
    assert (tmp_path / "sandbox" / "xendit.json").exists()
