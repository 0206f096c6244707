"""Paying for, shipping and delivering an order shows up live on the buyer's and the seller's sockets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.realtime.clients import Listener, auth, user
from tests.integration.serving import served
from tests.integration.web.conftest import ADDRESS


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("live"), {}) as base:
        yield base


async def test_payment_shipping_and_delivery_are_pushed_to_both_sides(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
        seller, buyer, stranger = await user(http, "seller"), await user(http, "buyer"), await user(http, "stranger")
        store = (
            await http.post(
                "/api/v1/stores",
                headers=auth(seller),
                json={"name": f"Toko {uuid.uuid4().hex[:6]}", "pickup_address": ADDRESS},
            )
        ).json()
        product = (
            await http.post(
                f"/api/v1/stores/{store['id']}/products",
                headers=auth(seller),
                json={
                    "title": "Batik",
                    "variants": [
                        {
                            "sku": f"B-{uuid.uuid4().hex[:6]}",
                            "name": "One",
                            "price": 200_000,
                            "stock": 3,
                            "weight_grams": 500,
                        }
                    ],
                },
            )
        ).json()
        assert (await http.post(f"/api/v1/products/{product['id']}/publish", headers=auth(seller))).status_code == 200
        address = (await http.post("/api/v1/me/addresses", headers=auth(buyer), json=ADDRESS)).json()
        added = await http.post(
            "/api/v1/cart/items", headers=auth(buyer), json={"variant_id": product["variants"][0]["id"], "quantity": 1}
        )
        assert added.status_code == 201, added.text

        buyer_socket, seller_socket, stranger_socket = Listener("buyer"), Listener("seller"), Listener("stranger")
        await buyer_socket.connect(embedded, buyer["token"])
        await seller_socket.connect(embedded, seller["token"])
        await stranger_socket.connect(embedded, stranger["token"])
        try:
            placed = await http.post(
                "/api/v1/checkouts",
                headers={**auth(buyer), "Idempotency-Key": uuid.uuid4().hex},
                json={"address_id": address["id"], "shipping": {store["id"]: "instant"}},
            )
            assert placed.status_code == 201, placed.text
            checkout = placed.json()
            order_id = checkout["orders"][0]["id"]
            paid = await http.post(f"/sandbox/xendit/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay")
            assert paid.status_code == 200, paid.text

            [payment] = await buyer_socket.wait_for("payment:updated")
            assert payment["checkout_id"] == checkout["id"] and payment["status"] == "paid" and payment["at"]
            for side in (buyer_socket, seller_socket):
                [update] = await side.wait_for("order:updated", where=lambda d: d["status"] == "paid")
                assert update["order_id"] == order_id and update["checkout_id"] == checkout["id"]
                assert update["store_id"] == store["id"]
            assert seller_socket.of("payment:updated") == []  # the payment is the buyer's business
            # The notification centre's new entry comes live too, to its user only.
            [told] = await seller_socket.wait_for("notification:new", where=lambda d: d["kind"] == "store_order")
            assert set(told) == {"id", "kind", "title", "body", "data", "created_at", "read_at"}
            assert told["data"]["order_id"] == order_id and told["read_at"] is None
            listed = (await http.get("/api/v1/notifications", headers=auth(seller))).json()["items"]
            assert [n["id"] for n in listed] == [told["id"]]

            base = f"/api/v1/stores/{store['id']}/orders/{order_id}"
            assert (await http.post(f"{base}/accept", headers=auth(seller))).status_code == 200
            shipped = await http.post(f"{base}/ship", headers=auth(seller))
            assert shipped.status_code == 200, shipped.text
            booking_id = shipped.json()["booking_id"]
            for status in ("allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"):
                # A courier's steps are minutes apart: each one's webhook lands before the next step.
                moved = await http.post(
                    f"/sandbox/gosend/_sandbox/bookings/{booking_id}/advance", json={"status": status}
                )
                assert moved.status_code == 200, moved.text
                await buyer_socket.wait_for("shipment:updated", where=lambda d, s=status: d["status"] == s)
            for side in (buyer_socket, seller_socket):
                await side.wait_for("order:updated", where=lambda d: d["status"] == "delivered")
                statuses = [d["status"] for d in side.of("order:updated")]
                assert statuses == ["paid", "accepted", "shipping", "delivered"]
                await side.wait_for("shipment:updated", where=lambda d: d["status"] == "delivered")
                shipment = side.of("shipment:updated")
                assert {d["booking_id"] for d in shipment} == {booking_id} and {d["order_id"] for d in shipment} == {
                    order_id
                }
                assert {d["status"] for d in shipment} == {
                    "confirmed",
                    "allocated",
                    "out_for_pickup",
                    "picked",
                    "out_for_delivery",
                    "delivered",
                }
            await buyer_socket.wait_for("notification:new", where=lambda d: d["data"]["status"] == "delivered")
            told_buyer = [(d["kind"], d["data"]["status"]) for d in buyer_socket.of("notification:new")]
            assert told_buyer == [
                ("order", "paid"),
                ("order", "accepted"),
                ("shipment", "shipping"),
                ("shipment", "delivered"),
            ]
            assert [d["kind"] for d in seller_socket.of("notification:new")] == ["store_order"]
            assert stranger_socket.events == []
        finally:
            for listener in (buyer_socket, seller_socket, stranger_socket):
                await listener.close()
