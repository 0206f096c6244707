"""Marketplace money over HTTP on every backend: an affiliate's link, a click, another buyer's
purchase to completion, the exact commission and store balance; a refunded referred order voids its
commission; the affiliate's own purchase earns nothing; withdrawals and payouts racing, failing and
replayed; and the ledger reconciles with the payments."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from marketplace.entrypoints.container import resolve
from tests.conftest import fresh_database
from tests.integration.web.conftest import Api
from tests.integration.web.test_checkout import _add, _address, _product
from tests.integration.web.test_shipping import HAPPY, _auth, _courier

BANK = {"channel_code": "ID_BCA", "account_number": "1234567890", "account_holder_name": "Toko Ayu"}
PRICE, RATE, FEE_BPS = 200_000, 1_000, 500


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """Reconcile sums the whole ledger: these tests get a database no other test file writes to."""
    with fresh_database() as url:
        yield url


async def _buy(
    api: Api, buyer: dict[str, str], world: dict[str, Any], *, referral_code: str | None = None, quantity: int = 1
) -> dict[str, Any]:
    await _add(api, buyer, world["product"], quantity)
    body: dict[str, Any] = {"address_id": await _address(api, buyer), "shipping": {world["store"]["id"]: "instant"}}
    if referral_code:
        body["referral_code"] = referral_code
    placed = await api.client.post(
        "/api/v1/checkouts", json=body, headers={**_auth(buyer), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert placed.status_code == 201, placed.text
    checkout = placed.json()
    await api.pay(checkout)
    return {"checkout": checkout, "order_id": checkout["orders"][0]["id"], "buyer": buyer}


async def _complete(api: Api, world: dict[str, Any], bought: dict[str, Any]) -> None:
    seller, order_id = world["seller"], bought["order_id"]
    base = f"/api/v1/stores/{world['store']['id']}/orders/{order_id}"
    assert (await api.client.post(f"{base}/accept", headers=_auth(seller))).status_code == 200
    assert (await api.client.post(f"{base}/ship", headers=_auth(seller))).status_code == 200
    tracked = {"order_id": order_id, "buyer": bought["buyer"], "seller": seller, "base": base}
    for status in HAPPY[1:]:
        await _courier(api, tracked, status)
    done = await api.client.post(f"/api/v1/orders/{order_id}/confirm-received", headers=_auth(bought["buyer"]))
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text


async def _world(api: Api) -> dict[str, Any]:
    seller, affiliate = await api.register("seller"), await api.register("affiliate")
    store = await api.open_store(seller)
    product = await _product(api, seller, store, "Batik tulis", PRICE, 20)
    rate = await api.client.put(
        f"/api/v1/stores/{store['id']}/affiliate-rate", headers=_auth(seller), json={"rate_bps": RATE}
    )
    assert rate.status_code == 200 and rate.json() == {"store_id": store["id"], "rate_bps": RATE}, rate.text
    joined = await api.client.post("/api/v1/affiliate/join", headers=_auth(affiliate))
    assert joined.status_code == 201, joined.text
    again = await api.client.post("/api/v1/affiliate/join", headers=_auth(affiliate))
    assert again.status_code == 200 and again.json() == joined.json()
    link = await api.client.post(
        "/api/v1/affiliate/links", headers=_auth(affiliate), json={"product_id": product["id"]}
    )
    assert link.status_code == 201, link.text
    return {"seller": seller, "affiliate": affiliate, "store": store, "product": product, "link": link.json()}


async def _reconciles(api: Api) -> Any:
    async def run(container: Any) -> Any:
        return await (await resolve(container.reconcile_ledger))()

    return await api.use(run)


async def _balance(api: Api, world: dict[str, Any]) -> dict[str, int]:
    found = await api.client.get(f"/api/v1/stores/{world['store']['id']}/balance", headers=_auth(world["seller"]))
    assert found.status_code == 200, found.text
    return {bucket: money["amount"] for bucket, money in found.json().items()}


async def _provider_id(api: Api, payout_id: str) -> str:
    async def read(container: Any) -> str | None:
        async with (await resolve(container.uow))() as uow:
            payout = await uow.payouts.get(payout_id)
            return payout.provider_id if payout else None

    for _ in range(100):
        await api.drain_outbox()
        provider_id = await api.use(read)
        if provider_id:
            return provider_id
        await asyncio.sleep(0.05)
    raise AssertionError("the payout was never sent to the provider")


def _payout_event(payout: Any, status: str) -> dict[str, Any]:
    return {
        "event": f"payout.{status.lower()}",
        "business_id": "sandbox",
        "created": "2026-11-26T00:00:00Z",
        "data": {
            "id": payout.id,
            "reference_id": payout.reference_id,
            "status": status,
            "amount": payout.amount,
            "currency": "IDR",
            "channel_code": "ID_BCA",
            "failure_code": None if status == "SUCCEEDED" else "TRANSFER_ERROR",
        },
    }


async def _settle_payout(api: Api, payout_id: str, succeeded: bool) -> None:
    """The provider's answer for a payout, arriving as its webhook (sent by the sandbox on SQL; in
    memory the test plays Xendit and posts it)."""
    provider_id = await _provider_id(api, payout_id)
    if api.settings.backend == "sql":
        # The sandbox's control endpoints take our payout id (its reference_id) as well as Xendit's.
        moved = await api.client.post(
            f"/sandbox/xendit/_sandbox/payouts/{payout_id}/{'succeed' if succeeded else 'fail'}"
        )
        assert moved.status_code == 200 and moved.json()["id"] == provider_id, moved.text
    else:
        gateway = await resolve(api.container.payout_gateway)
        payout = gateway.settle(provider_id, succeeded)
        answer = await api.client.post(
            "/api/v1/webhooks/xendit/payout",
            json=_payout_event(payout, "SUCCEEDED" if succeeded else "FAILED"),
            headers={"x-callback-token": api.settings.xendit_token},
        )
        assert answer.status_code == 200, answer.text

    async def status(container: Any) -> str:
        async with (await resolve(container.uow))() as uow:
            payout = await uow.payouts.get(payout_id)
            return payout.status.value if payout else ""

    for _ in range(100):
        if await api.use(status) != "requested":
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the payout webhook did not arrive")


async def test_a_referred_sale_earns_the_exact_commission_and_the_store_its_share(api: Api) -> None:
    world = await _world(api)
    affiliate, link = world["affiliate"], world["link"]
    assert link["url"].endswith(f"/r/{link['code']}") and link["target"] == "product"

    buyer = await api.register("buyer")
    clicked = await api.client.get(f"/r/{link['code']}", follow_redirects=False)
    assert clicked.status_code == 302 and clicked.headers["location"].endswith(
        f"/api/v1/products/{world['product']['id']}"
    )
    assert "mp_ref" in api.client.cookies  # the signed last click, sent with the buyer's checkout
    bought = await _buy(api, buyer, world)
    api.client.cookies.clear()
    order = (await api.client.get(f"/api/v1/orders/{bought['order_id']}", headers=_auth(buyer))).json()
    subtotal = order["subtotal"]["amount"]
    fee, commission = subtotal * FEE_BPS // 10_000, subtotal * RATE // 10_000
    assert (subtotal, fee, commission) == (PRICE, 10_000, 20_000)

    summary = (await api.client.get("/api/v1/affiliate/summary", headers=_auth(affiliate))).json()
    assert summary["clicks"] == 1 and summary["orders"] == 1
    assert summary["pending"]["amount"] == commission and summary["approved"]["amount"] == 0
    assert await _balance(api, world) == {
        "pending": subtotal - fee - commission,
        "available": 0,
        "in_flight": 0,
        "paid_out": 0,
    }
    await _complete(api, world, bought)
    [approved] = (await api.client.get("/api/v1/affiliate/commissions", headers=_auth(affiliate))).json()["items"]
    assert approved["order_id"] == bought["order_id"] and approved["status"] == "approved"
    assert approved["amount"] == {"amount": commission, "currency": "IDR"}
    assert await _balance(api, world) == {
        "pending": 0,
        "available": subtotal - fee - commission,
        "in_flight": 0,
        "paid_out": 0,
    }
    ledger = (
        await api.client.get(f"/api/v1/stores/{world['store']['id']}/ledger?limit=100", headers=_auth(world["seller"]))
    ).json()["items"]
    kinds = {(e["kind"], e["bucket"]): e["amount"]["amount"] for e in ledger if e["kind"] != "release"}
    assert kinds == {
        ("sale", "pending"): subtotal,
        ("platform_fee", "pending"): -fee,
        ("commission", "pending"): -commission,
    }

    # Another referred order (by code, in the body) that is refunded: its commission is void.
    other = await _buy(api, await api.register("buyer2"), world, referral_code=link["code"].lower())
    cancelled = await api.client.post(f"/api/v1/orders/{other['order_id']}/cancel", headers=_auth(other["buyer"]))
    assert cancelled.status_code == 200, cancelled.text
    statuses = {
        c["order_id"]: c["status"]
        for c in (await api.client.get("/api/v1/affiliate/commissions", headers=_auth(affiliate))).json()["items"]
    }
    assert statuses == {bought["order_id"]: "approved", other["order_id"]: "void"}
    void = (await api.client.get("/api/v1/affiliate/commissions?status=void", headers=_auth(affiliate))).json()
    assert [c["order_id"] for c in void["items"]] == [other["order_id"]]

    # The affiliate's own purchase through their own link earns nothing.
    await api.client.get(f"/r/{link['code']}", follow_redirects=False)
    own = await _buy(api, affiliate, world)
    api.client.cookies.clear()
    summary = (await api.client.get("/api/v1/affiliate/summary", headers=_auth(affiliate))).json()
    assert summary["orders"] == 1 and summary["approved"]["amount"] == commission and summary["pending"]["amount"] == 0
    assert summary["clicks"] == 2
    assert own["order_id"] not in {
        c["order_id"]
        for c in (await api.client.get("/api/v1/affiliate/commissions", headers=_auth(affiliate))).json()["items"]
    }
    assert await _balance(api, world) == {
        "pending": PRICE - fee,
        "available": subtotal - fee - commission,
        "in_flight": 0,
        "paid_out": 0,
    }
    # The affiliate is paid the approved commission: the commission shows as paid.
    paid = await api.client.post(
        "/api/v1/affiliate/payouts",
        json={"amount": commission, "bank": BANK},
        headers={**_auth(affiliate), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert paid.status_code == 201, paid.text
    too_much = await api.client.post(
        "/api/v1/affiliate/payouts",
        json={"amount": commission, "bank": BANK},
        headers={**_auth(affiliate), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert too_much.status_code == 409
    await _settle_payout(api, paid.json()["id"], succeeded=True)
    summary = (await api.client.get("/api/v1/affiliate/summary", headers=_auth(affiliate))).json()
    assert (summary["approved"]["amount"], summary["paid"]["amount"]) == (0, commission)
    paid_items = (await api.client.get("/api/v1/affiliate/commissions?status=paid", headers=_auth(affiliate))).json()
    assert [c["order_id"] for c in paid_items["items"]] == [bought["order_id"]]
    await api.drain_outbox()
    report = await _reconciles(api)
    assert report.agrees, report
    assert report.expected == -report.clearing > 0


async def test_withdrawals_race_fail_and_replay_and_the_ledger_still_agrees(api: Api) -> None:
    world = await _world(api)
    bought = await _buy(api, await api.register("buyer"), world)
    await _complete(api, world, bought)
    available = (await _balance(api, world))["available"]
    assert available == PRICE - PRICE * FEE_BPS // 10_000  # nobody was referred: no commission
    path = f"/api/v1/stores/{world['store']['id']}/withdrawals"

    async def withdraw(amount: int, key: str | None = None) -> Any:
        return await api.client.post(
            path,
            json={"amount": amount, "bank": BANK},
            headers={**_auth(world["seller"]), "Idempotency-Key": key or uuid.uuid4().hex},
        )

    assert (await withdraw(5_000)).status_code == 422  # under the minimum
    assert (await withdraw(available + 1)).status_code == 409
    both = await asyncio.gather(withdraw(available), withdraw(available))
    assert sorted(r.status_code for r in both) == [201, 409], [r.text for r in both]
    won = next(r for r in both if r.status_code == 201).json()
    assert won["amount"] == {"amount": available, "currency": "IDR"} and won["status"] == "requested"
    assert next(r for r in both if r.status_code == 409).json()["type"].endswith("insufficient-balance")
    assert await _balance(api, world) == {"pending": 0, "available": 0, "in_flight": available, "paid_out": 0}

    await _settle_payout(api, won["id"], succeeded=False)  # the bank refused: the money comes back
    assert await _balance(api, world) == {"pending": 0, "available": available, "in_flight": 0, "paid_out": 0}
    key = uuid.uuid4().hex
    second = await api.client.post(
        path,
        json={"amount": {"amount": available, "currency": "IDR"}, "bank": BANK},
        headers={**_auth(world["seller"]), "Idempotency-Key": key},
    )
    assert second.status_code == 201, second.text
    assert second.json()["provider_id"], "sent to the provider at once"
    replay = await api.client.post(
        path,
        json={"amount": {"amount": available, "currency": "IDR"}, "bank": BANK},
        headers={**_auth(world["seller"]), "Idempotency-Key": key},
    )
    assert replay.status_code == 201 and replay.json() == second.json()  # the same request: the same payout
    assert (await withdraw(available - 1, key)).status_code == 422  # the key with another body
    await _settle_payout(api, second.json()["id"], succeeded=True)
    assert await _balance(api, world) == {"pending": 0, "available": 0, "in_flight": 0, "paid_out": available}

    # A replayed webhook (and a forged one) changes nothing.
    provider_id = await _provider_id(api, second.json()["id"])
    event: dict[str, Any] = {
        "event": "payout.failed",
        "business_id": "x",
        "created": "2026-11-26T00:00:00Z",
        "data": {
            "id": provider_id,
            "reference_id": second.json()["id"],
            "status": "FAILED",
            "amount": available,
            "failure_code": "TRANSFER_ERROR",
        },
    }
    forged = await api.client.post(
        "/api/v1/webhooks/xendit/payout", json=event, headers={"x-callback-token": "not-the-token"}
    )
    assert forged.status_code == 401
    late = await api.client.post(
        "/api/v1/webhooks/xendit/payout", json=event, headers={"x-callback-token": api.settings.xendit_token}
    )
    assert late.status_code == 200 and late.json()["outcome"].startswith("unchanged")
    assert await _balance(api, world) == {"pending": 0, "available": 0, "in_flight": 0, "paid_out": available}
    unknown = await api.client.post(
        "/api/v1/webhooks/xendit/payout",
        headers={"x-callback-token": api.settings.xendit_token},
        json={**event, "data": {**event["data"], "id": "disb-unknown", "reference_id": "x"}},
    )
    assert unknown.status_code == 200 and unknown.json()["outcome"] == "no payout has this id"
    ledger = (
        await api.client.get(f"/api/v1/stores/{world['store']['id']}/ledger?limit=100", headers=_auth(world["seller"]))
    ).json()["items"]
    assert {e["kind"] for e in ledger} >= {"sale", "platform_fee", "release", "payout"}
    naive = "eyJrIjoibGVkZ2VyIiwiYXQiOiIyMDI0LTAxLTAxVDAwOjAwOjAwIiwiaWQiOiJ4In0"  # {"k":"ledger","at":"2024-01-01T00:00:00","id":"x"}
    assert (
        await api.client.get(
            f"/api/v1/stores/{world['store']['id']}/ledger?cursor={naive}", headers=_auth(world["seller"])
        )
    ).status_code == 422
    report = await _reconciles(api)
    assert report.agrees, report


async def test_bad_affiliate_and_rate_requests_are_refused(api: Api) -> None:
    world = await _world(api)
    outsider = await api.register("outsider")
    assert (await api.client.post("/api/v1/affiliate/links", headers=_auth(outsider), json={})).status_code == 403
    assert (await api.client.get("/api/v1/affiliate/summary", headers=_auth(outsider))).status_code == 403
    for rate in (-1, 10_001, 12.5, None):
        answer = await api.client.put(
            f"/api/v1/stores/{world['store']['id']}/affiliate-rate",
            headers=_auth(world["seller"]),
            json={"rate_bps": rate},
        )
        assert answer.status_code in (400, 422), rate
    assert (
        await api.client.put(
            f"/api/v1/stores/{world['store']['id']}/affiliate-rate", headers=_auth(outsider), json={"rate_bps": 100}
        )
    ).status_code == 403
    both = await api.client.post(
        "/api/v1/affiliate/links",
        headers=_auth(world["affiliate"]),
        json={"product_id": world["product"]["id"], "store_id": world["store"]["id"]},
    )
    assert both.status_code == 422
    assert (await api.client.get("/r/NOSUCHCODE", follow_redirects=False)).status_code == 404
    tampered = world["link"]["code"] + "." + str(int(time.time())) + ".forged"
    api.client.cookies.set("mp_ref", tampered)
    bought = await _buy(api, await api.register("buyer"), world)
    api.client.cookies.clear()
    order = (await api.client.get(f"/api/v1/orders/{bought['order_id']}", headers=_auth(bought["buyer"]))).json()
    assert order["status"] == "paid"
    summary = (await api.client.get("/api/v1/affiliate/summary", headers=_auth(world["affiliate"]))).json()
    assert summary["orders"] == 0 and summary["pending"]["amount"] == 0  # a tampered cookie attributes nothing
    unknown_code = await api.client.post(
        "/api/v1/checkouts",
        headers={**_auth(bought["buyer"]), "Idempotency-Key": uuid.uuid4().hex},
        json={"address_id": str(uuid.uuid4()), "shipping": {}, "referral_code": "NOPE1234"},
    )
    assert unknown_code.status_code == 422


async def test_a_referred_sale_at_a_zero_rate_is_attributed_but_earns_nothing(api: Api) -> None:
    world = await _world(api)
    assert (
        await api.client.put(
            f"/api/v1/stores/{world['store']['id']}/affiliate-rate",
            headers=_auth(world["seller"]),
            json={"rate_bps": 0},
        )
    ).status_code == 200
    bought = await _buy(api, await api.register("buyer"), world, referral_code=world["link"]["code"])
    summary = (await api.client.get("/api/v1/affiliate/summary", headers=_auth(world["affiliate"]))).json()
    assert summary["orders"] == 1 and summary["pending"]["amount"] == 0
    [commission] = (await api.client.get("/api/v1/affiliate/commissions", headers=_auth(world["affiliate"]))).json()[
        "items"
    ]
    assert commission["order_id"] == bought["order_id"] and commission["amount"]["amount"] == 0
    assert await _balance(api, world) == {
        "pending": PRICE - PRICE * FEE_BPS // 10_000,
        "available": 0,
        "in_flight": 0,
        "paid_out": 0,
    }
