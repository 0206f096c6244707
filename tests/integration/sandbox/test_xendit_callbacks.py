"""The hosted invoice page and the invoice callbacks it leads to (docs/providers.md, "Xendit callbacks", "Xendit
test mode", "Xendit sandbox"): the Pay button, the flat payload with the callback token, retries until a 2xx, at
most six of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.conftest import TOKEN, Receiver, until, xendit, xendit_sandbox
from tests.integration.serving import free_port

CALLBACK_FIELDS = {
    "id",
    "external_id",
    "user_id",
    "status",
    "merchant_name",
    "amount",
    "paid_amount",
    "paid_at",
    "payer_email",
    "description",
    "payment_method",
    "payment_channel",
    "payment_destination",
    "currency",
    "created",
    "updated",
}


def _deliveries(base: str, subject_id: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/_sandbox/callbacks", params={"subject_id": subject_id})
    assert answer.status_code == 200
    return answer.json()["data"]


def test_paying_on_the_hosted_page_sends_the_paid_callback(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = client.post(
            "/v2/invoices",
            json={
                "external_id": "page-1",
                "amount": 150_000,
                "description": "Batik shirt",
                "payer_email": "b@example.com",
            },
        ).json()
    with httpx.Client(timeout=10) as browser:
        page = browser.get(invoice["invoice_url"])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for shown in ("Marketplace Sandbox", "Rp 150.000", "Batik shirt", "PENDING"):
            assert shown in page.text
        assert not re.search(r'(src|href)="(https?:)?//', page.text) and "<link" not in page.text, "self-contained"
        assert re.search(r"<button[^>]*>\s*Pay", page.text)
        action = re.search(r'<form[^>]*method="post"[^>]*action="([^"]+)"', page.text)
        assert action is not None
        done = browser.post(str(page.url.join(action.group(1))), data={"payment_channel": "BNI"}, follow_redirects=True)
        assert done.status_code == 200 and str(done.url) == invoice["invoice_url"]
        assert "PAID" in done.text and "<form" not in done.text
    [call] = receiver.wait_for(invoice["id"])
    assert call.path == "/api/v1/webhooks/xendit/invoice" and call.headers["x-callback-token"] == TOKEN
    assert CALLBACK_FIELDS <= set(call.payload) and "data" not in call.payload and "event" not in call.payload
    assert {
        "status": "PAID",
        "external_id": "page-1",
        "amount": 150_000,
        "paid_amount": 150_000,
        "payment_method": "BANK_TRANSFER",
        "payment_channel": "BNI",
        "currency": "IDR",
    }.items() <= call.payload.items()
    with xendit(sandbox) as client:
        now = client.get(f"/v2/invoices/{invoice['id']}").json()
    assert now["status"] == "PAID" and now["paid_at"] == call.payload["paid_at"]
    assert now["payment_destination"] == call.payload["payment_destination"]


def test_the_page_of_an_unknown_invoice_is_404(sandbox: str) -> None:
    answer = httpx.get(f"{sandbox}/web/{'0' * 24}")
    assert answer.status_code == 404 and "not found" in answer.text.lower()


def test_control_pay_and_expire_answer_json_and_refuse_an_invoice_that_is_not_pending(
    sandbox: str, receiver: Receiver
) -> None:
    with xendit(sandbox) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "control", "amount": 20_000}).json()
        paid = client.post(f"/_sandbox/invoices/{invoice['id']}/pay", json={"payment_channel": "OVO"})
        assert paid.status_code == 200 and paid.json()["payment_method"] == "EWALLET"
        for action in ("pay", "expire"):
            again = client.post(f"/_sandbox/invoices/{invoice['id']}/{action}")
            assert again.status_code == 409 and again.json()["error_code"] == "INVOICE_NOT_PENDING"
            assert client.post(f"/_sandbox/invoices/{'0' * 24}/{action}").status_code == 404
        other = client.post("/v2/invoices", json={"external_id": "control-2", "amount": 20_000}).json()
        expired = client.post(f"/_sandbox/invoices/{other['id']}/expire")
        assert expired.status_code == 200 and expired.json()["status"] == "EXPIRED"
    assert [c.payload["status"] for c in receiver.wait_for(invoice["id"])] == ["PAID"]
    assert [c.payload["status"] for c in receiver.wait_for(other["id"])] == ["EXPIRED"]


def test_a_refused_callback_is_retried_until_it_is_accepted(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "retry", "amount": 7000}).json()
        receiver.fail(invoice["id"], times=2)
        client.post(f"/_sandbox/invoices/{invoice['id']}/pay")
    calls = receiver.wait_for(invoice["id"], count=3)
    assert [c.answered for c in calls] == [500, 500, 200]
    assert all(c.payload == calls[0].payload and c.headers["x-callback-token"] == TOKEN for c in calls)
    [delivery] = until(lambda: _deliveries(sandbox, invoice["id"]), lambda d: d and d[0]["state"] == "delivered")
    assert delivery["topic"] == "invoice.PAID" and delivery["state"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]


def test_a_callback_is_retried_at_most_six_times(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "never", "amount": 7000}).json()
        receiver.fail(invoice["id"], times=100)
        client.post(f"/_sandbox/invoices/{invoice['id']}/pay")
    [delivery] = until(lambda: _deliveries(sandbox, invoice["id"]), lambda d: d and d[0]["state"] == "failed")
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 7, "the first try and six retries"
    assert len(receiver.of(invoice["id"])) == 7


@pytest.fixture
def unreachable(tmp_path: Any) -> Iterator[str]:
    with xendit_sandbox(
        tmp_path, f"http://127.0.0.1:{free_port()}", MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS="0.05"
    ) as base:
        yield base


def test_a_receiver_that_cannot_be_reached_is_recorded_as_an_error(unreachable: str) -> None:
    with xendit(unreachable) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "nobody", "amount": 7000}).json()
        client.post(f"/_sandbox/invoices/{invoice['id']}/pay")
    [delivery] = until(lambda: _deliveries(unreachable, invoice["id"]), lambda d: d and d[0]["state"] == "failed")
    assert [a["status_code"] for a in delivery["attempts"]] == [None, None]
    assert all("Connect" in a["error"] for a in delivery["attempts"])
