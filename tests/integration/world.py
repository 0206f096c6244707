"""A populated marketplace, built over HTTP, for the authorization matrix and the fuzzer.

Two sellers each own a store with a published product and a draft; two buyers each have an address,
a cart, paid orders, a conversation and an affiliate link; an admin wrote a CMS page and banner.
Party A (buyer A, seller A's store) holds one resource per state an operation needs (a paid order
to accept, another to reject, a delivered one to confirm, ...), so every operation has something
real to act on; party B mirrors the everyday part. Works on any httpx.AsyncClient: the in-process
test client or a served process (payments go through the built-in Xendit sandbox, the courier
through the GoSend sandbox, both mounted where the sandboxes serve).
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from PIL import Image

from tests.credentials import PASSWORD

ADDRESS = {
    "recipient": "Ayu Lestari",
    "phone": "081234567890",
    "line1": "Jl. Sudirman 1",
    "city": "Jakarta",
    "postal_code": "10220",
    "lat": -6.2088,
    "lng": 106.8456,
}
BANK = {"channel_code": "ID_BCA", "account_number": "1234567890", "account_holder_name": "Toko Ayu"}
COURIER = ["allocated", "out_for_pickup", "picked", "out_for_delivery", "delivered"]
PRICE = 150_000
ROLES = ("anonymous", "buyer_a", "buyer_b", "seller_a", "seller_b", "staff", "admin")


@dataclass
class User:
    id: str
    email: str
    access_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class World:
    """The users by role and the named ids of everything made for them."""

    client: httpx.AsyncClient
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def auth(self, role: str) -> dict[str, str]:
        return self.users[role].auth if role in self.users else {}

    async def call(self, method: str, path: str, role: str, body: Any = None, expect: int | None = 200) -> Any:
        headers = {**self.auth(role), "Idempotency-Key": uuid.uuid4().hex}
        response = await self.client.request(method, path, headers=headers, json=body)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path} as {role}: {response.text}"
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    async def session(self, role: str) -> dict[str, Any]:
        """A new session (token pair) of the role's user."""
        credentials = {"email": self.users[role].email, "password": PASSWORD}
        tokens: dict[str, Any] = await self.call("POST", "/api/v1/auth/login", "anonymous", credentials)
        return tokens


MakeAdmin = Callable[[str], Awaitable[None]]


async def build_world(client: httpx.AsyncClient, make_admin: MakeAdmin) -> World:
    world = World(client=client)
    for role in ROLES[1:]:
        await _register(world, role)
    await make_admin(world.users["admin"].email)  # roles are read at request time: the token stays good
    for party in ("a", "b"):
        await _seller(world, party)
    await _media(world)
    await _buyer_basics(world, "b", order_states=("paid",))
    await _buyer_basics(
        world,
        "a",
        order_states=("paid", "paid_reject", "paid_cancel", "accepted", "shipping", "delivered", "completed"),
    )
    await _reviews(world)
    await _cart(world)
    await _admin_content(world)
    return world


async def _register(world: World, role: str) -> None:
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    registered = await world.call(
        "POST",
        "/api/v1/auth/register",
        "anonymous",
        {"email": email, "password": PASSWORD, "name": role.replace("_", " ").title()},
        expect=201,
    )
    world.users[role] = User(id=registered["id"], email=email, access_token="")
    world.users[role].access_token = (await world.session(role))["access_token"]


async def _product(world: World, role: str, store_id: str, variants: int, publish: bool) -> dict[str, Any]:
    # Light enough that a cart of a hundred of each still goes by motorbike (the fuzzer fills carts).
    body = {
        "title": f"Batik {uuid.uuid4().hex[:6]}",
        "description": "Hand-drawn batik",
        "variants": [
            {
                "sku": f"SKU-{uuid.uuid4().hex[:10]}",
                "name": f"Size {n}",
                "price": PRICE,
                "stock": 100,
                "weight_grams": 5,
            }
            for n in range(variants)
        ],
    }
    product: dict[str, Any] = await world.call("POST", f"/api/v1/stores/{store_id}/products", role, body, expect=201)
    if publish:
        await world.call("POST", f"/api/v1/products/{product['id']}/publish", role)
    return product


async def _seller(world: World, party: str) -> None:
    role, ids = f"seller_{party}", world.ids
    store = await world.call(
        "POST",
        "/api/v1/stores",
        role,
        {"name": f"Toko {party.upper()} {uuid.uuid4().hex[:6]}", "description": "Batik", "pickup_address": ADDRESS},
        expect=201,
    )
    ids[f"store_{party}"], ids[f"store_{party}_slug"] = store["id"], store["slug"]
    await world.call("PUT", f"/api/v1/stores/{store['id']}/affiliate-rate", role, {"rate_bps": 1000})
    product = await _product(world, role, store["id"], variants=5, publish=True)
    ids[f"product_{party}"], ids[f"product_{party}_slug"] = product["id"], product["slug"]
    for n, variant in enumerate(product["variants"]):
        ids[f"variant_{party}{n}"] = variant["id"]
    ids[f"draft_{party}"] = (await _product(world, role, store["id"], variants=1, publish=False))["id"]
    ids[f"archivable_{party}"] = (await _product(world, role, store["id"], variants=1, publish=True))["id"]
    if party == "a":
        # A second store of seller A's for the admin to suspend, and a third already suspended to reinstate.
        for name in ("suspendable", "suspended"):
            spare = await world.call(
                "POST",
                "/api/v1/stores",
                role,
                {"name": f"Toko {name} {uuid.uuid4().hex[:6]}", "pickup_address": ADDRESS},
                expect=201,
            )
            ids[f"store_{name}"] = spare["id"]
        await world.call("POST", f"/api/v1/admin/stores/{ids['store_suspended']}/suspend", "admin")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 60)).save(out, "PNG")
    return out.getvalue()


async def _upload(world: World, role: str, purpose: str = "product_image", complete: bool = True) -> str:
    data = _png()
    ticket = await world.call(
        "POST",
        "/api/v1/media/uploads",
        role,
        {"filename": "batik.png", "content_type": "image/png", "size": len(data), "purpose": purpose},
        expect=201,
    )
    parts = urlsplit(ticket["upload_url"])
    assert ticket["method"] == "PUT", "the local storage takes a PUT to its signed URL"
    sent = await world.client.put(f"{parts.path}?{parts.query}", content=data, headers=ticket["headers"])
    assert sent.status_code == 200, sent.text
    if complete:
        await world.call("POST", f"/api/v1/media/{ticket['media_id']}/complete", role)
    return str(ticket["media_id"])


async def _media(world: World) -> None:
    world.ids["media_private"] = await _upload(world, "seller_a")
    world.ids["media_uploaded"] = await _upload(world, "seller_a", complete=False)


async def _buyer_basics(world: World, party: str, order_states: tuple[str, ...]) -> None:
    role, ids = f"buyer_{party}", world.ids
    for name in ("address", "spare_address", "other_address"):
        ids[f"{name}_{party}"] = (await world.call("POST", "/api/v1/me/addresses", role, ADDRESS, expect=201))["id"]
    await world.call("POST", "/api/v1/affiliate/join", role, expect=201)
    # Both link to store A's product: buyer B earns on buyer A's completed order.
    link = await world.call("POST", "/api/v1/affiliate/links", role, {"product_id": ids["product_a"]}, expect=201)
    ids[f"link_{party}"] = link["code"]
    other = "b" if party == "a" else "a"
    for state in order_states:
        await _order_in_state(world, party, state, referral=ids.get(f"link_{other}"))
    opened = await world.call("POST", "/api/v1/conversations", role, {"store_id": ids[f"store_{party}"]}, expect=201)
    ids[f"conversation_{party}"] = opened["id"]
    sent = await world.call(
        "POST",
        f"/api/v1/conversations/{opened['id']}/messages",
        role,
        {"client_id": uuid.uuid4().hex, "body": "Is it in stock?"},
        expect=201,
    )
    ids[f"message_{party}"] = sent["id"]


async def _order_in_state(world: World, party: str, state: str, referral: str | None) -> None:
    """Buyer `party` buys at seller `party`'s store and the order is walked to `state`."""
    buyer, seller, ids = f"buyer_{party}", f"seller_{party}", world.ids
    lines = 3 if state == "completed" else 1
    for n in range(lines):
        await world.call(
            "POST", "/api/v1/cart/items", buyer, {"variant_id": ids[f"variant_{party}{n}"], "quantity": 1}, expect=201
        )
    body: dict[str, Any] = {"address_id": ids[f"address_{party}"], "shipping": {ids[f"store_{party}"]: "instant"}}
    if state == "completed" and referral:
        body["referral_code"] = referral
    checkout = await world.call("POST", "/api/v1/checkouts", buyer, body, expect=201)
    order = checkout["orders"][0]
    ids[f"checkout_{party}_{state}"], ids[f"order_{party}_{state}"] = checkout["id"], order["id"]
    ids[f"line_{party}_{state}"] = order["lines"][0]["id"]
    await pay(world, buyer, checkout)
    if state.startswith("paid"):
        return
    base = f"/api/v1/stores/{ids[f'store_{party}']}/orders/{order['id']}"
    await world.call("POST", f"{base}/accept", seller)
    if state == "accepted":
        return
    booking = (await world.call("POST", f"{base}/ship", seller))["booking_id"]
    if state == "shipping":
        return
    for status in COURIER:
        await _courier(world, buyer, order["id"], booking, status)
    if state == "completed":
        done = await world.call("POST", f"/api/v1/orders/{order['id']}/confirm-received", buyer)
        ids.update({f"line_{party}_completed_{n}": line["id"] for n, line in enumerate(done["lines"])})


async def pay(world: World, buyer: str, checkout: dict[str, Any]) -> None:
    """The buyer pays at the Xendit sandbox, whose callback marks the checkout paid."""
    await world.call("POST", f"/sandbox/xendit/_sandbox/invoices/{checkout['payment']['invoice_id']}/pay", "anonymous")
    await _until(
        lambda: world.call("GET", f"/api/v1/checkouts/{checkout['id']}", buyer),
        lambda found: found["status"] == "paid",
        "the paid callback",
    )


async def _courier(world: World, buyer: str, order_id: str, booking_id: str, status: str) -> None:
    await world.call("POST", f"/sandbox/gosend/_sandbox/bookings/{booking_id}/advance", "anonymous", {"status": status})
    await _until(
        lambda: world.call("GET", f"/api/v1/orders/{order_id}/shipment", buyer),
        lambda found: found["attempts"][-1]["status"] == status,
        f"the {status} webhook",
    )


async def _until(read: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], what: str) -> None:
    for _ in range(400):
        if done(await read()):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} did not arrive")


async def _reviews(world: World) -> None:
    ids = world.ids
    for n, name in ((0, "review"), (1, "hideable_review")):
        path = f"/api/v1/orders/{ids['order_a_completed']}/lines/{ids[f'line_a_completed_{n}']}/review"
        ids[name] = (await world.call("POST", path, "buyer_a", {"rating": 5, "body": "Rapi"}, expect=201))["id"]
    ids["unreviewed_line"] = ids["line_a_completed_2"]


async def _cart(world: World) -> None:
    """Each buyer has an unpaid checkout, and a cart of two lines again after it: one line to change, one to
    remove (the rest can be checked out)."""
    ids = world.ids
    for party in ("a", "b"):
        buyer = f"buyer_{party}"
        await world.call(
            "POST", "/api/v1/cart/items", buyer, {"variant_id": ids[f"variant_{party}3"], "quantity": 1}, expect=201
        )
        pending = await world.call(
            "POST",
            "/api/v1/checkouts",
            buyer,
            {"address_id": ids[f"address_{party}"], "shipping": {ids[f"store_{party}"]: "instant"}},
            expect=201,
        )
        ids[f"checkout_{party}_pending"] = pending["id"]
        for n in (0, 1):
            await world.call(
                "POST",
                "/api/v1/cart/items",
                buyer,
                {"variant_id": ids[f"variant_{party}{n}"], "quantity": 1},
                expect=201,
            )


async def _admin_content(world: World) -> None:
    ids = world.ids
    category = await world.call(
        "POST", "/api/v1/admin/categories", "admin", {"name": f"Kain {uuid.uuid4().hex[:6]}"}, expect=201
    )
    ids["category"] = category["id"]
    for name in ("page", "draft_page", "published_page"):
        slug = f"{name.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
        page = await world.call(
            "POST",
            "/api/v1/admin/cms/pages",
            "admin",
            {"slug": slug, "title": "About us", "body": "# Batik\nSince 1950."},
            expect=201,
        )
        ids[f"cms_{name}"], ids[f"cms_{name}_slug"] = page["id"], slug
        if name != "draft_page":
            await world.call("POST", f"/api/v1/admin/cms/pages/{page['id']}/publish", "admin")
    for name in ("banner", "draft_banner", "published_banner"):
        banner = await world.call(
            "POST",
            "/api/v1/admin/cms/banners",
            "admin",
            {"placement": "home-hero", "title": "Sale", "link_url": "/sale"},
            expect=201,
        )
        ids[f"cms_{name}"] = banner["id"]
        if name != "draft_banner":
            await world.call("POST", f"/api/v1/admin/cms/banners/{banner['id']}/publish", "admin")
