"""The real container on in-memory adapters, and a small driver of its use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from marketplace.application.catalog.commands import CreateProductCommand, VariantInput
from marketplace.application.catalog.views import ProductDetail
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.log_in import Credentials
from marketplace.application.identity.register_user import Register
from marketplace.application.identity.views import TokenPair
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.application.stores.views import StoreView
from marketplace.entrypoints.container import Container, build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD


def pickup(**changes: Any) -> AddressInput:
    values: dict[str, Any] = {
        "recipient": "Budi",
        "phone": "081234567890",
        "line1": "Jl. Sudirman 1",
        "city": "Jakarta",
        "postal_code": "10110",
        "lat": -6.2,
        "lng": 106.8,
    }
    values.update(changes)
    return AddressInput(**values)


@dataclass
class Marketplace:
    """Calls use cases as a client would, through the container's providers."""

    container: Container

    async def use(self, name: str) -> Any:
        return await resolve(getattr(self.container, name))

    async def register(self, email: str, password: str = PASSWORD, name: str = "Someone") -> str:
        return (await (await self.use("register_user"))(Register(email, password, name))).id

    async def log_in(self, email: str, password: str = PASSWORD) -> TokenPair:
        return await (await self.use("log_in"))(Credentials(email, password))

    async def user_of(self, pair: TokenPair) -> str:
        return (await self.use("tokens")).read_access(pair.access_token)

    async def admin(self, email: str = "admin@example.com") -> str:
        return (await (await self.use("create_admin"))(email, PASSWORD)).id

    async def open_store(self, owner_id: str, name: str = "Toko Budi") -> StoreView:
        return await (await self.use("open_store"))(owner_id, OpenStoreCommand(name, "A fine shop", pickup()))

    async def create_product(
        self,
        owner_id: str,
        store_id: str,
        title: str = "Red Cotton Shirt",
        *,
        skus: tuple[str, ...] = ("RS-S", "RS-M"),
        category_id: str | None = None,
        price: int = 150_000,
    ) -> ProductDetail:
        variants = [VariantInput(sku, f"size {sku}", price + 10_000 * i, 5, 200) for i, sku in enumerate(skus)]
        command = CreateProductCommand(title, "Soft cotton, made in Bandung", category_id, variants)
        return await (await self.use("create_product"))(owner_id, store_id, command)


@pytest.fixture
async def marketplace() -> AsyncIterator[Marketplace]:
    container = build_container(Settings.in_memory())
    await container.init_resources()
    try:
        yield Marketplace(container)
    finally:
        await container.shutdown_resources()


@pytest.fixture
async def seller(marketplace: Marketplace) -> str:
    return await marketplace.register("seller@example.com", name="Seller")


@pytest.fixture
async def buyer(marketplace: Marketplace) -> str:
    return await marketplace.register("buyer@example.com", name="Buyer")
