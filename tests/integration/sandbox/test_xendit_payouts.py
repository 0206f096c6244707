"""The Xendit sandbox's Payouts v2 (docs/providers.md, "Xendit payouts" and "Xendit idempotency"), in process: auth
and rate limit, the payout object, validation codes, the required Idempotency-key, listing by reference_id, cancel
only while ACCEPTED, the control endpoints and the payout webhook (`{event, business_id, created, data}` with
`x-callback-token`, retried until a 2xx, at most six times)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import msgspec
import pytest

from marketplace.adapters.sandbox.xendit import XenditSandbox, XenditSandboxConfig, create_xendit_sandbox
from tests.integration.sandbox.conftest import KEY, TOKEN, Call

MARKETPLACE = "http://marketplace.test"
SANDBOX_URL = "http://xendit.test"
PAYOUT_ID = re.compile(r"disb-[0-9a-f]{24}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PAYOUT_FIELDS = {
    "id",
    "amount",
    "channel_code",
    "currency",
    "reference_id",
    "status",
    "created",
    "updated",
    "estimated_arrival_time",
    "business_id",
    "channel_properties",
}


class Hooks:
    """The marketplace's webhook end as an ASGI app; it can be told to refuse some deliveries."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, int] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        payload = msgspec.json.decode(body)
        subject = payload.get("data", {}).get("id", "")
        failing = self._failures.get(subject, 0) > 0
        if failing:
            self._failures[subject] -= 1
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.calls.append(Call(scope["path"], headers, payload, 500 if failing else 200))
        await send({"type": "http.response.start", "status": 500 if failing else 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def fail(self, payout_id: str, times: int) -> None:
        self._failures[payout_id] = times

    def of(self, payout_id: str) -> list[Call]:
        return [c for c in self.calls if c.payload.get("data", {}).get("id") == payout_id]

    async def wait_for(self, payout_id: str, count: int = 1, seconds: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + seconds
        while len(self.of(payout_id)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self.of(payout_id)


@dataclass
class Harness:
    sandbox: XenditSandbox
    client: httpx.AsyncClient  # with the right key; control routes need none
    hooks: Hooks

    async def pay_out(self, key: str | None = None, **fields: Any) -> dict[str, Any]:
        answer = await self.client.post(
            "/v2/payouts", json=payout_body(**fields), headers={"Idempotency-key": key or uuid.uuid4().hex}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def control(self, payout_id: str, action: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(f"/_sandbox/payouts/{payout_id}/{action}", json=body or {})

    async def deliveries(self, payout_id: str) -> list[dict[str, Any]]:
        answer = await self.client.get("/_sandbox/callbacks", params={"subject_id": payout_id})
        return answer.json()["data"]


def payout_body(**fields: Any) -> dict[str, Any]:
    """A payout as the marketplace's adapter sends it."""
    return {
        "reference_id": "seller-payout-1",
        "channel_code": "ID_BCA",
        "channel_properties": {"account_number": "1234567890", "account_holder_name": "Sari Batik"},
        "amount": 250_000,
        "currency": "IDR",
        "description": "Payout for week 47",
        **fields,
    }


@asynccontextmanager
async def harness(
    *,
    payout_seconds: float = 0.0,
    callbacks: bool = True,
    rate_limit: bool = False,
    retry_seconds: tuple[float, ...] = (0.01, 0.01, 0.01, 0.01, 0.01, 0.01),
) -> AsyncIterator[Harness]:
    hooks = Hooks()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=hooks), base_url=MARKETPLACE)
    sandbox = create_xendit_sandbox(
        XenditSandboxConfig(
            secret_key=KEY,
            callback_token=TOKEN,
            public_url=SANDBOX_URL,
            callback_url=MARKETPLACE if callbacks else None,
            payout_seconds=payout_seconds,
            rate_limit=rate_limit,
            callback_retry_seconds=retry_seconds,
            http=http,
        )
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url=SANDBOX_URL, auth=httpx.BasicAuth(KEY, "")
    ) as client:
        try:
            yield Harness(sandbox, client, hooks)
        finally:
            await sandbox.shutdown()
            await http.aclose()


@pytest.fixture
async def xendit() -> AsyncIterator[Harness]:
    async with harness() as made:
        yield made


def _time(text: str) -> datetime:
    assert STAMP.fullmatch(text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["error_code"] == code and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"error_code", "message", "errors"}
    return body


@pytest.mark.parametrize("auth", [None, ("xnd_development_someone_else", ""), "Bearer " + KEY])
async def test_payout_routes_refuse_a_missing_or_wrong_key(xendit: Harness, auth: Any) -> None:
    payout = await xendit.pay_out()
    headers = {"Authorization": auth} if isinstance(auth, str) else {}
    basic = httpx.BasicAuth(*auth) if isinstance(auth, tuple) else None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=xendit.sandbox), base_url=SANDBOX_URL) as bare:
        for method, path in [
            ("POST", "/v2/payouts"),
            ("GET", "/v2/payouts?reference_id=x"),
            ("GET", f"/v2/payouts/{payout['id']}"),
            ("POST", f"/v2/payouts/{payout['id']}/cancel"),
        ]:
            answer = await bare.request(
                method, path, json=payout_body(), auth=basic, headers={"Idempotency-key": "k", **headers}
            )
            _error(answer, 401, "INVALID_API_KEY")
        assert (await bare.post(f"/_sandbox/payouts/{payout['id']}/succeed")).status_code == 200, "control: no key"


async def test_a_payout_is_created_accepted_in_xendits_shape(xendit: Harness) -> None:
    receipt = {"email_to": ["sari@example.com"]}
    answer = await xendit.client.post(
        "/v2/payouts/",
        json=payout_body(metadata={"week": 47}, receipt_notification=receipt),
        headers={"Idempotency-key": "create-1"},
    )  # the SDKs' trailing slash too
    assert answer.status_code == 200, answer.text
    payout = answer.json()
    assert PAYOUT_ID.fullmatch(payout["id"]) and PAYOUT_FIELDS <= set(payout)
    assert {
        "status": "ACCEPTED",
        "amount": 250_000,
        "currency": "IDR",
        "channel_code": "ID_BCA",
        "reference_id": "seller-payout-1",
        "description": "Payout for week 47",
        "metadata": {"week": 47},
        "receipt_notification": receipt,
        "channel_properties": {"account_number": "1234567890", "account_holder_name": "Sari Batik"},
    }.items() <= payout.items()
    assert "failure_code" not in payout and re.fullmatch(r"[0-9a-f]{24}", payout["business_id"])
    created = _time(payout["created"])
    assert payout["updated"] == payout["created"]
    assert _time(payout["estimated_arrival_time"]) - created == timedelta(minutes=15)
    assert (await xendit.client.get(f"/v2/payouts/{payout['id']}")).json() == payout
    assert "Rate-Limit-Remaining" in answer.headers
    _error(await xendit.client.get("/v2/payouts/disb-000000000000000000000000"), 404, "DATA_NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"channel_code": "ID_NOWHERE"}, 400, "CHANNEL_CODE_NOT_SUPPORTED_ERROR"),
        ({"channel_code": "PH_GCASH"}, 400, "CHANNEL_CODE_NOT_SUPPORTED_ERROR"),
        ({"channel_properties": {"account_number": "12-34 567"}}, 400, "RECIPIENT_ACCOUNT_NUMBER_ERROR"),
        ({"channel_properties": {"account_number": "1" * 31}}, 400, "RECIPIENT_ACCOUNT_NUMBER_ERROR"),
        ({"channel_properties": {"account_number": "١٢٣٤"}}, 400, "RECIPIENT_ACCOUNT_NUMBER_ERROR"),  # not ASCII digits
        ({"amount": 0}, 400, "RECIPIENT_AMOUNT_ERROR"),
        ({"amount": -5000}, 400, "RECIPIENT_AMOUNT_ERROR"),
        ({"amount": 250_000_001}, 400, "MAXIMUM_TRANSFER_LIMIT_ERROR"),
        ({"amount": 10_000.5}, 400, "API_VALIDATION_ERROR"),
        ({"amount": "10000"}, 400, "API_VALIDATION_ERROR"),
        ({"amount": True}, 400, "API_VALIDATION_ERROR"),
        ({"currency": "PHP"}, 400, "API_VALIDATION_ERROR"),
        ({"reference_id": ""}, 400, "API_VALIDATION_ERROR"),
        ({"channel_properties": {"account_holder_name": "No Number"}}, 400, "API_VALIDATION_ERROR"),
        ({"channel_properties": "1234567890"}, 400, "API_VALIDATION_ERROR"),
        ({"metadata": {"k" * 41: "v"}}, 400, "API_VALIDATION_ERROR"),
        ({"receipt_notification": {"email_to": ["a@example.com"] * 4}}, 400, "API_VALIDATION_ERROR"),
    ],
)
async def test_a_payout_xendit_would_refuse_is_refused_with_its_code(
    xendit: Harness, change: dict[str, Any], status: int, code: str
) -> None:
    answer = await xendit.client.post("/v2/payouts", json=payout_body(**change), headers={"Idempotency-key": "bad"})
    body = _error(answer, status, code)
    if code == "API_VALIDATION_ERROR":
        assert body["errors"] and all({"path", "message"} == set(e) for e in body["errors"])


async def test_shape_problems_are_listed_together_and_bad_json_is_its_own_code(xendit: Harness) -> None:
    answer = await xendit.client.post("/v2/payouts", json={}, headers={"Idempotency-key": "empty"})
    paths = {e["path"] for e in _error(answer, 400, "API_VALIDATION_ERROR")["errors"]}
    assert {"reference_id", "channel_code", "currency", "channel_properties", "amount"} <= paths
    _error(
        await xendit.client.post("/v2/payouts", content=b"{nope", headers={"Idempotency-key": "json"}),
        400,
        "INVALID_JSON_FORMAT",
    )
    missing = _error(await xendit.client.post("/v2/payouts", json=payout_body()), 400, "API_VALIDATION_ERROR")
    assert missing["errors"][0]["path"] == "Idempotency-key"


async def test_a_whole_number_sent_as_a_float_is_taken_as_rupiah(xendit: Harness) -> None:
    payout = await xendit.pay_out(amount=10_000.0)
    assert payout["amount"] == 10_000 and isinstance(payout["amount"], int)


async def test_the_idempotency_key_replays_the_same_body_and_refuses_another(xendit: Harness) -> None:
    body = payout_body(reference_id="idem-1")
    first = (await xendit.client.post("/v2/payouts", json=body, headers={"Idempotency-key": "pay-1"})).json()
    reordered = dict(reversed(list(body.items())))
    again = await xendit.client.post("/v2/payouts", json=reordered, headers={"idempotency-key": "pay-1"})
    assert again.status_code == 200 and again.json() == first
    _error(
        await xendit.client.post("/v2/payouts", json={**body, "amount": 1}, headers={"Idempotency-key": "pay-1"}),
        409,
        "DUPLICATE_ERROR",
    )
    other = await xendit.pay_out("pay-2", reference_id="idem-1")
    assert other["id"] != first["id"]
    listed = (await xendit.client.get("/v2/payouts", params={"reference_id": "idem-1"})).json()
    assert [p["id"] for p in listed["data"]] == [other["id"], first["id"]]
    await xendit.control(first["id"], "succeed")
    assert (await xendit.client.post("/v2/payouts", json=body, headers={"Idempotency-key": "pay-1"})).json()[
        "status"
    ] == "SUCCEEDED", "a replay answers the payout as it is now"


async def test_a_refused_create_does_not_use_up_its_key(xendit: Harness) -> None:
    bad = await xendit.client.post(
        "/v2/payouts", json=payout_body(channel_code="ID_NOWHERE"), headers={"Idempotency-key": "retry-me"}
    )
    assert bad.status_code == 400
    assert (await xendit.pay_out("retry-me"))["status"] == "ACCEPTED"


async def test_payouts_are_listed_by_reference_newest_first_in_pages(xendit: Harness) -> None:
    made = [await xendit.pay_out(reference_id="weekly-7") for _ in range(3)]
    await xendit.pay_out(reference_id="weekly-8")
    newest_first = [p["id"] for p in reversed(made)]
    listed = (await xendit.client.get("/v2/payouts", params={"reference_id": "weekly-7"})).json()
    assert listed == {"data": list(reversed(made)), "has_more": False}
    page = (await xendit.client.get("/v2/payouts", params={"reference_id": "weekly-7", "limit": 2})).json()
    assert [p["id"] for p in page["data"]] == newest_first[:2] and page["has_more"] is True
    assert page["links"]["rel"] == "next" and page["links"]["method"] == "GET"
    following = (await xendit.client.get(page["links"]["href"])).json()
    assert [p["id"] for p in following["data"]] == newest_first[2:] and following["has_more"] is False
    back = (
        await xendit.client.get("/v2/payouts", params={"reference_id": "weekly-7", "before_id": newest_first[2]})
    ).json()
    assert [p["id"] for p in back["data"]] == newest_first[:2]
    assert (await xendit.client.get("/v2/payouts", params={"reference_id": "nobody"})).json() == {
        "data": [],
        "has_more": False,
    }
    _error(await xendit.client.get("/v2/payouts"), 400, "API_VALIDATION_ERROR")
    _error(
        await xendit.client.get("/v2/payouts", params={"reference_id": "weekly-7", "limit": "0"}),
        400,
        "API_VALIDATION_ERROR",
    )


async def test_control_endpoints_settle_a_pending_payout_and_send_its_event(xendit: Harness) -> None:
    good, bad, picky = [await xendit.pay_out(reference_id=f"settle-{i}") for i in range(3)]
    succeeded = await xendit.control(good["id"], "succeed")
    failed = await xendit.control(bad["id"], "fail")
    specific = await xendit.control(picky["id"], "fail", {"failure_code": "INVALID_DESTINATION"})
    assert succeeded.status_code == failed.status_code == specific.status_code == 200
    assert succeeded.json()["status"] == "SUCCEEDED" and "failure_code" not in succeeded.json()
    assert failed.json()["status"] == "FAILED" and failed.json()["failure_code"] == "TRANSFER_ERROR"
    assert specific.json()["failure_code"] == "INVALID_DESTINATION"
    assert _time(succeeded.json()["updated"]) >= _time(good["created"])
    assert (await xendit.client.get(f"/v2/payouts/{bad['id']}")).json() == failed.json()
    for action in ("succeed", "fail"):
        _error(await xendit.control(good["id"], action), 409, "PAYOUT_NOT_PENDING")
        _error(await xendit.control("disb-unknown", action), 404, "DATA_NOT_FOUND")
    other = await xendit.pay_out()
    _error(await xendit.control(other["id"], "fail", {"failure_code": "BORED"}), 400, "API_VALIDATION_ERROR")

    [win] = await xendit.hooks.wait_for(good["id"])
    [loss] = await xendit.hooks.wait_for(bad["id"])
    assert win.path == loss.path == "/api/v1/webhooks/xendit/payout"
    assert win.headers["x-callback-token"] == loss.headers["x-callback-token"] == TOKEN
    assert set(win.payload) == {"event", "business_id", "created", "data"}
    assert win.payload["event"] == "payout.succeeded" and win.payload["data"] == succeeded.json()
    assert win.payload["business_id"] == good["business_id"] and STAMP.fullmatch(win.payload["created"])
    assert loss.payload["event"] == "payout.failed" and loss.payload["data"] == failed.json()
    [delivery] = await xendit.deliveries(good["id"])
    assert delivery["topic"] == "payout.succeeded" and delivery["state"] == "delivered"


async def test_cancel_only_while_accepted_and_without_an_event(xendit: Harness) -> None:
    payout = await xendit.pay_out()
    cancelled = await xendit.client.post(f"/v2/payouts/{payout['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
    assert (await xendit.client.get(f"/v2/payouts/{payout['id']}")).json()["status"] == "CANCELLED"
    _error(await xendit.client.post(f"/v2/payouts/{payout['id']}/cancel"), 400, "PAYOUT_NOT_CANCELLABLE")
    _error(await xendit.control(payout["id"], "succeed"), 409, "PAYOUT_NOT_PENDING")

    sent = await xendit.pay_out()
    requested = await xendit.control(sent["id"], "request")
    assert requested.status_code == 200 and requested.json()["status"] == "REQUESTED"
    _error(await xendit.client.post(f"/v2/payouts/{sent['id']}/cancel"), 400, "PAYOUT_NOT_CANCELLABLE")
    _error(await xendit.control(sent["id"], "request"), 409, "PAYOUT_NOT_ACCEPTED")
    assert (await xendit.control(sent["id"], "succeed")).json()["status"] == "SUCCEEDED", "REQUESTED is pending"
    _error(await xendit.client.post(f"/v2/payouts/{sent['id']}/cancel"), 400, "PAYOUT_NOT_CANCELLABLE")
    _error(await xendit.client.post("/v2/payouts/disb-unknown/cancel"), 404, "DATA_NOT_FOUND")
    await xendit.hooks.wait_for(sent["id"])
    assert xendit.hooks.of(payout["id"]) == [] and await xendit.deliveries(payout["id"]) == []


async def test_a_succeeded_payout_can_be_reversed_with_its_event(xendit: Harness) -> None:
    payout = await xendit.pay_out()
    _error(await xendit.control(payout["id"], "reverse"), 409, "PAYOUT_NOT_SUCCEEDED")
    await xendit.control(payout["id"], "succeed")
    reversed_ = await xendit.control(payout["id"], "reverse")
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "REVERSED"
    events = await xendit.hooks.wait_for(payout["id"], count=2)
    assert [c.payload["event"] for c in events] == ["payout.succeeded", "payout.reversed"]
    assert events[1].payload["data"]["status"] == "REVERSED"


async def test_a_refused_callback_is_retried_until_accepted_and_at_most_six_times(xendit: Harness) -> None:
    patient, hopeless = await xendit.pay_out(), await xendit.pay_out()
    xendit.hooks.fail(patient["id"], times=2)
    xendit.hooks.fail(hopeless["id"], times=100)
    await xendit.control(patient["id"], "succeed")
    await xendit.control(hopeless["id"], "fail")
    calls = await xendit.hooks.wait_for(patient["id"], count=3)
    assert [c.answered for c in calls] == [500, 500, 200]
    assert all(c.payload == calls[0].payload and c.headers["x-callback-token"] == TOKEN for c in calls)
    assert len(await xendit.hooks.wait_for(hopeless["id"], count=7)) == 7
    deadline = time.monotonic() + 5
    while (await xendit.deliveries(hopeless["id"]))[0]["state"] != "failed" and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    [delivery] = await xendit.deliveries(hopeless["id"])
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 7, "the first try and six retries"
    await asyncio.sleep(0.1)
    assert len(xendit.hooks.of(hopeless["id"])) == 7


async def test_with_payout_seconds_an_accepted_payout_succeeds_by_itself() -> None:
    async with harness(payout_seconds=0.2) as xendit:
        payout = await xendit.pay_out()
        stopped = await xendit.pay_out()
        await xendit.client.post(f"/v2/payouts/{stopped['id']}/cancel")
        assert (await xendit.client.get(f"/v2/payouts/{payout['id']}")).json()["status"] == "ACCEPTED"
        [event] = await xendit.hooks.wait_for(payout["id"])
        assert event.payload["event"] == "payout.succeeded"
        assert (await xendit.client.get(f"/v2/payouts/{payout['id']}")).json()["status"] == "SUCCEEDED"
        await asyncio.sleep(0.3)
        assert (await xendit.client.get(f"/v2/payouts/{stopped['id']}")).json()["status"] == "CANCELLED"
        assert xendit.hooks.of(stopped["id"]) == []


async def test_without_a_callback_url_nothing_is_sent() -> None:
    async with harness(callbacks=False) as xendit:
        payout = await xendit.pay_out()
        assert (await xendit.control(payout["id"], "succeed")).status_code == 200
        await asyncio.sleep(0.05)
        assert xendit.hooks.calls == [] and await xendit.deliveries(payout["id"]) == []


async def test_the_rate_limit_counts_payout_endpoints_separately() -> None:
    async with harness(rate_limit=True) as xendit:
        payout = await xendit.pay_out()
        for _ in range(59):
            assert (await xendit.client.get(f"/v2/payouts/{payout['id']}")).status_code == 200
        answer = await xendit.client.get(f"/v2/payouts/{payout['id']}")
        assert answer.status_code == 200 and answer.headers["Rate-Limit-Remaining"] == "0"
        limited = await xendit.client.get(f"/v2/payouts/{payout['id']}")
        _error(limited, 429, "RATE_LIMIT_EXCEEDED")
        assert float(limited.headers["Rate-Limit-Reset"]) > 0
        assert (await xendit.client.get("/v2/payouts", params={"reference_id": "x"})).status_code == 200
