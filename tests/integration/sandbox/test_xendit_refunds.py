"""The Xendit sandbox's Refunds API (docs/providers.md, "Xendit refunds"): the refund object, never more than what
was paid, settlement by control endpoint or by itself, and the refund events."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.conftest import TOKEN, Receiver, paid_invoice, until, xendit, xendit_sandbox

REFUND_ID = re.compile(r"rfd-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFUND_FIELDS = {
    "id",
    "invoice_id",
    "payment_id",
    "amount",
    "currency",
    "channel_code",
    "payment_method_type",
    "status",
    "reason",
    "reference_id",
    "failure_code",
    "refund_fee_amount",
    "created",
    "updated",
    "metadata",
}


def _refund(client: httpx.Client, invoice_id: str, amount: int | None, **extra: Any) -> httpx.Response:
    body = {
        "invoice_id": invoice_id,
        "reference_id": f"refund-{invoice_id}",
        "currency": "IDR",
        "reason": "CANCELLATION",
        **({} if amount is None else {"amount": amount}),
        **extra,
    }
    return client.post("/refunds", json=body)


def _code(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error_code"]


def test_a_refund_is_created_read_and_listed(sandbox: str) -> None:
    with xendit(sandbox) as client:
        invoice = paid_invoice(client, 90_000)
        made = _refund(client, invoice["id"], 30_000, metadata={"reason": "buyer cancelled"})
        assert made.status_code == 200, made.text
        refund = made.json()
        assert REFUND_ID.fullmatch(refund["id"]) and REFUND_FIELDS <= set(refund)
        assert {
            "invoice_id": invoice["id"],
            "payment_id": invoice["payment_id"],
            "amount": 30_000,
            "currency": "IDR",
            "channel_code": "BCA",
            "payment_method_type": "VIRTUAL_ACCOUNT",
            "status": "PENDING",
            "failure_code": None,
            "refund_fee_amount": 0,
            "reason": "CANCELLATION",
            "metadata": {"reason": "buyer cancelled"},
        }.items() <= refund.items()
        assert client.get(f"/refunds/{refund['id']}").json() == refund
        second = _refund(client, invoice["id"], 10_000).json()
        listed = client.get("/refunds", params={"invoice_id": invoice["id"]}).json()
        assert listed == {"data": [second, refund], "has_more": False}
        page = client.get("/refunds", params={"invoice_id": invoice["id"], "limit": 1}).json()
        assert page["has_more"] is True and page["data"] == [second]
        assert _code(client.get(f"/refunds/rfd-{'0' * 8}")) == (404, "DATA_NOT_FOUND")


def test_refunds_never_exceed_what_was_paid(sandbox: str) -> None:
    with xendit(sandbox) as client:
        invoice = paid_invoice(client, 100_000)
        first = _refund(client, invoice["id"], 60_000).json()
        assert _code(_refund(client, invoice["id"], 50_000)) == (400, "MAXIMUM_REFUND_AMOUNT_REACHED")
        client.post(f"/_sandbox/refunds/{first['id']}/fail")
        assert _refund(client, invoice["id"], 50_000).status_code == 200, "a failed refund gives its amount back"
        rest = _refund(client, invoice["id"], None)
        assert rest.status_code == 200 and rest.json()["amount"] == 50_000, "no amount: what is left"
        assert _code(_refund(client, invoice["id"], 1)) == (400, "MAXIMUM_REFUND_AMOUNT_REACHED")


def test_only_a_paid_invoice_can_be_refunded(sandbox: str) -> None:
    with xendit(sandbox) as client:
        pending = client.post("/v2/invoices", json={"external_id": "unpaid", "amount": 5000}).json()
        assert _code(_refund(client, pending["id"], 1000)) == (400, "INELIGIBLE_TRANSACTION")
        assert _code(_refund(client, "0" * 24, 1000)) == (404, "DATA_NOT_FOUND")
        paid = paid_invoice(client, 5000)
        assert _code(_refund(client, paid["id"], 1000, currency="USD")) == (400, "API_VALIDATION_ERROR")
        assert _code(_refund(client, paid["id"], -5)) == (400, "API_VALIDATION_ERROR")
        assert _code(client.post("/refunds", json={"amount": 1000})) == (400, "API_VALIDATION_ERROR")
        assert _code(client.post("/refunds", json={"payment_request_id": "pr-1", "amount": 1})) == (
            404,
            "DATA_NOT_FOUND",
        )
        assert _code(client.post("/refunds", content=b"nope")) == (400, "INVALID_JSON_FORMAT")


def test_a_refund_idempotency_key_replays_the_same_body_and_refuses_another(sandbox: str) -> None:
    with xendit(sandbox) as client:
        invoice = paid_invoice(client, 40_000)
        body = {"invoice_id": invoice["id"], "amount": 10_000, "reason": "CANCELLATION"}
        first = client.post("/refunds", json=body, headers={"idempotency-key": "r-1"}).json()
        again = client.post("/refunds", json=body, headers={"Idempotency-Key": "r-1"})
        assert again.status_code == 200 and again.json()["id"] == first["id"]
        assert _code(client.post("/refunds", json={**body, "amount": 9000}, headers={"idempotency-key": "r-1"})) == (
            409,
            "DUPLICATE_ERROR",
        )
        assert len(client.get("/refunds", params={"invoice_id": invoice["id"]}).json()["data"]) == 1


def test_control_endpoints_settle_a_refund_and_send_its_event(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = paid_invoice(client, 80_000)
        good, bad = (_refund(client, invoice["id"], 20_000).json() for _ in range(2))
        succeeded = client.post(f"/_sandbox/refunds/{good['id']}/succeed")
        failed = client.post(f"/_sandbox/refunds/{bad['id']}/fail")
        assert succeeded.json()["status"] == "SUCCEEDED" and succeeded.json()["failure_code"] is None
        assert failed.json()["status"] == "FAILED" and failed.json()["failure_code"] == "REFUND_FAILED"
        again = client.post(f"/_sandbox/refunds/{good['id']}/fail")
        assert again.status_code == 409 and again.json()["error_code"] == "REFUND_NOT_PENDING"
        assert client.post("/_sandbox/refunds/rfd-unknown/succeed").status_code == 404
        assert client.get(f"/refunds/{bad['id']}").json()["status"] == "FAILED"
    [win] = receiver.wait_for(good["id"])
    [loss] = receiver.wait_for(bad["id"])
    assert win.path == loss.path == "/api/v1/webhooks/xendit/refund"
    assert win.headers["x-callback-token"] == loss.headers["x-callback-token"] == TOKEN
    assert set(win.payload) == {"event", "business_id", "created", "data"}
    assert win.payload["event"] == "refund.succeeded" and win.payload["data"] == succeeded.json()
    assert win.payload["business_id"] == invoice["user_id"]
    assert loss.payload["event"] == "refund.failed" and loss.payload["data"]["failure_code"] == "REFUND_FAILED"


@pytest.fixture
def self_settling(tmp_path: Any, receiver: Receiver) -> Iterator[str]:
    with xendit_sandbox(tmp_path, receiver.url, MARKETPLACE_SANDBOX_REFUND_SECONDS="0.3") as base:
        yield base


def test_a_pending_refund_succeeds_by_itself_after_refund_seconds(self_settling: str, receiver: Receiver) -> None:
    with xendit(self_settling) as client:
        invoice = paid_invoice(client, 10_000)
        refund = _refund(client, invoice["id"], 10_000).json()
        assert client.get(f"/refunds/{refund['id']}").json()["status"] == "PENDING"
        [event] = receiver.wait_for(refund["id"], seconds=5)
        assert event.payload["event"] == "refund.succeeded" and event.payload["data"]["status"] == "SUCCEEDED"
        now = until(lambda: client.get(f"/refunds/{refund['id']}").json(), lambda r: r["status"] == "SUCCEEDED")
        assert now["status"] == "SUCCEEDED" and now["updated"] > now["created"]
