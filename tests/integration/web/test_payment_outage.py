"""Xendit down or refusing us during checkout: the buyer gets a clear retryable problem, nothing stays
reserved, the cart is intact, and the same Idempotency-Key may be tried again (a 5xx is not replayed)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.integration.sandbox_server import SANDBOX_TOKEN, sandbox_xendit
from tests.integration.serving import free_port
from tests.integration.web.conftest import ADDRESS, Api


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandbox_xendit(tmp_path_factory.mktemp("outage")) as base:
        yield base


def _settings(tmp_path: Path, base_url: str, key: str) -> Settings:
    return Settings.from_env(
        {},
        data_dir=str(tmp_path),
        password_hash_profile="light",
        access_log=False,
        auth_rate_limit=10_000,
        run_worker=False,
        xendit_base_url=base_url,
        xendit_secret_key=key,
        xendit_callback_token=SANDBOX_TOKEN,
        sandbox="on",
    )


@pytest.fixture(params=["unreachable", "wrong-key"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    if request.param == "unreachable":
        settings = _settings(tmp_path, f"http://127.0.0.1:{free_port()}", "xnd_development_whatever")
    else:
        settings = _settings(tmp_path, request.getfixturevalue("sandbox"), "xnd_development_not_the_right_key")
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(settings, container)) as client:
        yield Api(client=client, settings=settings, container=container)


async def test_checkout_fails_cleanly_and_can_be_retried_with_the_same_key(api: Api) -> None:
    seller, buyer = await api.register("seller"), await api.register("buyer")
    store = await api.open_store(seller)
    auth_s, auth_b = {"Authorization": seller["auth"]}, {"Authorization": buyer["auth"]}
    product = (
        await api.client.post(
            f"/api/v1/stores/{store['id']}/products",
            headers=auth_s,
            json={
                "title": "Batik",
                "variants": [{"sku": "B-1", "name": "One", "price": 100_000, "stock": 4, "weight_grams": 200}],
            },
        )
    ).json()
    await api.client.post(f"/api/v1/products/{product['id']}/publish", headers=auth_s)
    variant_id = product["variants"][0]["id"]
    await api.client.post("/api/v1/cart/items", headers=auth_b, json={"variant_id": variant_id, "quantity": 3})
    address = (await api.client.post("/api/v1/me/addresses", headers=auth_b, json=ADDRESS)).json()
    body = {"address_id": address["id"], "shipping": {store["id"]: "instant"}}
    key = uuid.uuid4().hex

    for _ in range(2):  # the retry with the same key runs again rather than replaying the failure
        failed = await api.client.post("/api/v1/checkouts", json=body, headers={**auth_b, "Idempotency-Key": key})
        assert failed.status_code in (502, 503), failed.text
        assert failed.headers["content-type"].startswith("application/problem+json")
        assert failed.headers.get("retry-after") and "try again" in failed.json()["detail"]

    async def stock(container: Any) -> int:
        return (await (await resolve(container.catalog_queries)).variants([variant_id]))[0].stock

    assert await api.use(stock) == 4, "nothing stays reserved"
    cart = (await api.client.get("/api/v1/cart", headers=auth_b)).json()
    assert cart["items_total"]["amount"] == 300_000, "the cart is intact"
    # "Nothing was kept" means nothing anyone sees: no checkout or order in the buyer's or the store's lists.
    assert (await api.client.get("/api/v1/orders", headers=auth_b)).json()["items"] == []
    assert (await api.client.get(f"/api/v1/stores/{store['id']}/orders", headers=auth_s)).json()["items"] == []

    async def voided(container: Any) -> list[tuple[str, bool, str | None]]:
        async with (await resolve(container.uow))() as uow:
            ids = await uow.checkouts.ended_unchecked(100)
            found = [await uow.checkouts.get(i) for i in ids]
            return [(c.status.value, c.voided, c.idempotency_key) for c in found if c is not None]

    # Two attempts, each kept out of sight with its key let go; the worker asks the provider about each.
    assert await api.use(voided) == [("cancelled", True, None)] * 2
