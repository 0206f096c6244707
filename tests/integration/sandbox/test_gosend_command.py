"""`marketplace sandbox gosend` served for real (granian, a subprocess) and used over HTTP the way the
marketplace's adapter uses GoSend: estimate, book, follow, cancel, and webhooks to a real receiver."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.sandbox.conftest import BLOK_M, MONAS, Call, Receiver, booking_body, until
from tests.integration.sandbox_server import GOSEND_CLIENT_ID, GOSEND_PASS_KEY, GOSEND_TOKEN, sandbox_gosend

COMMAND = [sys.executable, "-m", "marketplace.entrypoints.cli.sandbox"]
AUTH = {"Client-ID": GOSEND_CLIENT_ID, "Pass-Key": GOSEND_PASS_KEY}


def test_the_command_serves_gosend_over_http_and_sends_webhooks(tmp_path: Path, receiver: Receiver) -> None:
    with (
        sandbox_gosend(tmp_path, callback_url=receiver.url) as base,
        httpx.Client(base_url=base, headers=AUTH, timeout=10) as client,
    ):
        estimate = client.get(
            "/gokilat/v10/calculate/price", params={"origin": MONAS, "destination": BLOK_M, "paymentType": 3}
        )
        assert estimate.status_code == 200
        assert estimate.json()["Instant"]["price"]["total_price"] == 10_000 + 2_500 * math.ceil(8.28)
        assert httpx.get(f"{base}/gokilat/v10/calculate/price").status_code == 401
        created = client.post("/gokilat/v10/booking", json=booking_body("served-1"))
        assert created.status_code == 201, created.text
        order_no = created.json()["orderNo"]
        status = client.get(f"/gokilat/v10/booking/orderno/{order_no}").json()
        assert status["status"] == "confirmed" and status["liveTrackingUrl"] == f"{base}/_sandbox/track/{order_no}"
        assert httpx.get(status["liveTrackingUrl"]).status_code == 200

        # Each webhook is awaited before the next change: ones sent in quick succession are delivered
        # concurrently, so their arrival order is not guaranteed (nor is it by GoSend).
        def receiver_calls() -> list[Call]:
            return [c for c in receiver.calls if c.payload.get("booking_id") == order_no]

        until(receiver_calls, lambda found: len(found) >= 1)
        assert client.post(f"/_sandbox/bookings/{order_no}/advance").json()["status"] == "allocated"
        until(receiver_calls, lambda found: len(found) >= 2)
        cancelled = client.put("/gokilat/v10/booking/cancel", json={"orderNo": order_no})
        assert cancelled.json() == {"statusCode": 200, "message": "Booking cancelled"}
        again = client.post("/gokilat/v10/booking", json=booking_body("served-1"))
        assert again.status_code == 409 and again.headers["error-message"] == again.json()["errors"][0]
        calls = until(receiver_calls, lambda found: len(found) >= 3)
    assert [c.payload["status"] for c in calls] == ["confirmed", "allocated", "cancelled"]
    assert all(c.path == "/api/v1/webhooks/gosend" and c.headers["authorization"] == GOSEND_TOKEN for c in calls)
    assert calls[0].payload["partner_id"] == GOSEND_CLIENT_ID


def test_at_a_pace_the_served_courier_delivers_by_itself(tmp_path: Path) -> None:
    with (
        sandbox_gosend(tmp_path, pace_seconds=0.05) as base,
        httpx.Client(base_url=base, headers=AUTH, timeout=10) as client,
    ):
        order_no = client.post("/gokilat/v10/booking", json=booking_body("paced")).json()["orderNo"]
        body = until(
            lambda: client.get(f"/gokilat/v10/booking/orderno/{order_no}").json(),
            lambda found: found["status"] == "delivered",
        )
        assert body["status"] == "delivered" and body["driverName"]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    return subprocess.run([*COMMAND, *args], env={**environment, **env}, capture_output=True, text=True, timeout=60)


def test_a_bad_gosend_setting_is_refused_naming_the_variable() -> None:
    for name, value in [
        ("MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS", "soon"),
        ("MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS", "-1"),
        ("MARKETPLACE_GOSEND_WEBHOOK_HEADER", "Bad Header:"),
        ("MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS", "later"),
    ]:
        done = _run("gosend", "--port", "9", **{name: value})
        assert done.returncode == 2 and name in done.stderr, (name, done.stderr)
    done = _run("gosend", "--port", "9", "--callback-url", "ftp://nowhere")
    assert done.returncode == 2 and "callback_url" in done.stderr
