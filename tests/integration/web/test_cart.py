"""The cart over HTTP on every backend: grouped by store, today's prices, lines flagged when they cannot be bought."""

from __future__ import annotations

from typing import Any

from tests.integration.web.conftest import Api


async def _product(api: Api, seller: dict[str, str], title: str, price: int, stock: int) -> dict[str, Any]:
    store = await api.open_store(seller)
    auth = {"Authorization": seller["auth"]}
    product = (
        await api.client.post(
            f"/api/v1/stores/{store['id']}/products",
            headers=auth,
            json={
                "title": title,
                "variants": [{"sku": "SKU-1", "name": "One", "price": price, "stock": stock, "weight_grams": 100}],
            },
        )
    ).json()
    await api.client.post(f"/api/v1/products/{product['id']}/publish", headers=auth)
    return {**product, "store": store}


async def test_a_buyer_fills_one_cart_across_stores(api: Api) -> None:
    first, second, buyer = await api.register("first"), await api.register("second"), await api.register("buyer")
    batik = await _product(api, first, "Batik", 150_000, 3)
    songket = await _product(api, second, "Songket", 400_000, 1)
    auth = {"Authorization": buyer["auth"]}
    for product, quantity in ((batik, 2), (songket, 1)):
        added = await api.client.post(
            "/api/v1/cart/items", headers=auth, json={"variant_id": product["variants"][0]["id"], "quantity": quantity}
        )
        assert added.status_code == 201, added.text
    cart = (await api.client.get("/api/v1/cart", headers=auth)).json()
    by_store = {s["store_id"]: s for s in cart["stores"]}
    assert by_store[batik["store"]["id"]]["subtotal"] == {"amount": 300_000, "currency": "IDR"}
    assert by_store[songket["store"]["id"]]["lines"][0]["line_total"]["amount"] == 400_000
    assert cart["items_total"]["amount"] == 700_000

    await api.client.patch(
        f"/api/v1/products/{songket['id']}/variants/{songket['variants'][0]['id']}",
        headers={"Authorization": second["auth"]},
        json={"stock": 0},
    )
    now = (await api.client.get("/api/v1/cart", headers=auth)).json()
    line = next(s for s in now["stores"] if s["store_id"] == songket["store"]["id"])["lines"][0]
    assert line["available"] is False and now["items_total"]["amount"] == 300_000


async def test_short_stock_unknown_variants_and_missing_lines_are_refused(api: Api) -> None:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    batik = await _product(api, seller, "Batik", 150_000, 2)
    auth = {"Authorization": buyer["auth"]}
    variant_id = batik["variants"][0]["id"]
    short = await api.client.post("/api/v1/cart/items", headers=auth, json={"variant_id": variant_id, "quantity": 3})
    assert short.status_code == 409
    assert short.json()["variants"] == [{"variant_id": variant_id, "requested": 3, "available": 2}]
    unknown = await api.client.post(
        "/api/v1/cart/items", headers=auth, json={"variant_id": "00000000-0000-7000-8000-000000000000", "quantity": 1}
    )
    assert unknown.status_code == 422
    assert (
        await api.client.patch(f"/api/v1/cart/items/{variant_id}", headers=auth, json={"quantity": 1})
    ).status_code == 404
    await api.client.post("/api/v1/cart/items", headers=auth, json={"variant_id": variant_id, "quantity": 1})
    changed = await api.client.patch(f"/api/v1/cart/items/{variant_id}", headers=auth, json={"quantity": 2})
    assert changed.status_code == 200 and changed.json()["items_total"]["amount"] == 300_000
    assert (await api.client.delete(f"/api/v1/cart/items/{variant_id}", headers=auth)).status_code == 204
    assert (await api.client.get("/api/v1/cart", headers=auth)).json() == {
        "stores": [],
        "items_total": {"amount": 0, "currency": "IDR"},
    }
    assert (await api.client.get("/api/v1/cart")).status_code == 401
