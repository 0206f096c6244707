"""A product list page costs one SQL statement however many products it shows (no N+1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql.catalog_queries import SqlCatalogQueries
from marketplace.adapters.sql.engine import create_engine
from marketplace.adapters.sql.importer import SqlCatalogImporter
from marketplace.adapters.sql.migrations import migrate
from marketplace.adapters.sql.tables import metadata
from marketplace.application.catalog.views import ProductQuery, Sort
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product, Variant
from marketplace.domain.identity.user import User
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.ids import new_id
from marketplace.domain.shared.money import Money
from marketplace.domain.stores.store import Store

NOW = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'count.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    asyncio.run(migrate(url))  # idempotent: the session's database may be migrated already
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as connection:  # the PostgreSQL database is shared by the session
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
    try:
        yield engine
    finally:
        await engine.dispose()


async def _seed(engine: AsyncEngine, count: int) -> list[Product]:
    owner = User(id=new_id(), email=f"{new_id()}@example.com", name="Owner", password_hash="x", created_at=NOW)
    address = PostalAddress.create(
        recipient="Sari",
        phone="0812345678",
        line1="Jl. Melati 2",
        city="Bogor",
        postal_code="16111",
        lat=-6.6,
        lng=106.8,
    )
    store = Store(
        id=new_id(),
        owner_id=owner.id,
        slug=f"s-{new_id()}",
        name="Toko",
        description="",
        pickup_address=address,
        created_at=NOW,
    )
    category = Category(id=new_id(), name="Semua", slug=f"c-{new_id()}", parent_id=None, created_at=NOW)
    items = []
    for i in range(count):
        product = Product.draft(
            id=new_id(),
            store_id=store.id,
            slug=f"barang-{new_id()}",
            title=f"Barang {i}",
            description="barang bagus",
            category_id=category.id,
            now=NOW,
            variants=[
                Variant.create(
                    id=new_id(),
                    sku=f"SKU-{i}-{n}",
                    name=f"V{n}",
                    price=Money(1_000 * (i + n + 1)),
                    stock=3,
                    weight_grams=100,
                )
                for n in range(2)
            ],
        )
        product.publish(NOW)
        items.append(product)
    await SqlCatalogImporter(engine).import_batch(users=[owner], stores=[store], categories=[category], products=items)
    return items


def _counting(engine: AsyncEngine) -> list[str]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    return statements


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("q", [None, "barang"])
async def test_a_page_of_products_costs_one_statement(engine: AsyncEngine, count: int, q: str | None) -> None:
    await _seed(engine, count)
    queries = SqlCatalogQueries(engine)
    statements = _counting(engine)
    sort = Sort.RELEVANCE if q else Sort.NEWEST
    page = await queries.browse(ProductQuery(q=q, sort=sort, limit=50, category_ids=None))
    assert len(page.items) == count
    assert len(statements) == 1, statements
    statements.clear()
    await queries.browse(ProductQuery(q=q, sort=Sort.PRICE_DESC, limit=2, cursor=None))
    assert len(statements) == 1, statements


async def test_a_product_detail_costs_two_statements(engine: AsyncEngine) -> None:
    product = (await _seed(engine, 3))[0]
    queries = SqlCatalogQueries(engine)
    statements = _counting(engine)
    record = await queries.product(product.slug)
    assert record is not None and len(record.detail.variants) == 2
    assert len(statements) == 2, statements
