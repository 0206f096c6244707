"""CatalogImporter contract: a batch lands whole, and reads back as the repositories and queries see it."""

from __future__ import annotations

from marketplace.application.catalog.views import ProductQuery
from marketplace.domain.catalog.product import ProductStatus
from tests.integration.contracts.conftest import Backend, a_category, a_product, a_store, a_user, fetch


async def test_an_imported_batch_reads_back_through_the_repositories(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner, name="Toko Impor")
    parent = a_category("Fashion")
    child = a_category("Shirts", parent)
    product = a_product(store, title="Kemeja lurik", prices=(120_000, 99_000), category=child)
    owner.pull_events(), store.pull_events()

    await backend.importer.import_batch(users=[owner], stores=[store], categories=[parent, child], products=[product])

    user = await fetch(backend, lambda uow: uow.users.get_by_email(owner.email))
    assert user is not None and user.id == owner.id and user.password_hash == owner.password_hash
    stored_store = await fetch(backend, lambda uow: uow.stores.get_by_slug(store.slug))
    assert stored_store is not None and stored_store.owner_id == owner.id and stored_store.name == "Toko Impor"
    assert stored_store.pickup_address == store.pickup_address
    tree = {c.id: c.parent_id for c in await fetch(backend, lambda uow: uow.categories.list_all())}
    assert tree == {parent.id: None, child.id: parent.id}
    stored = await fetch(backend, lambda uow: uow.products.get(product.id))
    assert stored is not None and stored.status is ProductStatus.ACTIVE and stored.category_id == child.id
    assert sorted((v.sku, v.price.amount, v.stock) for v in stored.variants) == sorted(
        (v.sku, v.price.amount, v.stock) for v in product.variants
    )

    record = await backend.queries.product(product.slug)
    assert record is not None and record.public and record.detail.price_from.amount == 99_000


async def test_an_import_records_no_events(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)  # both still hold their "registered" and "opened" events
    await backend.importer.import_batch(users=[owner], stores=[store], categories=[], products=[a_product(store)])
    assert await backend.outbox() == []


async def test_later_batches_add_to_earlier_ones(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)
    await backend.importer.import_batch(users=[owner], stores=[store], categories=[], products=[a_product(store)])
    await backend.importer.import_batch(
        users=[], stores=[], categories=[], products=[a_product(store), a_product(store)]
    )
    assert await fetch(backend, lambda uow: uow.stores.ids_owned_by(owner.id)) == [store.id]
    page = await backend.queries.browse(ProductQuery(store_id=store.id, limit=10))
    assert len(page.items) == 3


async def test_statistics_can_be_refreshed_after_a_load(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)
    await backend.importer.import_batch(users=[owner], stores=[store], categories=[], products=[a_product(store)])
    await backend.importer.refresh_statistics()
    page = await backend.queries.browse(ProductQuery(store_id=store.id, limit=10))
    assert len(page.items) == 1
