"""The Xendit sandbox mounted under a prefix inside a Litestar app, served by granian: same paths under
the prefix, links and the Pay form right, callbacks delivered through the embedding app's client."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.conftest import TOKEN, until, xendit
from tests.integration.serving import free_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def embedding(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "SANDBOX_TEST_BASE_URL": base,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log_path = tmp_path_factory.mktemp("mounted") / "granian.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "granian"),
                "--interface",
                "asgi",
                "--factory",
                "--no-ws",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "tests.integration.sandbox.mounted_app:create_app",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(300):
                if server.poll() is not None:
                    pytest.fail("granian exited: " + log_path.read_text()[-2000:])
                try:
                    if httpx.get(f"{base}/received", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=15)


def _received(base: str, kind: str, subject_id: str) -> list[dict[str, Any]]:
    calls = httpx.get(f"{base}/received").json()
    return [
        c
        for c in calls
        if c["kind"] == kind and (c["payload"].get("id") or c["payload"].get("data", {}).get("id")) == subject_id
    ]


def test_mounted_under_a_prefix_it_serves_xendits_paths_and_its_page(embedding: str) -> None:
    with xendit(f"{embedding}/sandbox/xendit") as client:
        invoice = client.post("/v2/invoices", json={"external_id": "mounted", "amount": 12_500}).json()
        assert invoice["invoice_url"] == f"{embedding}/sandbox/xendit/web/{invoice['id']}"
        assert client.get(f"/v2/invoices/{invoice['id']}").json()["id"] == invoice["id"]
        assert client.get("/v2/invoices/").status_code == 200
        assert httpx.get(f"{embedding}/sandbox/xendit/v2/invoices").status_code == 401
        with httpx.Client(timeout=10) as browser:
            page = browser.get(invoice["invoice_url"])
            action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
            assert action is not None
            target = page.url.join(action.group(1))
            assert target.path == f"/sandbox/xendit/_sandbox/invoices/{invoice['id']}/pay"
            done = browser.post(str(target), data={"payment_channel": "BCA"}, follow_redirects=True)
            assert str(done.url) == invoice["invoice_url"] and "PAID" in done.text
        [paid] = until(lambda: _received(embedding, "invoice", invoice["id"]), bool)
        assert paid["token"] == TOKEN and paid["payload"]["status"] == "PAID"

        other = client.post("/v2/invoices", json={"external_id": "mounted-2", "amount": 500}).json()
        assert client.post(f"/invoices/{other['id']}/expire!").json()["status"] == "EXPIRED"
        [expired] = until(lambda: _received(embedding, "invoice", other["id"]), bool)
        assert expired["payload"]["status"] == "EXPIRED"


def test_mounted_its_refunds_settle_by_themselves_and_call_back(embedding: str) -> None:
    with xendit(f"{embedding}/sandbox/xendit") as client:
        invoice = client.post("/v2/invoices", json={"external_id": "mounted-refund", "amount": 9000}).json()
        client.post(f"/_sandbox/invoices/{invoice['id']}/pay")
        refund = client.post("/refunds", json={"invoice_id": invoice["id"], "amount": 9000}).json()
        [event] = until(lambda: _received(embedding, "refund", refund["id"]), bool)
    assert event["payload"]["event"] == "refund.succeeded" and event["token"] == TOKEN
