"""Backends for the persistence and catalog contract suites (memory, SQLite, PostgreSQL) and builders."""

# SQLite tests each get a copy of a database file migrated once per session; PostgreSQL tests share
# the session's database, migrated once and emptied before every test.

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.memory.catalog_queries import MemoryCatalogQueries
from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.idempotency import MemoryIdempotencyStore
from marketplace.adapters.memory.importer import MemoryCatalogImporter
from marketplace.adapters.memory.money_totals import MemoryMoneyTotals
from marketplace.adapters.memory.outbox import MemoryOutboxStore
from marketplace.adapters.memory.unit_of_work import MemoryUnitOfWork
from marketplace.adapters.sql.catalog_queries import SqlCatalogQueries
from marketplace.adapters.sql.engine import create_engine, read_only
from marketplace.adapters.sql.idempotency import SqlIdempotencyStore
from marketplace.adapters.sql.importer import SqlCatalogImporter
from marketplace.adapters.sql.migrations import migrate
from marketplace.adapters.sql.money_totals import SqlMoneyTotals
from marketplace.adapters.sql.outbox import SqlOutboxStore
from marketplace.adapters.sql.tables import metadata, outbox
from marketplace.adapters.sql.unit_of_work import SqlUnitOfWork
from marketplace.adapters.system import SystemClock, Uuid7Ids
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.idempotency import IdempotencyStore
from marketplace.application.ports.importer import CatalogImporter
from marketplace.application.ports.outbox import OutboxStore
from marketplace.application.ports.persistence import UnitOfWork
from marketplace.application.ports.settlement import MoneyTotals
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product, ProductStatus, Variant
from marketplace.domain.identity.tokens import RefreshToken
from marketplace.domain.identity.user import Address, User
from marketplace.domain.ordering.checkout import Checkout
from marketplace.domain.ordering.order import Order, OrderLine
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from marketplace.domain.shipping.shipment import Shipment
from marketplace.domain.stores.store import Store, StoreStatus

T0 = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
T = TypeVar("T")
KINDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Backend:
    kind: str
    uow: Callable[[], UnitOfWork]
    queries: CatalogQueries
    importer: CatalogImporter
    outbox: Callable[[], Awaitable[list[tuple[str, dict[str, Any]]]]]  # committed (topic, payload)
    idempotency: IdempotencyStore
    outbox_store: OutboxStore  # the outbox as the worker sees it
    money_totals: MoneyTotals
    engine: AsyncEngine | None = None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "template.db"
    asyncio.run(migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> str:
    asyncio.run(migrate(postgres_url))
    return postgres_url


def _url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """Resolved in a sync fixture: the session fixtures behind it run their own event loop."""
    if kind == "sqlite":
        path = tmp_path / "contract.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    if kind == "postgres":
        return str(request.getfixturevalue("migrated_postgres"))
    return None


@pytest.fixture(params=KINDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    return request.param, _url(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    return request.param, _url(request.param, request, tmp_path)


@asynccontextmanager
async def open_backend(kind: str, url: str | None) -> AsyncIterator[Backend]:
    clock, ids = SystemClock(), Uuid7Ids()
    if url is None:
        db = MemoryDatabase()

        async def memory_outbox() -> list[tuple[str, dict[str, Any]]]:
            return [(m.topic, m.payload) for m in db.outbox.values()]

        yield Backend(
            kind,
            lambda: MemoryUnitOfWork(db, clock, ids),
            MemoryCatalogQueries(db),
            MemoryCatalogImporter(db),
            memory_outbox,
            MemoryIdempotencyStore(),
            MemoryOutboxStore(db),
            MemoryMoneyTotals(db),
        )
        return
    engine = create_engine(url)
    if kind == "postgres":
        async with engine.begin() as connection:  # DELETE: far quicker than TRUNCATE on tiny tables
            for table in reversed(metadata.sorted_tables):
                await connection.execute(table.delete())

    async def sql_outbox() -> list[tuple[str, dict[str, Any]]]:
        async with read_only(engine).connect() as connection:  # never waits for a writer's lock
            rows = await connection.execute(select(outbox.c.topic, outbox.c.payload))
            return [(row.topic, row.payload) for row in rows]

    try:
        yield Backend(
            kind,
            lambda: SqlUnitOfWork(engine, clock, ids),
            SqlCatalogQueries(engine),
            SqlCatalogImporter(engine),
            sql_outbox,
            SqlIdempotencyStore(engine),
            SqlOutboxStore(engine),
            SqlMoneyTotals(engine),
            engine,
        )
    finally:
        await engine.dispose()


@pytest.fixture
async def backend(backend_url: tuple[str, str | None]) -> AsyncIterator[Backend]:
    async with open_backend(*backend_url) as opened:
        yield opened


@pytest.fixture
async def sql_backend(sql_backend_url: tuple[str, str | None]) -> AsyncIterator[Backend]:
    async with open_backend(*sql_backend_url) as opened:
        yield opened


async def seed(
    backend: Backend, *items: User | Store | Category | Product | RefreshToken | Address | Checkout | Order | Shipment
) -> None:
    """Adds the items in the order given through one unit of work, and commits."""
    async with backend.uow() as uow:
        for item in items:
            repository: Any = {
                User: uow.users,
                Store: uow.stores,
                Category: uow.categories,
                Product: uow.products,
                RefreshToken: uow.refresh_tokens,
                Address: uow.addresses,
                Checkout: uow.checkouts,
                Order: uow.orders,
                Shipment: uow.shipments,
            }[type(item)]
            await repository.add(item)
        await uow.commit()


async def fetch(backend: Backend, read: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """What `read` returns from a unit of work of its own, which commits nothing."""
    async with backend.uow() as uow:
        return await read(uow)


def is_utc(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is not None and value.utcoffset() == timedelta(0)


# Builders of valid aggregates, with every field set so round trips compare something.


def pickup(city: str = "Jakarta") -> PostalAddress:
    return PostalAddress.create(
        label="Warehouse",
        recipient="Sari",
        phone="+6281234567",
        line1="Jl. Sudirman 1",
        city=city,
        postal_code="10220",
        lat=-6.2088,
        lng=106.8456,
        require_point=True,
    )


def a_user(email: str | None = None, *, at: datetime = T0) -> User:
    user_id = new_id()
    return User.register(
        id=user_id, email=email or f"u{user_id[-12:]}@example.com", name="Ayu", password_hash="argon2$hash", now=at
    )


def a_store(
    owner: User,
    slug: str | None = None,
    *,
    name: str = "Toko Ayu",
    description: str = "",
    status: StoreStatus = StoreStatus.ACTIVE,
) -> Store:
    store_id = new_id()
    store = Store.open(
        id=store_id,
        owner_id=owner.id,
        slug=slug or f"store-{store_id[-12:]}",
        name=name,
        description=description,
        pickup_address=pickup(),
        now=T0,
    )
    store.status = status
    return store


def a_token(user: User, mark: str, family_id: str | None = None, *, days: int = 30) -> RefreshToken:
    return RefreshToken(
        id=new_id(),
        user_id=user.id,
        family_id=family_id or new_id(),
        token_hash=mark * 64,
        expires_at=T0 + timedelta(days=days),
        created_at=T0,
    )


def a_category(name: str = "Batik", parent: Category | None = None) -> Category:
    category_id = new_id()
    return Category.create(
        id=category_id,
        name=name,
        slug=f"{name.lower()}-{category_id[-12:]}",
        parent_id=parent.id if parent else None,
        now=T0,
    )


def a_variant(sku: str, price: int = 150_000, stock: int = 5) -> Variant:
    return Variant.create(id=new_id(), sku=sku, name=f"Size {sku}", price=Money(price), stock=stock, weight_grams=250)


def a_product(
    store: Store,
    *,
    title: str = "Kemeja batik",
    description: str = "Katun halus",
    prices: tuple[int, ...] = (150_000,),
    category: Category | None = None,
    status: ProductStatus = ProductStatus.ACTIVE,
    at: datetime = T0,
    skus: tuple[str, ...] = (),
) -> Product:
    product_id = new_id()
    skus = skus or tuple(f"SKU-{product_id[-8:]}-{i}" for i in range(len(prices)))
    product = Product.draft(
        id=product_id,
        store_id=store.id,
        slug=f"p-{product_id[-12:]}",
        title=title,
        description=description,
        category_id=category.id if category else None,
        now=at,
        variants=[a_variant(sku, price) for sku, price in zip(skus, prices, strict=True)],
    )
    if status is not ProductStatus.DRAFT:
        product.publish(at)
    if status is ProductStatus.ARCHIVED:
        product.archive(at + timedelta(seconds=1))
    product.pull_events()
    return product


def an_order(
    buyer: User,
    store: Store,
    checkout_id: str,
    *,
    lines: list[tuple[str, int, int]] | None = None,
    at: datetime = T0,
    fee: int = 15_000,
    order_id: str | None = None,
) -> Order:
    """An order of `lines` (variant id, quantity, unit price), addressed, with a product id per line."""
    lines = lines or [(new_id(), 1, 150_000)]
    return Order(
        id=order_id or new_id(),
        checkout_id=checkout_id,
        store_id=store.id,
        buyer_id=buyer.id,
        lines=[
            OrderLine(
                id=new_id(),
                variant_id=variant_id,
                product_id=new_id(),
                title=f"Kemeja {i}",
                quantity=quantity,
                unit_price=Money(price),
            )
            for i, (variant_id, quantity, price) in enumerate(lines)
        ],
        shipping_fee=Money(fee),
        created_at=at,
        store_name=store.name,
        shipping_method="same_day",
        address=pickup("Bandung"),
    )


def a_checkout(
    buyer: User, orders: list[Order], *, at: datetime = T0, minutes: int = 30, referral_code: str | None = "AYU-2025"
) -> Checkout:
    """A pending checkout of `orders` (their checkout_id must be its id: see `checkout_id`)."""
    total = Money.zero()
    for order in orders:
        total = total + order.total
    checkout = Checkout.place(
        id=orders[0].checkout_id,
        buyer_id=buyer.id,
        order_ids=[o.id for o in orders],
        address=pickup("Bandung"),
        amount=total,
        now=at,
        expires_at=at + timedelta(minutes=minutes),
        referral_code=referral_code,
    )
    checkout.pull_events()
    return checkout
