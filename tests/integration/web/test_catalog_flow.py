"""The foundation's journey over HTTP, on every backend: a seller lists, a buyer finds."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.web.conftest import Api


def _product_body(word: str, category_id: str | None = None) -> dict[str, Any]:
    return {
        "title": f"{word} batik shirt",
        "description": "Hand-drawn batik tulis from Solo, cotton.",
        "category_id": category_id,
        "variants": [
            {
                "sku": "BTK-S",
                "name": "Small",
                "price": {"amount": 150_000, "currency": "IDR"},
                "stock": 5,
                "weight_grams": 200,
            },
            {
                "sku": "BTK-M",
                "name": "Medium",
                "price": {"amount": 175_000, "currency": "IDR"},
                "stock": 3,
                "weight_grams": 220,
            },
        ],
        "media_ids": [],
    }


async def test_a_seller_lists_a_product_and_a_buyer_finds_it_by_text_and_category(api: Api) -> None:
    c = api.client
    seller = await api.register("seller")
    admin = await api.register("admin")
    await api.make_admin(admin["email"])
    root = await c.post(
        "/api/v1/admin/categories",
        json={"name": f"Fashion {uuid.uuid4().hex[:6]}"},
        headers={"Authorization": admin["auth"]},
    )
    assert root.status_code == 201, root.text
    child = await c.post(
        "/api/v1/admin/categories",
        json={"name": "Shirts", "parent_id": root.json()["id"]},
        headers={"Authorization": admin["auth"]},
    )
    assert child.status_code == 201, child.text
    store = await api.open_store(seller)
    me = await c.get("/api/v1/me", headers={"Authorization": seller["auth"]})
    assert store["id"] in me.json()["store_ids"]

    word = f"kawung{uuid.uuid4().hex[:6]}"
    created = await c.post(
        f"/api/v1/stores/{store['id']}/products",
        json=_product_body(word, child.json()["id"]),
        headers={"Authorization": seller["auth"]},
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["status"] == "draft" and len(product["variants"]) == 2

    buyer = await api.register("buyer")
    hidden = await c.get(f"/api/v1/products/{product['id']}", headers={"Authorization": buyer["auth"]})
    assert hidden.status_code == 404, "a draft is the owner's private resource"

    published = await c.post(f"/api/v1/products/{product['id']}/publish", headers={"Authorization": seller["auth"]})
    assert published.status_code == 200 and published.json()["status"] == "active"

    found = await c.get("/api/v1/products", params={"q": word})
    assert [item["id"] for item in found.json()["items"]] == [product["id"]]
    card = found.json()["items"][0]
    assert card["price_from"] == {"amount": 150_000, "currency": "IDR"}
    assert card["store"] == {"id": store["id"], "name": store["name"]}
    assert card["rating"] == {"average": None, "count": 0}

    by_parent = await c.get("/api/v1/products", params={"category": root.json()["id"], "limit": 100})
    assert product["id"] in [item["id"] for item in by_parent.json()["items"]], "a category includes its subcategories"

    detail = await c.get(f"/api/v1/products/{product['slug']}", headers={"Authorization": buyer["auth"]})
    assert detail.status_code == 200
    assert sorted(v["sku"] for v in detail.json()["variants"]) == ["BTK-M", "BTK-S"]
    assert detail.json()["media"] == []


async def test_a_price_change_shows_on_the_next_read(api: Api) -> None:
    c = api.client
    seller = await api.register("seller")
    store = await api.open_store(seller)
    word = f"parang{uuid.uuid4().hex[:6]}"
    product = (
        await c.post(
            f"/api/v1/stores/{store['id']}/products",
            json=_product_body(word),
            headers={"Authorization": seller["auth"]},
        )
    ).json()
    await c.post(f"/api/v1/products/{product['id']}/publish", headers={"Authorization": seller["auth"]})
    before = await c.get("/api/v1/products", params={"q": word})
    assert before.json()["items"][0]["price_from"]["amount"] == 150_000
    assert (await c.get(f"/api/v1/products/{product['id']}")).json()["variants"][0]["price"]["amount"] in (
        150_000,
        175_000,
    )

    variant = next(v for v in product["variants"] if v["sku"] == "BTK-S")
    changed = await c.patch(
        f"/api/v1/products/{product['id']}/variants/{variant['id']}",
        json={"price": {"amount": 99_000, "currency": "IDR"}},
        headers={"Authorization": seller["auth"]},
    )
    assert changed.status_code == 200, changed.text

    after = await c.get("/api/v1/products", params={"q": word})
    assert after.json()["items"][0]["price_from"]["amount"] == 99_000
    detail = await c.get(f"/api/v1/products/{product['id']}")
    assert {v["sku"]: v["price"]["amount"] for v in detail.json()["variants"]}["BTK-S"] == 99_000


async def test_a_buyer_cannot_edit_someone_elses_product(api: Api) -> None:
    c = api.client
    seller = await api.register("seller")
    buyer = await api.register("buyer")
    store = await api.open_store(seller)
    product = (
        await c.post(
            f"/api/v1/stores/{store['id']}/products",
            json=_product_body("mega"),
            headers={"Authorization": seller["auth"]},
        )
    ).json()
    as_buyer = {"Authorization": buyer["auth"]}

    draft_edit = await c.patch(f"/api/v1/products/{product['id']}", json={"title": "Stolen"}, headers=as_buyer)
    assert draft_edit.status_code == 404, "a draft is not the buyer's to see"
    await c.post(f"/api/v1/products/{product['id']}/publish", headers={"Authorization": seller["auth"]})
    visible_edit = await c.patch(f"/api/v1/products/{product['id']}", json={"title": "Stolen"}, headers=as_buyer)
    assert visible_edit.status_code == 403
    assert visible_edit.headers["content-type"].startswith("application/problem+json")
    store_edit = await c.patch(f"/api/v1/stores/{store['id']}", json={"name": "Mine now"}, headers=as_buyer)
    assert store_edit.status_code == 403
    new_product = await c.post(f"/api/v1/stores/{store['id']}/products", json=_product_body("x"), headers=as_buyer)
    assert new_product.status_code == 403
    assert (await c.get(f"/api/v1/products/{product['id']}")).json()["title"] == "mega batik shirt"


async def test_suspending_a_store_hides_it_from_everyone_but_its_owner(api: Api) -> None:
    c = api.client
    seller, admin, buyer = await api.register("seller"), await api.register("admin"), await api.register("buyer")
    await api.make_admin(admin["email"])
    store = await api.open_store(seller)
    product = (
        await c.post(
            f"/api/v1/stores/{store['id']}/products",
            json=_product_body("sogan"),
            headers={"Authorization": seller["auth"]},
        )
    ).json()
    await c.post(f"/api/v1/products/{product['id']}/publish", headers={"Authorization": seller["auth"]})

    refused = await c.post(f"/api/v1/admin/stores/{store['id']}/suspend", headers={"Authorization": buyer["auth"]})
    assert refused.status_code == 403
    suspended = await c.post(f"/api/v1/admin/stores/{store['id']}/suspend", headers={"Authorization": admin["auth"]})
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"

    assert (await c.get(f"/api/v1/stores/{store['slug']}")).status_code == 404
    assert (await c.get(f"/api/v1/products/{product['id']}")).status_code == 404
    owner_view = await c.get(f"/api/v1/stores/{store['id']}", headers={"Authorization": seller["auth"]})
    assert owner_view.status_code == 200 and owner_view.json()["status"] == "suspended"
    owner_products = await c.get(f"/api/v1/stores/{store['id']}/products", headers={"Authorization": seller["auth"]})
    assert [p["id"] for p in owner_products.json()["items"]] == [product["id"]]

    await c.post(f"/api/v1/admin/stores/{store['id']}/unsuspend", headers={"Authorization": admin["auth"]})
    assert (await c.get(f"/api/v1/products/{product['id']}")).status_code == 200
