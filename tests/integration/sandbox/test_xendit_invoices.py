"""The Xendit sandbox's Invoices v2 API against docs/providers.md ("Xendit base URL and auth" to "Xendit rate
limits"): auth, paths, shapes, errors, idempotency and rate limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.conftest import KEY, TOKEN, Receiver, paid_invoice, xendit, xendit_sandbox

HEX_ID = re.compile(r"[0-9a-f]{24}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _time(text: str) -> datetime:
    assert STAMP.fullmatch(text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["error_code"] == code and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"error_code", "message", "errors"}
    return body


@pytest.mark.parametrize(
    "auth", [None, ("xnd_development_someone_else", ""), "Bearer " + KEY, "Basic !!notbase64", "Basic eG5kOg=="]
)
def test_provider_routes_refuse_a_missing_or_wrong_key_with_invalid_api_key(sandbox: str, auth: Any) -> None:
    headers = {"Authorization": auth} if isinstance(auth, str) else {}
    basic = httpx.BasicAuth(*auth) if isinstance(auth, tuple) else None
    with httpx.Client(base_url=sandbox, timeout=10) as client:
        for method, path in [
            ("POST", "/v2/invoices"),
            ("GET", "/v2/invoices"),
            ("GET", "/v2/invoices/" + "a" * 24),
            ("POST", f"/invoices/{'a' * 24}/expire!"),
            ("POST", "/refunds"),
            ("GET", "/refunds"),
        ]:
            answer = client.request(method, path, json={"external_id": "x", "amount": 1}, headers=headers, auth=basic)
            _error(answer, 401, "INVALID_API_KEY")


def test_the_control_routes_and_the_hosted_page_need_no_key(sandbox: str) -> None:
    with xendit(sandbox) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "open", "amount": 1000}).json()
    assert httpx.get(invoice["invoice_url"]).status_code == 200
    assert httpx.get(f"{sandbox}/_sandbox/callbacks").status_code == 200
    assert httpx.post(f"{sandbox}/_sandbox/invoices/{invoice['id']}/pay").status_code == 200


def test_an_invoice_is_created_in_xendits_shape(sandbox: str) -> None:
    body = {
        "external_id": "order-1",
        "amount": 4550.50,
        "payer_email": "buyer@example.com",
        "description": "Two shirts",
        "invoice_duration": 3600,
        "success_redirect_url": "https://shop.test/ok",
        "items": [{"name": "Shirt", "price": 2275, "quantity": 2}],
        "fees": [{"type": "Admin", "value": 0}],
        "metadata": {"checkout": "c-1"},
        "should_send_email": False,
    }
    with xendit(sandbox) as client:
        answer = client.post("/v2/invoices/", json=body)  # the generated SDKs' trailing slash
    assert answer.status_code == 200, answer.text
    invoice = answer.json()
    assert HEX_ID.fullmatch(invoice["id"]) and HEX_ID.fullmatch(invoice["user_id"])
    assert invoice["status"] == "PENDING" and invoice["currency"] == "IDR"
    assert invoice["amount"] == 4550, "IDR decimals are truncated"
    assert _time(invoice["expiry_date"]) - _time(invoice["created"]) == timedelta(seconds=3600)
    assert invoice["created"] == invoice["updated"]
    assert invoice["invoice_url"] == f"{sandbox}/web/{invoice['id']}"
    for name in ("merchant_name", "merchant_profile_picture_url"):
        assert invoice[name]
    for name in ("banks", "retail_outlets", "ewallets", "qr_codes", "direct_debits", "paylaters"):
        assert isinstance(invoice[f"available_{name}"], list)
    assert {"bank_code": "BCA", "collection_type": "POOL"}.items() <= invoice["available_banks"][0].items()
    for name in ("payer_email", "description", "success_redirect_url", "items", "fees", "metadata"):
        assert invoice[name] == body[name]
    assert invoice["should_send_email"] is False


def test_an_invoice_is_read_listed_filtered_and_paged(sandbox: str) -> None:
    with xendit(sandbox) as client:
        made = [
            client.post("/v2/invoices", json={"external_id": "listed", "amount": 1000 + n}).json() for n in range(3)
        ]
        client.post(f"/_sandbox/invoices/{made[0]['id']}/pay")
        assert client.get(f"/v2/invoices/{made[1]['id']}").json() == made[1]
        listed = client.get("/v2/invoices", params={"external_id": "listed"}).json()
        assert [i["id"] for i in listed] == [i["id"] for i in reversed(made)], "an array, newest first"
        paid = client.get("/v2/invoices?external_id=listed&statuses=PAID").json()
        assert [i["id"] for i in paid] == [made[0]["id"]] and paid[0]["status"] == "PAID"
        both = client.get('/v2/invoices?external_id=listed&statuses=["PAID","PENDING"]').json()
        assert len(both) == 3
        page = client.get("/v2/invoices", params={"external_id": "listed", "limit": 2}).json()
        rest = client.get("/v2/invoices", params={"external_id": "listed", "last_invoice_id": page[-1]["id"]}).json()
        assert [i["id"] for i in page + rest] == [i["id"] for i in listed]
        _error(client.get("/v2/invoices", params={"statuses": "LOST"}), 400, "API_VALIDATION_ERROR")
        _error(client.get("/v2/invoices", params={"limit": 0}), 400, "API_VALIDATION_ERROR")
        _error(client.get("/v2/invoices/" + "0" * 24), 404, "INVOICE_NOT_FOUND_ERROR")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"amount": 1000}, "API_VALIDATION_ERROR", "external_id"),
        ({"external_id": "x"}, "API_VALIDATION_ERROR", "amount"),
        ({"external_id": "x", "amount": 0}, "API_VALIDATION_ERROR", "amount"),
        ({"external_id": "x", "amount": "1000"}, "API_VALIDATION_ERROR", "amount"),
        ({"external_id": "x", "amount": 1000, "invoice_duration": -5}, "API_VALIDATION_ERROR", "invoice_duration"),
        (
            {"external_id": "x", "amount": 1000, "items": [{"name": "a", "price": 1}]},
            "API_VALIDATION_ERROR",
            "items[0].quantity",
        ),
        (
            {"external_id": "x", "amount": 1000, "success_redirect_url": "shop"},
            "API_VALIDATION_ERROR",
            "success_redirect_url",
        ),
        ({"external_id": "x", "amount": 1000, "currency": "EUR"}, "UNSUPPORTED_CURRENCY", None),
        ({"external_id": "x", "amount": 1000, "payer_email": "not-an-email"}, "EMAIL_FORMAT_ERROR", None),
        (
            {"external_id": "x", "amount": 1000, "payment_methods": ["BITCOIN"]},
            "UNAVAILABLE_PAYMENT_METHOD_ERROR",
            None,
        ),
    ],
)
def test_invalid_invoices_are_refused_with_xendits_codes(
    sandbox: str, body: dict[str, Any], code: str, field: str | None
) -> None:
    with xendit(sandbox) as client:
        refused = _error(client.post("/v2/invoices", json=body), 400, code)
    if field is not None:
        assert field in [e["path"] for e in refused["errors"]]


def test_a_body_that_is_not_json_is_invalid_json_format(sandbox: str) -> None:
    with xendit(sandbox) as client:
        _error(
            client.post("/v2/invoices", content=b"{external_id:", headers={"content-type": "application/json"}),
            400,
            "INVALID_JSON_FORMAT",
        )
        _error(client.post("/v2/invoices", json=[1, 2]), 400, "API_VALIDATION_ERROR")


def test_an_idempotency_key_replays_the_same_body_and_refuses_another(sandbox: str) -> None:
    body = {"external_id": "idem", "amount": 25_000}
    with xendit(sandbox) as client:
        first = client.post("/v2/invoices", json=body, headers={"X-IDEMPOTENCY-KEY": "key-1"})
        again = client.post("/v2/invoices", json=dict(reversed(body.items())), headers={"X-IDEMPOTENCY-KEY": "key-1"})
        assert first.status_code == again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        _error(
            client.post("/v2/invoices", json={**body, "amount": 26_000}, headers={"X-IDEMPOTENCY-KEY": "key-1"}),
            409,
            "DUPLICATE_ERROR",
        )
        other = client.post("/v2/invoices", json=body).json()
        assert other["id"] != first.json()["id"], "without a key the same external_id makes another invoice"


def test_expire_bang_expires_a_pending_invoice_and_calls_it_back(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = client.post("/v2/invoices", json={"external_id": "to-expire", "amount": 5000}).json()
        expired = client.post(f"/invoices/{invoice['id']}/expire!")
        assert expired.status_code == 200 and expired.json()["status"] == "EXPIRED"
        _error(client.post(f"/invoices/{invoice['id']}/expire%21"), 404, "INVOICE_NOT_FOUND_ERROR")
        assert client.get(f"/v2/invoices/{invoice['id']}").json()["status"] == "EXPIRED"
        _error(client.post(f"/invoices/{'0' * 24}/expire!"), 404, "INVOICE_NOT_FOUND_ERROR")
        paid = paid_invoice(client)
        _error(client.post(f"/invoices/{paid['id']}/expire!"), 404, "INVOICE_NOT_FOUND_ERROR")
    [call] = receiver.wait_for(invoice["id"])
    assert call.path == "/api/v1/webhooks/xendit/invoice" and call.headers["x-callback-token"] == TOKEN
    assert call.payload["status"] == "EXPIRED" and call.payload["external_id"] == "to-expire"
    assert "paid_amount" not in call.payload


def test_an_invoice_expires_by_itself_at_its_expiry_date(sandbox: str, receiver: Receiver) -> None:
    with xendit(sandbox) as client:
        invoice = client.post(
            "/v2/invoices", json={"external_id": "short", "amount": 5000, "invoice_duration": 1}
        ).json()
        assert client.get(f"/v2/invoices/{invoice['id']}").json()["status"] == "PENDING"
        [call] = receiver.wait_for(invoice["id"], seconds=5)
        assert call.payload["status"] == "EXPIRED"
        assert _time(call.payload["updated"]) >= _time(invoice["expiry_date"])
        assert client.get(f"/v2/invoices/{invoice['id']}").json()["status"] == "EXPIRED"


@pytest.fixture
def limited(tmp_path: Any) -> Iterator[str]:
    with xendit_sandbox(tmp_path, None, MARKETPLACE_SANDBOX_RATE_LIMIT="true") as base:
        yield base


def test_rate_limit_headers_count_down_and_the_61st_request_in_a_minute_is_429(limited: str) -> None:
    with xendit(limited) as client:
        remaining = []
        for _ in range(60):
            answer = client.get("/v2/invoices")
            assert answer.status_code == 200 and answer.headers["Rate-Limit-Limit"] == "60"
            assert 0 < float(answer.headers["Rate-Limit-Reset"]) <= 60
            remaining.append(int(answer.headers["Rate-Limit-Remaining"]))
        assert remaining == list(range(59, -1, -1))
        refused = client.get("/v2/invoices")
        _error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert refused.headers["Rate-Limit-Remaining"] == "0" and float(refused.headers["Rate-Limit-Reset"]) > 0
        assert client.get("/v2/invoices/" + "0" * 24).status_code == 404, "the limit is per endpoint"


def test_without_enforcement_the_headers_are_sent_but_nothing_is_refused(sandbox: str) -> None:
    with xendit(sandbox) as client:
        answers = [client.get("/refunds", params={"invoice_id": "none"}) for _ in range(61)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].headers["Rate-Limit-Remaining"] == "0" and answers[-1].headers["Rate-Limit-Limit"] == "60"
