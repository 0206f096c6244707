"""The checkout benchmark's shop, made through the public API: buyers with an address, stores, variants, carts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from _infra import BenchError
from _loadgen import Connection, encode_request

AGENT = "checkout-load/1"
PASSWORD = "bench-password-1"
# Everything at one spot in Jakarta: the in-memory courier offers `instant` within 40 km.
ADDRESS = {
    "recipient": "Bench Buyer",
    "phone": "081234567890",
    "line1": "Jl. Sudirman 1",
    "city": "Jakarta",
    "postal_code": "10220",
    "lat": -6.2,
    "lng": 106.8,
}
PRICE, WEIGHT_GRAMS = 150_000, 400


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """JSON calls over a few keep-alive connections, for set-up (the measured loop has its own)."""

    def __init__(self, port: int, connections: int = 16, timeout: float = 60.0) -> None:
        self.port, self.timeout = port, timeout
        self._idle: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(connections):
            self._idle.put_nowait(Connection(port))

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        payload = encode_request(
            method,
            path,
            self.port,
            body=b"" if body is None else json.dumps(body).encode(),
            headers=bearer(token) if token else None,
            agent=AGENT,
        )
        connection = await self._idle.get()
        try:
            async with asyncio.timeout(self.timeout):
                status, raw = await connection.exchange(payload)
        finally:
            self._idle.put_nowait(connection)
        if status not in expect:
            raise BenchError(f"set-up: {method} {path} answered {status}: {raw[:600].decode(errors='replace')}")
        return json.loads(raw) if raw else None

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()


@dataclass
class Buyer:
    index: int
    token: str
    address_id: str
    has_line: bool = False  # the measured loop's view of the cart: does it hold the line to buy?


async def _user(api: Api, email: str, name: str) -> str:
    """Register and log in; the access token."""
    await api.call("POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "name": name}, expect=(201,))
    tokens = await api.call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD}, expect=(200,))
    return str(tokens["access_token"])


async def register_buyers(api: Api, count: int, tag: str) -> list[Buyer]:
    async def one(index: int) -> Buyer:
        token = await _user(api, f"buyer{index}-{tag}@example.com", f"Buyer {index}")
        address = await api.call("POST", "/api/v1/me/addresses", ADDRESS, token=token, expect=(201,))
        return Buyer(index, token, str(address["id"]))

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def open_store(api: Api, name: str, tag: str) -> tuple[str, str]:
    """A new seller and their store: (seller token, store id)."""
    token = await _user(api, f"seller-{name}-{tag}@example.com", f"Seller {name}")
    store = await api.call(
        "POST", "/api/v1/stores", {"name": f"Toko {name} {tag}", "pickup_address": ADDRESS}, token=token, expect=(201,)
    )
    return token, str(store["id"])


async def add_variant(api: Api, token: str, store_id: str, sku: str, stock: int) -> str:
    """A published product with one variant of `stock` units; the variant's id."""
    product = await api.call(
        "POST",
        f"/api/v1/stores/{store_id}/products",
        {
            "title": f"Kopi bubuk {sku}",
            "variants": [{"sku": sku, "name": "250 g", "price": PRICE, "stock": stock, "weight_grams": WEIGHT_GRAMS}],
        },
        token=token,
        expect=(201,),
    )
    await api.call("POST", f"/api/v1/products/{product['id']}/publish", token=token, expect=(200,))
    return str(product["variants"][0]["id"])


async def fill_carts(api: Api, buyers: list[Buyer], variant_of: dict[int, str]) -> None:
    """Each buyer's cart holds exactly one unit of their variant and nothing else."""

    async def one(buyer: Buyer) -> None:
        wanted = variant_of[buyer.index]
        cart = await api.call("GET", "/api/v1/cart", token=buyer.token, expect=(200,))
        lines = {line["variant_id"]: line["quantity"] for store in cart["stores"] for line in store["lines"]}
        for variant_id in lines.keys() - {wanted}:
            await api.call("DELETE", f"/api/v1/cart/items/{variant_id}", token=buyer.token, expect=(204,))
        if wanted not in lines:
            await api.call(
                "POST", "/api/v1/cart/items", {"variant_id": wanted, "quantity": 1}, token=buyer.token, expect=(201,)
            )
        elif lines[wanted] != 1:
            await api.call("PATCH", f"/api/v1/cart/items/{wanted}", {"quantity": 1}, token=buyer.token, expect=(200,))
        buyer.has_line = True

    await asyncio.gather(*(one(buyer) for buyer in buyers))
