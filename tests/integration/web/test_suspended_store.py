"""A suspended store finishes what it accepted (ships it, may refund it) but starts nothing new: it
cannot publish, accept an order or withdraw (docs/api.md, "Suspended stores")."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.web.conftest import Api
from tests.integration.web.test_checkout import _add, _address, _product
from tests.integration.web.test_shipping import _accepted_order, _auth

BANK = {"channel_code": "ID_BCA", "account_number": "1234567890", "account_holder_name": "Sari Dewi"}


async def _paid_order(api: Api, seller: dict[str, str], store: dict[str, Any]) -> str:
    buyer = await api.register("second-buyer")
    product = await _product(api, seller, store, "Batik cap", 120_000, 3)
    await _add(api, buyer, product, 1)
    placed = await api.client.post(
        "/api/v1/checkouts",
        headers={**_auth(buyer), "Idempotency-Key": uuid.uuid4().hex},
        json={"address_id": await _address(api, buyer), "shipping": {store["id"]: "instant"}},
    )
    assert placed.status_code == 201, placed.text
    await api.pay(placed.json())
    return str(placed.json()["orders"][0]["id"])


def _suspended(response: Any) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["type"] == "/problems/store-suspended" and "suspended" in response.json()["detail"]


async def test_a_suspended_store_cannot_publish_accept_or_withdraw_but_ships_what_it_accepted(api: Api) -> None:
    world = await _accepted_order(api)
    seller, store = world["seller"], world["store"]
    waiting = await _paid_order(api, seller, store)
    draft = await api.client.post(
        f"/api/v1/stores/{store['id']}/products",
        headers=_auth(seller),
        json={
            "title": "Kain lurik",
            "description": "Tenun",
            "category_id": None,
            "media_ids": [],
            "variants": [{"sku": "L-1", "name": "Biru", "price": 90_000, "stock": 2, "weight_grams": 300}],
        },
    )
    assert draft.status_code == 201, draft.text
    admin = await api.register("admin")
    await api.make_admin(admin["email"])
    suspended = await api.client.post(f"/api/v1/admin/stores/{store['id']}/suspend", headers=_auth(admin))
    assert suspended.status_code == 200, suspended.text

    _suspended(await api.client.post(f"/api/v1/products/{draft.json()['id']}/publish", headers=_auth(seller)))
    base = f"/api/v1/stores/{store['id']}/orders"
    _suspended(await api.client.post(f"{base}/{waiting}/accept", headers=_auth(seller)))
    _suspended(
        await api.client.post(
            f"/api/v1/stores/{store['id']}/withdrawals",
            json={"amount": 10_000, "bank": BANK},
            headers={**_auth(seller), "Idempotency-Key": uuid.uuid4().hex},
        )
    )
    order = await api.client.get(f"{base}/{waiting}", headers=_auth(seller))
    assert order.json()["status"] == "paid"

    shipped = await api.client.post(f"{world['base']}/ship", headers=_auth(seller))
    assert shipped.status_code == 200, shipped.text
    rejected = await api.client.post(f"{base}/{waiting}/reject", headers=_auth(seller))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected", rejected.text

    await api.client.post(f"/api/v1/admin/stores/{store['id']}/unsuspend", headers=_auth(admin))
    published = await api.client.post(f"/api/v1/products/{draft.json()['id']}/publish", headers=_auth(seller))
    assert published.status_code == 200 and published.json()["status"] == "active"
