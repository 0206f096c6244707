"""Cart -> quote -> checkout -> pay or cancel over HTTP on every backend (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from marketplace.entrypoints.container import resolve
from tests.integration.web.conftest import ADDRESS, Api


async def _product(
    api: Api, seller: dict[str, str], store: dict[str, Any], title: str, price: int, stock: int, weight: int = 500
) -> dict[str, Any]:
    auth = {"Authorization": seller["auth"]}
    created = await api.client.post(
        f"/api/v1/stores/{store['id']}/products",
        headers=auth,
        json={
            "title": title,
            "variants": [
                {
                    "sku": f"SKU-{uuid.uuid4().hex[:8]}",
                    "name": "One",
                    "price": price,
                    "stock": stock,
                    "weight_grams": weight,
                }
            ],
        },
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert (await api.client.post(f"/api/v1/products/{product['id']}/publish", headers=auth)).status_code == 200
    return product


async def _stock(api: Api, product: dict[str, Any]) -> int:
    """Read from the database (the catalog's cached pages may lag behind checkouts by design)."""

    async def read(container: Any) -> int:
        queries = await resolve(container.catalog_queries)
        return (await queries.variants([product["variants"][0]["id"]]))[0].stock

    return await api.use(read)


async def _address(api: Api, user: dict[str, str], **changes: Any) -> str:
    response = await api.client.post(
        "/api/v1/me/addresses", headers={"Authorization": user["auth"]}, json={**ADDRESS, **changes}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _add(api: Api, user: dict[str, str], product: dict[str, Any], quantity: int) -> None:
    added = await api.client.post(
        "/api/v1/cart/items",
        headers={"Authorization": user["auth"]},
        json={"variant_id": product["variants"][0]["id"], "quantity": quantity},
    )
    assert added.status_code == 201, added.text


async def _two_store_cart(api: Api) -> dict[str, Any]:
    first, second, buyer = await api.register("first"), await api.register("second"), await api.register("buyer")
    store_a, store_b = await api.open_store(first), await api.open_store(second)
    batik = await _product(api, first, store_a, "Batik", 150_000, 5)
    songket = await _product(api, second, store_b, "Songket", 400_000, 2)
    await _add(api, buyer, batik, 2)
    await _add(api, buyer, songket, 1)
    return {
        "buyer": buyer,
        "sellers": (first, second),
        "stores": (store_a, store_b),
        "batik": batik,
        "songket": songket,
        "address_id": await _address(api, buyer),
    }


def _checkout_body(world: dict[str, Any], method: str = "instant") -> dict[str, Any]:
    return {
        "address_id": world["address_id"],
        "shipping": {world["stores"][0]["id"]: method, world["stores"][1]["id"]: method},
    }


async def _check_out(api: Api, world: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    response = await api.client.post(
        "/api/v1/checkouts",
        json=_checkout_body(world),
        headers={"Authorization": world["buyer"]["auth"], "Idempotency-Key": key or uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_two_stores_quote_check_out_replay_and_cancel(api: Api) -> None:
    world = await _two_store_cart(api)
    auth = {"Authorization": world["buyer"]["auth"]}
    quote = await api.client.post("/api/v1/checkout/quote", headers=auth, json={"address_id": world["address_id"]})
    assert quote.status_code == 200, quote.text
    stores = {s["store_id"]: s for s in quote.json()["stores"]}
    assert set(stores) == {world["stores"][0]["id"], world["stores"][1]["id"]}
    assert stores[world["stores"][0]["id"]]["subtotal"] == {"amount": 300_000, "currency": "IDR"}
    assert {o["method"] for o in stores[world["stores"][0]["id"]]["options"]} == {"instant", "same_day"}
    assert quote.json()["items_total"]["amount"] == 700_000

    key = uuid.uuid4().hex
    checkout = await _check_out(api, world, key)
    assert checkout["status"] == "pending_payment" and len(checkout["orders"]) == 2
    assert {o["status"] for o in checkout["orders"]} == {"pending_payment"}
    assert {o["store_id"] for o in checkout["orders"]} == set(stores)
    fees = {o["store_id"]: o["shipping_fee"]["amount"] for o in checkout["orders"]}
    for order in checkout["orders"]:
        instant = next(o for o in stores[order["store_id"]]["options"] if o["method"] == "instant")
        assert order["shipping_fee"] == instant["price"]
        lines_total = sum(line["unit_price"]["amount"] * line["quantity"] for line in order["lines"])
        assert order["total"]["amount"] == lines_total + order["shipping_fee"]["amount"]
    payment = checkout["payment"]
    assert payment["amount"]["amount"] == 700_000 + sum(fees.values())
    assert (
        payment["status"] == "pending" and payment["invoice_id"] and payment["invoice_url"] and payment["refunds"] == []
    )
    assert await _stock(api, world["batik"]) == 3 and await _stock(api, world["songket"]) == 1
    assert (await api.client.get("/api/v1/cart", headers=auth)).json()["stores"] == []

    replay = await api.client.post(
        "/api/v1/checkouts", json=_checkout_body(world), headers={**auth, "Idempotency-Key": key}
    )
    assert replay.status_code == 201 and replay.json() == checkout
    assert await _stock(api, world["batik"]) == 3, "a replay must not reserve twice"
    reused = await api.client.post(
        "/api/v1/checkouts", json=_checkout_body(world, "same_day"), headers={**auth, "Idempotency-Key": key}
    )
    assert reused.status_code == 422 and reused.json()["type"].endswith("/idempotency-key-reused")

    shown = await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)
    assert shown.status_code == 200 and shown.json()["id"] == checkout["id"]
    cancelled = await api.client.post(f"/api/v1/checkouts/{checkout['id']}/cancel", headers=auth)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert {o["status"] for o in cancelled.json()["orders"]} == {"cancelled"}
    assert cancelled.json()["payment"]["status"] == "expired"
    assert await _stock(api, world["batik"]) == 5 and await _stock(api, world["songket"]) == 2
    again = await api.client.post(f"/api/v1/checkouts/{checkout['id']}/cancel", headers=auth)
    assert again.status_code == 409
    await api.drain_outbox()  # the worker expires the invoice at the provider: it can no longer be paid
    assert await _invoice_status(api, checkout["payment"]["invoice_id"]) == "expired"
    after = (await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()
    assert after["status"] == "cancelled" and after["payment"]["refunds"] == []


async def _invoice_status(api: Api, invoice_id: str) -> str:
    """The invoice as the provider has it: the built-in sandbox's callbacks on SQL, the in-memory provider's record."""
    if api.settings.backend == "memory":
        invoice = await (await resolve(api.container.payments)).get_invoice(invoice_id)
        return invoice.status.value
    for _ in range(100):
        sent = (await api.client.get(f"/sandbox/xendit/_sandbox/callbacks?subject_id={invoice_id}")).json()["data"]
        if any(d["topic"] == "invoice.EXPIRED" for d in sent):
            return "expired"
        await asyncio.sleep(0.05)
    return "not expired"


async def test_paid_orders_reach_the_store_which_accepts_or_rejects(api: Api) -> None:
    world = await _two_store_cart(api)
    auth = {"Authorization": world["buyer"]["auth"]}
    checkout = await _check_out(api, world)
    await api.pay(checkout)
    paid = (await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()
    assert paid["status"] == "paid" and paid["payment"]["status"] == "paid"
    assert {o["status"] for o in paid["orders"]} == {"paid"}

    (first, second), (store_a, store_b) = world["sellers"], world["stores"]
    listed = await api.client.get(
        f"/api/v1/stores/{store_a['id']}/orders?status=paid", headers={"Authorization": first["auth"]}
    )
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    order_a = listed.json()["items"][0]
    detail = (
        await api.client.get(
            f"/api/v1/stores/{store_a['id']}/orders/{order_a['id']}", headers={"Authorization": first["auth"]}
        )
    ).json()
    assert detail["buyer"]["name"] == "buyer" and detail["address"]["recipient"] == ADDRESS["recipient"]
    assert detail["address"]["phone"] == ADDRESS["phone"]
    # Not the other seller's to see or move.
    assert (
        await api.client.get(
            f"/api/v1/stores/{store_b['id']}/orders/{order_a['id']}", headers={"Authorization": second["auth"]}
        )
    ).status_code == 404
    assert (
        await api.client.post(
            f"/api/v1/stores/{store_a['id']}/orders/{order_a['id']}/accept", headers={"Authorization": second["auth"]}
        )
    ).status_code == 403

    accepted = await api.client.post(
        f"/api/v1/stores/{store_a['id']}/orders/{order_a['id']}/accept", headers={"Authorization": first["auth"]}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert (await api.client.post(f"/api/v1/orders/{order_a['id']}/cancel", headers=auth)).status_code == 409

    order_b = next(o for o in paid["orders"] if o["store_id"] == store_b["id"])
    rejected = await api.client.post(
        f"/api/v1/stores/{store_b['id']}/orders/{order_b['id']}/reject", headers={"Authorization": second["auth"]}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert await _stock(api, world["songket"]) == 2 and await _stock(api, world["batik"]) == 3
    await api.drain_outbox()
    refunds = (await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()["payment"]["refunds"]
    assert [(r["order_id"], r["amount"]["amount"]) for r in refunds] == [(order_b["id"], order_b["total"]["amount"])]
    assert refunds[0]["status"] in ("pending", "succeeded")  # the provider settles it by itself shortly
    await api.drain_outbox()  # delivered again or not: still one refund
    again = (await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()["payment"]["refunds"]
    assert len(again) == 1

    mine = (await api.client.get("/api/v1/orders", headers=auth)).json()
    assert {o["id"] for o in mine["items"]} == {order_a["id"], order_b["id"]}
    one = (await api.client.get(f"/api/v1/orders/{order_b['id']}?", headers=auth)).json()
    assert [h["status"] for h in one["history"]] == ["pending_payment", "paid", "rejected"]
    assert one["store"]["id"] == store_b["id"] and one["store"]["name"] == store_b["name"]
    only_accepted = (await api.client.get("/api/v1/orders?status=accepted", headers=auth)).json()["items"]
    assert [o["id"] for o in only_accepted] == [order_a["id"]]


async def test_a_buyer_cancels_a_paid_order_before_acceptance_and_is_refunded(api: Api) -> None:
    world = await _two_store_cart(api)
    auth = {"Authorization": world["buyer"]["auth"]}
    checkout = await _check_out(api, world)
    await api.pay(checkout)
    order = checkout["orders"][0]
    cancelled = await api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    await api.drain_outbox()
    refunds = (await api.client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)).json()["payment"]["refunds"]
    assert [r["amount"] for r in refunds] == [order["total"]]
    assert (await api.client.post(f"/api/v1/orders/{order['id']}/confirm-received", headers=auth)).status_code == 409


async def test_bad_checkouts_are_refused_and_reserve_nothing(api: Api) -> None:
    world = await _two_store_cart(api)
    buyer, auth = world["buyer"], {"Authorization": world["buyer"]["auth"]}
    stranger = await api.register("stranger")

    def post(body: dict[str, Any], headers: dict[str, str] | None = None, key: bool = True) -> Any:
        extra = {"Idempotency-Key": uuid.uuid4().hex} if key else {}
        return api.client.post("/api/v1/checkouts", json=body, headers={**auth, **extra, **(headers or {})})

    missing_key = await post(_checkout_body(world), key=False)
    assert missing_key.status_code == 422 and missing_key.json()["errors"][0]["field"] == "Idempotency-Key"
    others = {**_checkout_body(world), "address_id": await _address(api, stranger)}
    assert (await post(others)).status_code == 422
    unknown_method = _checkout_body(world)
    unknown_method["shipping"][world["stores"][0]["id"]] = "drone"
    refused = await post(unknown_method)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == f"shipping.{world['stores'][0]['id']}"
    one_store_missing = {"address_id": world["address_id"], "shipping": {world["stores"][0]["id"]: "instant"}}
    assert (await post(one_store_missing)).status_code == 422
    assert (await post({**_checkout_body(world), "referral_code": "<script>"})).status_code == 422

    # Short stock: another buyer takes the last songket first.
    rival = await api.register("rival")
    await _add(api, rival, world["songket"], 2)
    rival_body = {"address_id": await _address(api, rival), "shipping": {world["stores"][1]["id"]: "instant"}}
    taken = await api.client.post(
        "/api/v1/checkouts", json=rival_body, headers={"Authorization": rival["auth"], "Idempotency-Key": "rival-1"}
    )
    assert taken.status_code == 201, taken.text
    short = await post(_checkout_body(world))
    assert short.status_code == 409, short.text
    assert short.json()["variants"] == [
        {"variant_id": world["songket"]["variants"][0]["id"], "requested": 1, "available": 0}
    ]
    assert await _stock(api, world["batik"]) == 5, "nothing of a refused checkout stays reserved"

    # Someone else's checkout and orders are unknown to the buyer.
    assert (await api.client.get(f"/api/v1/checkouts/{taken.json()['id']}", headers=auth)).status_code == 404
    assert (await api.client.get(f"/api/v1/orders/{taken.json()['orders'][0]['id']}", headers=auth)).status_code == 404
    assert (await api.client.post(f"/api/v1/checkouts/{taken.json()['id']}/cancel", headers=auth)).status_code == 404

    empty = await api.register("empty")
    empty_body = {"address_id": await _address(api, empty), "shipping": {}}
    nothing = await api.client.post(
        "/api/v1/checkouts", json=empty_body, headers={"Authorization": empty["auth"], "Idempotency-Key": "e-1"}
    )
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "cart"
    assert buyer["id"] != empty["id"]


async def test_a_far_away_store_has_no_options_and_cannot_be_chosen(api: Api) -> None:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    store = await api.open_store(seller)
    kain = await _product(api, seller, store, "Kain", 90_000, 3)
    await _add(api, buyer, kain, 1)
    surabaya = await _address(api, buyer, lat=-7.2575, lng=112.7521)
    quote = (
        await api.client.post(
            "/api/v1/checkout/quote", headers={"Authorization": buyer["auth"]}, json={"address_id": surabaya}
        )
    ).json()
    assert quote["stores"][0]["options"] == []
    refused = await api.client.post(
        "/api/v1/checkouts",
        json={"address_id": surabaya, "shipping": {store["id"]: "same_day"}},
        headers={"Authorization": buyer["auth"], "Idempotency-Key": "far-1"},
    )
    assert refused.status_code == 422
