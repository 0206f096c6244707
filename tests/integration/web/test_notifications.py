"""The notification centre over HTTP on every backend: what an order's life tells its buyer and its
store's owner, the unread count, marking read, and the channels chosen per kind."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.web.conftest import Api
from tests.integration.web.test_checkout import _add, _address, _product
from tests.integration.web.test_shipping import HAPPY, _accepted_order, _courier

KINDS = ["order", "store_order", "shipment", "payout", "review", "complaint", "chat", "wishlist", "marketing"]


def _auth(user: dict[str, str]) -> dict[str, str]:
    return {"Authorization": user["auth"]}


async def _paid_order(api: Api, seller: dict[str, str], buyer: dict[str, str]) -> dict[str, Any]:
    store = await api.open_store(seller)
    product = await _product(api, seller, store, "Batik tulis", 250_000, 4)
    await _add(api, buyer, product, 1)
    placed = await api.client.post(
        "/api/v1/checkouts",
        headers={**_auth(buyer), "Idempotency-Key": uuid.uuid4().hex},
        json={"address_id": await _address(api, buyer), "shipping": {store["id"]: "instant"}},
    )
    assert placed.status_code == 201, placed.text
    checkout = placed.json()
    await api.pay(checkout)
    await api.drain_outbox()
    return {"store": store, "checkout": checkout, "order_id": checkout["orders"][0]["id"]}


async def _list(api: Api, user: dict[str, str], query: str = "") -> dict[str, Any]:
    found = await api.client.get(f"/api/v1/notifications{query}", headers=_auth(user))
    assert found.status_code == 200, found.text
    return dict(found.json())


async def _unread(api: Api, user: dict[str, str]) -> int:
    found = await api.client.get("/api/v1/notifications/unread-count", headers=_auth(user))
    assert found.status_code == 200, found.text
    return int(found.json()["count"])


async def test_a_paid_order_tells_the_store_owner_and_the_buyer_and_nobody_else(api: Api) -> None:
    seller, buyer, stranger = await api.register("seller"), await api.register("buyer"), await api.register("other")
    paid = await _paid_order(api, seller, buyer)

    listed = await _list(api, seller)
    assert listed["next_cursor"] is None
    [told] = listed["items"]
    assert told["kind"] == "store_order" and told["read_at"] is None and told["title"] and told["body"]
    assert told["data"] == {
        "order_id": paid["order_id"],
        "store_id": paid["store"]["id"],
        "checkout_id": paid["checkout"]["id"],
        "status": "paid",
    }
    assert set(told) == {"id", "kind", "title", "body", "data", "created_at", "read_at"}
    assert await _unread(api, seller) == 1
    [for_buyer] = (await _list(api, buyer))["items"]
    assert for_buyer["kind"] == "order" and for_buyer["data"]["order_id"] == paid["order_id"]
    assert (await _list(api, stranger))["items"] == [] and await _unread(api, stranger) == 0

    # Others' ids are ignored; then the seller reads theirs.
    ignored = await api.client.post("/api/v1/notifications/read", json={"ids": [told["id"]]}, headers=_auth(stranger))
    assert ignored.status_code == 200 and ignored.json() == {"count": 0}
    assert await _unread(api, seller) == 1
    read = await api.client.post("/api/v1/notifications/read", json={"ids": [told["id"]]}, headers=_auth(seller))
    assert read.status_code == 200 and read.json() == {"count": 0}
    assert await _unread(api, seller) == 0
    assert (await _list(api, seller, "?unread=true"))["items"] == []
    [now_read] = (await _list(api, seller))["items"]
    assert now_read["read_at"] is not None

    everything = await api.client.post("/api/v1/notifications/read", headers=_auth(buyer))  # no body: all of them
    assert everything.status_code == 200 and everything.json() == {"count": 0}


async def test_shipping_and_delivery_tell_the_buyer_newest_first_page_by_page(api: Api) -> None:
    world = await _accepted_order(api)
    shipped = await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))
    assert shipped.status_code == 200, shipped.text
    for status in HAPPY[1:]:
        await _courier(api, world, status)
    await api.drain_outbox()

    items = (await _list(api, world["buyer"]))["items"]
    assert [(n["kind"], n["data"]["status"]) for n in items] == [
        ("shipment", "delivered"),
        ("shipment", "shipping"),
        ("order", "accepted"),
        ("order", "paid"),
    ]
    assert all(n["data"]["order_id"] == world["order_id"] for n in items)
    assert await _unread(api, world["buyer"]) == 4
    first = await _list(api, world["buyer"], "?limit=3")
    rest = await _list(api, world["buyer"], f"?limit=3&cursor={first['next_cursor']}")
    assert [n["id"] for n in first["items"] + rest["items"]] == [n["id"] for n in items] and rest["next_cursor"] is None
    # The seller is told of the new order only.
    assert [n["kind"] for n in (await _list(api, world["seller"]))["items"]] == ["store_order"]


async def test_preferences_default_change_in_part_and_a_kind_turned_off_tells_nothing(api: Api) -> None:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    path = "/api/v1/me/notification-preferences"
    defaults = await api.client.get(path, headers=_auth(seller))
    assert defaults.status_code == 200, defaults.text
    assert list(defaults.json()) == KINDS
    assert defaults.json()["marketing"] == {"in_app": False, "email": False}
    assert all(defaults.json()[kind] == {"in_app": True, "email": True} for kind in KINDS[:-1])

    changed = await api.client.put(path, json={"store_order": {"in_app": False}}, headers=_auth(seller))
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**defaults.json(), "store_order": {"in_app": False, "email": True}}
    assert (await api.client.get(path, headers=_auth(seller))).json() == changed.json()
    assert (await api.client.get(path, headers=_auth(buyer))).json() == defaults.json()  # only mine changed

    await _paid_order(api, seller, buyer)
    assert (await _list(api, seller))["items"] == [] and await _unread(api, seller) == 0
    assert [n["kind"] for n in (await _list(api, buyer))["items"]] == ["order"]


async def test_bad_input_is_refused_with_422(api: Api) -> None:
    user = await api.register("user")
    path = "/api/v1/me/notification-preferences"
    for body in ({"newsletter": {"in_app": True}}, {"order": {"sms": True}}, {"order": {"in_app": "yes"}}):
        refused = await api.client.put(path, json=body, headers=_auth(user))
        assert refused.status_code == 422, (body, refused.text)
    for ids in ({"ids": ["not-an-id"]}, {"ids": [str(uuid.uuid4()) for _ in range(101)]}, {"ids": "all"}):
        refused = await api.client.post("/api/v1/notifications/read", json=ids, headers=_auth(user))
        assert refused.status_code == 422, (ids, refused.text)
    for query in ("?limit=0", "?limit=101", "?cursor=nonsense"):
        refused = await api.client.get(f"/api/v1/notifications{query}", headers=_auth(user))
        assert refused.status_code in (400, 422), (query, refused.text)
    assert (await api.client.get("/api/v1/notifications")).status_code == 401
