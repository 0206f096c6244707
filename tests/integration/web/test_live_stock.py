"""`stock` on a product's detail is live with the catalog cache on: a reservation, and the stock that
comes back, show on the next read (memory, the embedded SQLite default, PostgreSQL + Redis)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.web.conftest import ADDRESS, Api


async def _shop(api: Api) -> dict[str, Any]:
    """A published product with 5 in stock, and a buyer with 2 of it in their cart and an address."""
    seller, buyer = await api.register("seller"), await api.register("buyer")
    store = await api.open_store(seller)
    variant = {"sku": f"TNN-{uuid.uuid4().hex[:8]}", "name": "One", "price": 150_000, "stock": 5, "weight_grams": 300}
    created = await api.client.post(
        f"/api/v1/stores/{store['id']}/products",
        json={"title": f"Tenun {uuid.uuid4().hex[:6]}", "variants": [variant]},
        headers={"Authorization": seller["auth"]},
    )
    assert created.status_code == 201, created.text
    product = created.json()
    published = await api.client.post(
        f"/api/v1/products/{product['id']}/publish", headers={"Authorization": seller["auth"]}
    )
    assert published.status_code == 200, published.text
    added = await api.client.post(
        "/api/v1/cart/items",
        json={"variant_id": product["variants"][0]["id"], "quantity": 2},
        headers={"Authorization": buyer["auth"]},
    )
    assert added.status_code == 201, added.text
    address = await api.client.post("/api/v1/me/addresses", json=ADDRESS, headers={"Authorization": buyer["auth"]})
    assert address.status_code == 201, address.text
    return {"seller": seller, "buyer": buyer, "store": store, "product": product, "address_id": address.json()["id"]}


async def _shown_stock(api: Api, shop: dict[str, Any]) -> tuple[int, int]:
    """The stock an anonymous visitor sees on the detail, read by id and by slug."""
    product = shop["product"]
    seen = []
    for ref in (product["id"], product["slug"]):
        detail = await api.client.get(f"/api/v1/products/{ref}")
        assert detail.status_code == 200, detail.text
        seen.append(detail.json()["variants"][0]["stock"])
    return seen[0], seen[1]


async def _check_out(api: Api, shop: dict[str, Any]) -> dict[str, Any]:
    response = await api.client.post(
        "/api/v1/checkouts",
        json={"address_id": shop["address_id"], "shipping": {shop["store"]["id"]: "instant"}},
        headers={"Authorization": shop["buyer"]["auth"], "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _cached_reads(api: Api, shop: dict[str, Any]) -> None:
    """The detail read twice by id and slug, so the cache holds it, and the list that finds it."""
    assert api.settings.catalog_cache
    assert await _shown_stock(api, shop) == (5, 5)
    assert await _shown_stock(api, shop) == (5, 5)
    listed = await api.client.get("/api/v1/products", params={"store": shop["store"]["id"]})
    assert [item["id"] for item in listed.json()["items"]] == [shop["product"]["id"]]


async def test_a_checkout_and_its_cancellation_show_on_the_cached_detail_at_once(api: Api) -> None:
    shop = await _shop(api)
    await _cached_reads(api, shop)

    checkout = await _check_out(api, shop)
    assert await _shown_stock(api, shop) == (3, 3), "the reserved units can no longer be bought"
    listed = await api.client.get("/api/v1/products", params={"store": shop["store"]["id"]})
    assert [item["id"] for item in listed.json()["items"]] == [shop["product"]["id"]], "still for sale"

    cancelled = await api.client.post(
        f"/api/v1/checkouts/{checkout['id']}/cancel", headers={"Authorization": shop["buyer"]["auth"]}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert await _shown_stock(api, shop) == (5, 5), "the cancelled reservation is for sale again"


async def test_a_rejected_order_puts_its_stock_back_on_the_cached_detail_at_once(api: Api) -> None:
    shop = await _shop(api)
    await _cached_reads(api, shop)
    checkout = await _check_out(api, shop)
    await api.pay(checkout, shop["buyer"])
    assert await _shown_stock(api, shop) == (3, 3), "paid units stay taken"

    order = checkout["orders"][0]
    rejected = await api.client.post(
        f"/api/v1/stores/{shop['store']['id']}/orders/{order['id']}/reject",
        headers={"Authorization": shop["seller"]["auth"]},
    )
    assert rejected.status_code == 200, rejected.text
    assert await _shown_stock(api, shop) == (5, 5)


async def test_a_sellers_stock_edit_shows_on_the_cached_detail_at_once(api: Api) -> None:
    shop = await _shop(api)
    await _cached_reads(api, shop)
    product = shop["product"]
    changed = await api.client.patch(
        f"/api/v1/products/{product['id']}/variants/{product['variants'][0]['id']}",
        json={"stock": 9},
        headers={"Authorization": shop["seller"]["auth"]},
    )
    assert changed.status_code == 200, changed.text
    assert await _shown_stock(api, shop) == (9, 9)
