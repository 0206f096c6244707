"""CatalogQueries.variants: the current price, stock and saleability of variants, unknown ids left out."""

from __future__ import annotations

from marketplace.domain.catalog.product import ProductStatus
from marketplace.domain.stores.store import StoreStatus
from tests.integration.contracts.conftest import Backend, a_product, a_store, a_user


async def test_variant_snapshots_tell_price_stock_store_and_whether_they_are_for_sale(backend: Backend) -> None:
    owner = a_user()
    open_store, closed_store = a_store(owner, name="Toko Buka"), a_store(owner, status=StoreStatus.SUSPENDED)
    active = a_product(open_store, title="Batik", prices=(150_000, 175_000))
    draft = a_product(open_store, title="Draft", status=ProductStatus.DRAFT)
    hidden = a_product(closed_store, title="Hidden")
    await backend.importer.import_batch(
        users=[owner], stores=[open_store, closed_store], categories=[], products=[active, draft, hidden]
    )
    wanted = [v.id for v in active.variants] + [draft.variants[0].id, hidden.variants[0].id, "no-such-variant"]
    snapshots = {s.variant_id: s for s in await backend.queries.variants(wanted)}

    assert set(snapshots) == set(wanted) - {"no-such-variant"}
    first = snapshots[active.variants[0].id]
    assert (first.product_id, first.price.amount, first.stock, first.store_id, first.store_name, first.purchasable) == (
        active.id,
        150_000,
        5,
        open_store.id,
        "Toko Buka",
        True,
    )
    assert first.title.startswith("Batik")
    assert not snapshots[draft.variants[0].id].purchasable and not snapshots[hidden.variants[0].id].purchasable
    assert await backend.queries.variants([]) == []
