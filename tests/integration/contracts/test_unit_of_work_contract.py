"""The unit of work contract: every adapter (memory, SQLite, PostgreSQL) keeps the same promises."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import text, update

from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.migrations import migrate
from marketplace.adapters.sql.tables import variants
from marketplace.application.events import UnknownTopic
from marketplace.domain.catalog.product import Product, ProductStatus
from marketplace.domain.identity.user import Address
from marketplace.domain.shared.errors import ConcurrentUpdate, DuplicateEmail, DuplicateSku, DuplicateSlug
from marketplace.domain.shared.events import DomainEvent
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from marketplace.domain.stores.store import StoreStatus
from tests.integration.contracts.conftest import (
    T0,
    Backend,
    a_category,
    a_product,
    a_store,
    a_user,
    a_variant,
    fetch,
    is_utc,
    pickup,
    seed,
)


async def test_a_user_comes_back_with_every_field_and_an_aware_utc_time(backend: Backend) -> None:
    user = a_user("ayu@example.com")
    user.change_phone("+628111222333")
    user.grant_admin()
    await seed(backend, user)
    by_id = await fetch(backend, lambda uow: uow.users.get(user.id))
    by_email = await fetch(backend, lambda uow: uow.users.get_by_email("ayu@example.com"))
    assert by_id is not None and by_email is not None
    assert await fetch(backend, lambda uow: uow.users.get(new_id())) is None
    assert asdict(by_id) == asdict(user) == asdict(by_email)
    assert is_utc(by_id.created_at) and by_id.created_at == T0


async def test_saving_a_user_moves_its_version_on(backend: Backend) -> None:
    user = a_user()
    await seed(backend, user)
    async with backend.uow() as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.rename("Ayu Lestari")
        await uow.users.save(loaded)
        assert loaded.version == 1
        await uow.commit()
    again = await fetch(backend, lambda uow: uow.users.get(user.id))
    assert again is not None and (again.name, again.version) == ("Ayu Lestari", 1)


async def test_a_taken_email_is_refused(backend: Backend) -> None:
    await seed(backend, a_user("taken@example.com"))
    with pytest.raises(DuplicateEmail):
        await seed(backend, a_user("taken@example.com"))


async def test_work_that_is_not_committed_is_lost(backend: Backend) -> None:
    user = a_user()
    async with backend.uow() as uow:
        await uow.users.add(user)
        await uow.stores.add(a_store(user))
    assert await fetch(backend, lambda uow: uow.users.get(user.id)) is None
    assert await fetch(backend, lambda uow: uow.stores.ids_owned_by(user.id)) == []
    assert await backend.outbox() == []


async def test_an_exception_rolls_the_work_back(backend: Backend) -> None:
    user = a_user()
    with pytest.raises(RuntimeError):
        async with backend.uow() as uow:
            await uow.users.add(user)
            raise RuntimeError("the use case failed")
    assert await fetch(backend, lambda uow: uow.users.get(user.id)) is None


async def test_addresses_are_listed_oldest_first_changed_and_deleted(backend: Backend) -> None:
    user, someone = a_user(), a_user()
    await seed(backend, user, someone)
    made = [
        Address(id=new_id(), user_id=user.id, address=pickup(f"City {i}"), created_at=T0 + timedelta(minutes=m))
        for i, m in enumerate((5, 1, 3))
    ]
    await seed(backend, *made, Address(id=new_id(), user_id=someone.id, address=pickup(), created_at=T0))
    async with backend.uow() as uow:
        listed = await uow.addresses.list_for_user(user.id)
        assert [a.id for a in listed] == [made[1].id, made[2].id, made[0].id]
        assert asdict(listed[2]) == asdict(made[0]) and is_utc(listed[0].created_at)
        changed = Address(id=made[0].id, user_id=user.id, address=pickup("Bandung"), created_at=made[0].created_at)
        await uow.addresses.save(changed)
        await uow.addresses.delete(made[1].id)
        await uow.commit()
    listed = await fetch(backend, lambda uow: uow.addresses.list_for_user(user.id))
    assert [a.address.city for a in listed] == ["City 2", "Bandung"]
    assert await fetch(backend, lambda uow: uow.addresses.get(made[1].id)) is None


async def test_a_store_comes_back_with_its_pickup_address(backend: Backend) -> None:
    owner = a_user()
    first, second = a_store(owner, "toko-ayu"), a_store(owner)
    await seed(backend, owner, first, second)
    async with backend.uow() as uow:
        by_id, by_slug = await uow.stores.get(first.id), await uow.stores.get_by_slug("toko-ayu")
        assert by_id is not None and by_slug is not None
        assert asdict(by_id) == asdict(first) == asdict(by_slug)
        assert await uow.stores.slug_taken("toko-ayu") and not await uow.stores.slug_taken("toko-lain")
        assert await uow.stores.ids_owned_by(owner.id) == sorted([first.id, second.id])
        by_id.suspend()
        await uow.stores.save(by_id)
        await uow.commit()
    saved = await fetch(backend, lambda uow: uow.stores.get(first.id))
    assert saved is not None and (saved.status, saved.version) == (StoreStatus.SUSPENDED, 1)
    with pytest.raises(DuplicateSlug):
        await seed(backend, a_store(owner, "toko-ayu"))


async def test_active_stores_are_searched_by_name_or_description_newest_first(backend: Backend) -> None:
    owner = a_user()
    batik = [a_store(owner, name=f"Batik {i}") for i in range(3)]
    other = a_store(owner, name="Kopi", description="Kopi dan BATIK tulis")
    hidden = a_store(owner, name="Batik tutup", status=StoreStatus.SUSPENDED)
    await seed(backend, owner, *batik, other, hidden, a_store(owner, name="Sepatu"))
    newest_first = [s.id for s in sorted([*batik, other], key=lambda s: s.id, reverse=True)]
    async with backend.uow() as uow:
        found = [s.id for s in await uow.stores.search_active("batik", 10, None)]
        page = [s.id for s in await uow.stores.search_active("bAtIk", 2, newest_first[1])]
        everyone = await uow.stores.search_active(None, 10, None)
    assert found == newest_first
    assert page == newest_first[2:4]
    assert len(everyone) == 5 and hidden.id not in {s.id for s in everyone}


async def test_categories_come_back_in_id_order_and_their_slugs_are_unique(backend: Backend) -> None:
    parent = a_category("Fashion")
    child = a_category("Batik", parent)
    await seed(backend, parent, child)
    async with backend.uow() as uow:
        loaded = await uow.categories.get(child.id)
        assert loaded is not None and asdict(loaded) == asdict(child)
        assert [c.id for c in await uow.categories.list_all()] == sorted([parent.id, child.id])
        assert await uow.categories.slug_taken(parent.slug)
        twin = a_category("Twin")
        twin.slug = parent.slug
        with pytest.raises(DuplicateSlug):
            await uow.categories.add(twin)


async def test_a_product_comes_back_with_its_variants_in_order(backend: Backend) -> None:
    owner, category = a_user(), a_category()
    store = a_store(owner)
    product = a_product(store, prices=(90_000, 50_000, 70_000), category=category)
    await seed(backend, owner, store, category, product)
    by_id = await fetch(backend, lambda uow: uow.products.get(product.id))
    by_slug = await fetch(backend, lambda uow: uow.products.get_by_slug(product.slug))
    assert await fetch(backend, lambda uow: uow.products.get(new_id())) is None
    assert by_id is not None and by_slug is not None
    assert asdict(by_id) == asdict(product) == asdict(by_slug)
    assert by_id.status is ProductStatus.ACTIVE and is_utc(by_id.published_at)
    assert by_id.price_from == Money(50_000, "IDR")


async def test_saving_a_product_adds_changes_and_removes_variants(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)
    product = a_product(store, prices=(90_000, 50_000), status=ProductStatus.DRAFT)
    await seed(backend, owner, store, product)
    later = T0 + timedelta(hours=1)
    async with backend.uow() as uow:
        loaded = await uow.products.get(product.id)
        assert loaded is not None
        cheap, dear = loaded.variants[1].id, loaded.variants[0].id
        loaded.remove_variant(cheap, later)
        loaded.change_variant(dear, later, name="Besar", price=Money(120_000), stock=0)
        loaded.add_variant(a_variant("NEW-1", 80_000), later)
        loaded.retitle("Kemeja batik tulis", later)
        loaded.publish(later)
        await uow.products.save(loaded)
        await uow.commit()
    saved = await fetch(backend, lambda uow: uow.products.get(product.id))
    assert saved is not None and asdict(saved) == asdict(loaded)
    assert [v.sku for v in saved.variants] == [product.variants[0].sku, "NEW-1"] and saved.version == 1
    record = await backend.queries.product(product.id)
    assert record is not None and record.detail.price_from.amount == 80_000 and record.public


async def test_skus_are_unique_within_a_store_and_product_slugs_everywhere(backend: Backend) -> None:
    owner = a_user()
    store, elsewhere = a_store(owner), a_store(owner)
    first = a_product(store, skus=("KB-1",))
    await seed(backend, owner, store, elsewhere, first)
    with pytest.raises(DuplicateSku) as refused:
        await seed(backend, a_product(store, skus=("KB-1",)))
    assert refused.value.sku == "KB-1"
    twin = a_product(elsewhere)
    twin.slug = first.slug
    with pytest.raises(DuplicateSlug):
        await seed(backend, twin)
    other = a_product(store, skus=("KB-2",))
    await seed(backend, a_product(elsewhere, skus=("KB-1",)), other)
    async with backend.uow() as uow:
        loaded = await uow.products.get(other.id)
        assert loaded is not None
        loaded.add_variant(a_variant("KB-1"), T0)
        with pytest.raises(DuplicateSku):
            await uow.products.save(loaded)


async def _seeded_product(backend: Backend) -> Product:
    owner = a_user()
    store = a_store(owner)
    product = a_product(store)
    await seed(backend, owner, store, product)
    return product


async def test_of_two_concurrent_edits_of_a_product_only_one_wins(backend: Backend) -> None:
    product = await _seeded_product(backend)
    both_loaded = asyncio.Barrier(2)  # both read version 0 before either writes

    async def edit(title: str) -> None:
        async with backend.uow() as uow:
            loaded = await uow.products.get(product.id)
            assert loaded is not None
            await both_loaded.wait()
            loaded.retitle(title, T0)
            await uow.products.save(loaded)
            await uow.commit()

    edits = asyncio.gather(edit("Judul A"), edit("Judul B"), return_exceptions=True)
    results = await asyncio.wait_for(edits, timeout=20)
    assert sorted(type(r).__name__ for r in results) == ["ConcurrentUpdate", "NoneType"]
    final = await fetch(backend, lambda uow: uow.products.get(product.id))
    winner = ("Judul A", "Judul B")[results.index(None)]
    assert final is not None and (final.title, final.version) == (winner, 1)


async def test_saving_a_stale_product_raises_concurrent_update(backend: Backend) -> None:
    product = await _seeded_product(backend)
    stale = await fetch(backend, lambda uow: uow.products.get(product.id))
    async with backend.uow() as uow:
        fresh = await uow.products.get(product.id)
        assert fresh is not None
        fresh.retitle("Baru", T0)
        await uow.products.save(fresh)
        await uow.commit()
    assert stale is not None
    stale.retitle("Lama", T0)
    with pytest.raises(ConcurrentUpdate):
        async with backend.uow() as uow:
            await uow.products.save(stale)
            await uow.commit()


async def test_a_save_writes_only_the_variant_columns_it_changed(sql_backend: Backend) -> None:
    product, engine = await _seeded_product(sql_backend), sql_backend.engine
    assert engine is not None
    async with sql_backend.uow() as uow:
        loaded = await uow.products.get(product.id)
        assert loaded is not None
        async with engine.begin() as other:  # say, a checkout reserving stock meanwhile
            await other.execute(update(variants).where(variants.c.product_id == product.id).values(stock=1))
        loaded.change_variant(loaded.variants[0].id, T0, name="Renamed")
        await uow.products.save(loaded)
        await uow.commit()
    saved = await fetch(sql_backend, lambda uow: uow.products.get(product.id))
    assert saved is not None and (saved.variants[0].name, saved.variants[0].stock) == ("Renamed", 1)


async def test_events_reach_the_outbox_only_when_committed(backend: Backend) -> None:
    owner = a_user()
    async with backend.uow() as uow:
        await uow.users.add(owner)
        assert await backend.outbox() == []
        await uow.commit()
    async with backend.uow() as uow:
        await uow.stores.add(a_store(owner))  # rolled back: its event must never appear
    store = a_store(owner)
    async with backend.uow() as uow:
        await uow.stores.add(store)
        await uow.commit()
    events = await backend.outbox()
    assert sorted(topic for topic, _ in events) == ["StoreOpened", "UserRegistered"]
    assert {"store_id": store.id, "owner_id": owner.id} in [payload for _, payload in events]


@dataclass(frozen=True, slots=True)
class Unregistered(DomainEvent):
    topic: ClassVar[str] = "tests.unregistered"

    user_id: str


async def test_an_event_of_an_unregistered_class_is_refused_and_nothing_is_written(backend: Backend) -> None:
    user = a_user()
    user.record(Unregistered(user.id))  # no handler could ever read it: the commit fails, all of it
    with pytest.raises(UnknownTopic, match="Unregistered"):
        async with backend.uow() as uow:
            await uow.users.add(user)
            await uow.commit()
    assert await backend.outbox() == []
    assert await fetch(backend, lambda uow: uow.users.get(user.id)) is None


async def test_concurrent_writers_all_get_through(backend: Backend) -> None:
    async def register(n: int) -> None:
        async with backend.uow() as uow:
            assert await uow.users.get_by_email(f"crowd{n}@example.com") is None  # read, then write
            await uow.users.add(a_user(f"crowd{n}@example.com"))
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(*(register(n) for n in range(8))), timeout=30)
    async with backend.uow() as uow:
        for n in range(8):
            assert await uow.users.get_by_email(f"crowd{n}@example.com") is not None


async def test_migrating_twice_changes_nothing(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    await migrate(sql_backend.engine.url.render_as_string(hide_password=False))
    async with sql_backend.engine.connect() as connection:
        assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one() == _head()


def _head() -> str:
    """The newest revision among the migration scripts."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import marketplace.adapters.sql.migrations as migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


@pytest.mark.postgres
async def test_two_processes_can_migrate_a_new_postgres_database_at_once(migrated_postgres: str) -> None:
    name = f"marketplace_migrate_{new_id()[-12:]}"
    engine = create_engine(migrated_postgres)
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses transactions
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = migrated_postgres.rsplit("/", 1)[0] + f"/{name}"
    try:
        await asyncio.gather(migrate(url), migrate(url))
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


async def test_names_of_users_and_stores_come_in_one_read(backend: Backend) -> None:
    ana, budi = a_user(), a_user()
    store = a_store(ana, name="Toko Ana")
    await seed(backend, ana, budi, store)
    names = await fetch(backend, lambda uow: uow.users.names([ana.id, budi.id, ana.id, new_id()]))
    assert names == {ana.id: ana.name, budi.id: budi.name}
    assert await fetch(backend, lambda uow: uow.users.names([])) == {}
    stores = await fetch(backend, lambda uow: uow.stores.names([store.id, new_id()]))
    assert stores == {store.id: "Toko Ana"}
