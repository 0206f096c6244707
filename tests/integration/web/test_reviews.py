"""Verified-purchase reviews over HTTP on every backend: a completed order's buyer reviews its line,
the product's summary, rating and `sort=rating` reflect it at once, everybody else is refused, the
store replies once, an admin's hide takes it out; twenty concurrent reviews leave an exact summary."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order, OrderLine
from marketplace.domain.ordering.policy import OrderAction
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.money import Money
from marketplace.entrypoints.container import resolve
from tests.integration.web.conftest import ADDRESS, Api
from tests.integration.web.test_checkout import _product
from tests.integration.web.test_media_flow import _local, _png, local_api  # noqa: F401 - a fixture
from tests.integration.web.test_shipping import HAPPY, _accepted_order, _auth, _courier


async def _completed_order(api: Api) -> dict[str, Any]:
    world = await _accepted_order(api)
    assert (await api.client.post(f"{world['base']}/ship", headers=_auth(world["seller"]))).status_code == 200
    for status in HAPPY[1:]:
        await _courier(api, world, status)
    done = await api.client.post(f"/api/v1/orders/{world['order_id']}/confirm-received", headers=_auth(world["buyer"]))
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    world["line"] = done.json()["lines"][0]
    return world


async def test_a_buyer_reviews_a_completed_order_and_everyone_else_is_refused(api: Api) -> None:
    world = await _completed_order(api)
    product_id = world["product"]["id"]
    other = await _product(api, world["seller"], world["store"], "Songket", 300_000, 2)  # unrated
    path = f"/api/v1/orders/{world['order_id']}/lines/{world['line']['id']}/review"
    stranger = await api.register("stranger")
    assert (await api.client.post(path, headers=_auth(stranger), json={"rating": 5})).status_code == 404
    assert (await api.client.post(path, headers=_auth(world["seller"]), json={"rating": 5})).status_code == 404
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": 4.5}, {"rating": 5, "body": "x" * 4001}, {}):
        assert (await api.client.post(path, headers=_auth(world["buyer"]), json=bad)).status_code in (400, 422), bad
    written = await api.client.post(
        path, headers=_auth(world["buyer"]), json={"rating": 4, "body": "Kainnya halus, jahitan rapi"}
    )
    assert written.status_code == 201, written.text
    review = written.json()
    assert review["rating"] == 4 and review["author"]["id"] == world["buyer"]["id"] and review["status"] == "visible"
    again = await api.client.post(path, headers=_auth(world["buyer"]), json={"rating": 5})
    assert again.status_code == 409

    detail = (await api.client.get(f"/api/v1/products/{product_id}")).json()
    assert detail["rating"] == {"average": 4.0, "count": 1}
    ranked = (await api.client.get(f"/api/v1/products?store={world['store']['id']}&sort=rating")).json()["items"]
    assert [p["id"] for p in ranked] == [product_id, other["id"]] and ranked[0]["rating"]["count"] == 1
    store = (await api.client.get(f"/api/v1/stores/{world['store']['id']}")).json()
    assert store["rating"] == {"average": 4.0, "count": 1}
    listed = (await api.client.get(f"/api/v1/products/{product_id}/reviews")).json()
    assert listed["summary"] == {"average": 4.0, "count": 1, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}
    assert [r["id"] for r in listed["items"]] == [review["id"]] and listed["next_cursor"] is None

    edited = await api.client.patch(
        f"/api/v1/reviews/{review['id']}", headers=_auth(world["buyer"]), json={"rating": 5}
    )
    assert edited.status_code == 200 and edited.json()["rating"] == 5 and edited.json()["edited_at"]
    assert (
        await api.client.patch(f"/api/v1/reviews/{review['id']}", headers=_auth(stranger), json={"rating": 1})
    ).status_code == 404
    assert (await api.client.get(f"/api/v1/products/{product_id}")).json()["rating"] == {"average": 5.0, "count": 1}

    reply_path = f"/api/v1/reviews/{review['id']}/reply"
    assert (await api.client.post(reply_path, headers=_auth(world["buyer"]), json={"body": "me"})).status_code == 403
    replied = await api.client.post(reply_path, headers=_auth(world["seller"]), json={"body": "Terima kasih kak!"})
    assert replied.status_code == 201 and replied.json()["reply"]["body"] == "Terima kasih kak!"
    assert (await api.client.post(reply_path, headers=_auth(world["seller"]), json={"body": "2"})).status_code == 409
    shown = (await api.client.get(f"/api/v1/products/{product_id}/reviews")).json()["items"][0]
    assert shown["reply"]["body"] == "Terima kasih kak!"

    hide = f"/api/v1/admin/reviews/{review['id']}/hide"
    assert (await api.client.post(hide, headers=_auth(world["seller"]))).status_code == 403
    admin = await api.register("admin")
    await api.make_admin(admin["email"])
    hidden = await api.client.post(hide, headers=_auth(admin))
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"
    after = (await api.client.get(f"/api/v1/products/{product_id}/reviews")).json()
    assert after["items"] == [] and after["summary"]["count"] == 0 and after["summary"]["average"] is None
    assert (await api.client.get(f"/api/v1/products/{product_id}")).json()["rating"] == {"average": None, "count": 0}
    assert (await api.client.post(hide, headers=_auth(admin))).status_code == 200  # again: nothing changes


async def test_an_order_not_yet_completed_cannot_be_reviewed(api: Api) -> None:
    world = await _accepted_order(api)
    order = (await api.client.get(f"/api/v1/orders/{world['order_id']}", headers=_auth(world["buyer"]))).json()
    path = f"/api/v1/orders/{world['order_id']}/lines/{order['lines'][0]['id']}/review"
    early = await api.client.post(path, headers=_auth(world["buyer"]), json={"rating": 5})
    assert early.status_code == 409 and "completed" in early.json()["detail"]
    missing = await api.client.post(
        f"/api/v1/orders/{world['order_id']}/lines/{uuid.uuid4()}/review",
        headers=_auth(world["buyer"]),
        json={"rating": 5},
    )
    assert missing.status_code == 404
    bad_sort = await api.client.get(f"/api/v1/products/{world['product']['id']}/reviews?sort=best")
    assert bad_sort.status_code in (400, 422)


async def _completed_orders_directly(
    api: Api, product: dict[str, Any], store: dict[str, Any], buyers: list[dict[str, str]]
) -> list[tuple[str, str]]:
    """Completed orders of `product` for each buyer, written straight through the unit of work (the
    HTTP flow to completion is tested above; here the point is the concurrent reviews)."""
    variant = product["variants"][0]
    address = PostalAddress.create(**{k: v for k, v in ADDRESS.items()})  # type: ignore[arg-type]
    now = datetime.now(UTC)
    made: list[tuple[str, str]] = []

    async def write(container: Any) -> None:
        async with (await resolve(container.uow))() as uow:
            for buyer in buyers:
                checkout_id, order_id, line_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
                order = Order(
                    id=order_id,
                    checkout_id=checkout_id,
                    store_id=store["id"],
                    buyer_id=buyer["id"],
                    lines=[
                        OrderLine(
                            id=line_id,
                            variant_id=variant["id"],
                            product_id=product["id"],
                            title=product["title"],
                            quantity=1,
                            unit_price=Money(variant["price"]["amount"]),
                        )
                    ],
                    shipping_fee=Money(10_000),
                    created_at=now,
                    store_name=store["name"],
                    address=address,
                )
                for move in ("pay", "accept", "start_shipping", "deliver", "complete"):
                    order.apply(OrderAction(move), now)
                checkout = Checkout.place(
                    id=checkout_id,
                    buyer_id=buyer["id"],
                    order_ids=[order_id],
                    address=address,
                    amount=order.total,
                    now=now,
                    expires_at=now + timedelta(hours=1),
                    referral_code=None,
                )
                checkout.pay(now)
                await uow.orders.add(order)
                await uow.checkouts.add(checkout)
                made.append((order_id, line_id))
            await uow.commit()

    await api.use(write)
    return made


async def test_twenty_concurrent_reviews_of_one_product_leave_an_exact_summary(api: Api) -> None:
    seller = await api.register("seller")
    store = await api.open_store(seller)
    product = await _product(api, seller, store, "Batik cap", 120_000, 50)
    buyers = [await api.register(f"buyer{i}") for i in range(20)]
    lines = await _completed_orders_directly(api, product, store, buyers)
    stars = [1 + i % 5 for i in range(20)]
    answers = await asyncio.gather(
        *(
            api.client.post(
                f"/api/v1/orders/{order_id}/lines/{line_id}/review",
                headers=_auth(buyer),
                json={"rating": rating, "body": f"{rating}"},
            )
            for buyer, (order_id, line_id), rating in zip(buyers, lines, stars, strict=True)
        )
    )
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers if a.status_code != 201]
    listed = (await api.client.get(f"/api/v1/products/{product['id']}/reviews?limit=100&sort=highest")).json()
    assert listed["summary"] == {"average": 3.0, "count": 20, "distribution": {"1": 4, "2": 4, "3": 4, "4": 4, "5": 4}}
    assert [r["rating"] for r in listed["items"]] == sorted(stars, reverse=True)
    detail = (await api.client.get(f"/api/v1/products/{product['id']}")).json()
    assert detail["rating"] == {"average": 3.0, "count": 20}
    store_view = (await api.client.get(f"/api/v1/stores/{store['id']}")).json()
    assert store_view["rating"] == {"average": 3.0, "count": 20}
    page = (await api.client.get(f"/api/v1/products/{product['id']}/reviews?limit=7&rating=5")).json()
    assert len(page["items"]) == 4 and page["next_cursor"] is None


async def test_a_review_shows_its_photos_to_anyone_until_it_is_hidden(local_api: Api) -> None:  # noqa: F811
    api = local_api
    world = await _completed_order(api)
    buyer = _auth(world["buyer"])
    data = _png()
    ticket = (
        await api.client.post(
            "/api/v1/media/uploads",
            headers=buyer,
            json={"filename": "photo.png", "content_type": "image/png", "size": len(data), "purpose": "review_photo"},
        )
    ).json()
    assert (
        await api.client.put(_local(ticket["upload_url"]), content=data, headers=ticket["headers"])
    ).status_code == 200
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=buyer)).status_code == 200
    path = f"/api/v1/orders/{world['order_id']}/lines/{world['line']['id']}/review"
    written = await api.client.post(path, headers=buyer, json={"rating": 5, "media_ids": [ticket["media_id"]]})
    assert written.status_code == 201, written.text
    assert [m["id"] for m in written.json()["media"]] == [ticket["media_id"]]
    stranger = await api.register("stranger")
    seen = await api.client.get(f"/api/v1/media/{ticket['media_id']}", headers=_auth(stranger), follow_redirects=False)
    assert seen.status_code in (302, 303, 307)
    admin = await api.register("admin")
    await api.make_admin(admin["email"])
    assert (
        await api.client.post(f"/api/v1/admin/reviews/{written.json()['id']}/hide", headers=_auth(admin))
    ).status_code == 200
    hidden = await api.client.get(
        f"/api/v1/media/{ticket['media_id']}", headers=_auth(stranger), follow_redirects=False
    )
    assert hidden.status_code == 404
