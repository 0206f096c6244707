"""One attach rule in every context: an upload shows on one thing; naming it again there is fine,
naming it anywhere else is refused (products used to take it over silently)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from marketplace.application.catalog.commands import CreateProductCommand, ProductChanges, VariantInput
from marketplace.application.identity.addresses import AddressInput
from marketplace.application.identity.register_user import Register
from marketplace.application.stores.open_store import OpenStoreCommand
from marketplace.domain.shared.errors import InvalidValue
from marketplace.entrypoints.container import build_container, resolve
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD
from tests.unit.application.test_media_cleanup import _upload


@pytest.fixture
async def app() -> AsyncIterator[Any]:
    container = build_container(Settings.in_memory())
    await container.init_resources()
    yield container
    await container.shutdown_resources()


async def _product(app: Any, seller: str, store_id: str, sku: str, media_ids: list[str]) -> Any:
    command = CreateProductCommand("Kain", "", None, [VariantInput(sku, "One", 1000, 1, 10)], media_ids)
    return await (await resolve(app.create_product))(seller, store_id, command)


async def test_a_products_image_may_be_named_again_by_it_but_not_taken_by_another_product(app: Any) -> None:
    seller = str((await (await resolve(app.register_user))(Register("s@example.com", PASSWORD, "S"))).id)
    image = await _upload(app, seller, complete=True)
    address = AddressInput(
        recipient="A", phone="0812345678", line1="Jl 1", city="Jakarta", postal_code="10110", lat=-6.2, lng=106.8
    )
    store = await (await resolve(app.open_store))(seller, OpenStoreCommand("Toko", "", address))
    first = await _product(app, seller, store.id, "K-1", [image])

    again = await (await resolve(app.update_product))(seller, first.id, ProductChanges(media_ids=[image]))
    assert [m.id for m in again.media] == [image]
    with pytest.raises(InvalidValue, match="attached elsewhere") as refused:
        await _product(app, seller, store.id, "K-2", [image])
    assert refused.value.field == "media_ids"
    async with (await resolve(app.uow))() as uow:
        assert (await uow.media.get(image)).attached_to == f"product:{first.id}"
