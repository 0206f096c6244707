"""The catalog read-side contract: the same lists, sorts, cursors and search on every adapter."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec
import pytest
from sqlalchemy import update

from marketplace.adapters.sql.tables import products as products_table
from marketplace.application.catalog.views import ProductCard, ProductQuery, Sort
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product, ProductStatus
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.stores.store import Store, StoreStatus
from tests.integration.contracts.conftest import Backend, a_category, a_product, a_store, a_user

ALL_STATUSES = ("draft", "active", "archived")
# 21 public products: prices repeat so that ties are broken by id.
PRICES = [
    50_000,
    75_000,
    75_000,
    120_000,
    9_000,
    75_000,
    300_000,
    45_500,
    120_000,
    60_000,
    61_000,
    15_000,
    999_000,
    75_000,
    50_000,
    42_000,
    88_000,
    88_000,
    10_000,
    250_000,
    33_000,
]


@dataclass
class Catalog:
    stores: dict[str, Store] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    public: list[Product] = field(default_factory=list)
    hidden: list[Product] = field(default_factory=list)
    by_name: dict[str, Product] = field(default_factory=dict)


@pytest.fixture
async def catalog(backend: Backend) -> Catalog:
    owner = a_user()
    c = Catalog()
    c.stores = {
        "ayu": a_store(owner, name="Toko Ayu"),
        "budi": a_store(owner, name="Toko Budi"),
        "closed": a_store(owner, name="Toko Tutup", status=StoreStatus.SUSPENDED),
    }
    fashion = a_category("Fashion")
    c.categories = {"fashion": fashion, "batik": a_category("Batik", fashion), "food": a_category("Food")}
    for i, price in enumerate(PRICES):
        store = c.stores["ayu" if i % 3 else "budi"]
        category = c.categories[("fashion", "batik", "food")[i % 3]]
        c.public.append(
            a_product(
                store,
                title=f"Barang {i}",
                description=f"Deskripsi barang nomor {i}",
                prices=(price, price + 5_000),
                category=category,
            )
        )
    c.by_name["title_hit"] = a_product(
        c.stores["ayu"],
        title="Kemeja batik tulis",
        description="Katun halus",
        prices=(200_000,),
        category=c.categories["batik"],
    )
    c.by_name["description_hit"] = a_product(
        c.stores["budi"],
        title="Kain polos",
        description="Cocok untuk batik",
        prices=(80_000,),
        category=c.categories["fashion"],
    )
    c.public += [c.by_name["title_hit"], c.by_name["description_hit"]]
    c.by_name["draft"] = a_product(c.stores["ayu"], title="Draft barang", status=ProductStatus.DRAFT)
    c.by_name["archived"] = a_product(c.stores["ayu"], title="Archived barang", status=ProductStatus.ARCHIVED)
    c.by_name["suspended"] = a_product(c.stores["closed"], title="Barang toko tutup")
    c.hidden = [c.by_name["draft"], c.by_name["archived"], c.by_name["suspended"]]
    await backend.importer.import_batch(
        users=[owner],
        stores=list(c.stores.values()),
        categories=list(c.categories.values()),
        products=c.public + c.hidden,
    )
    return c


def _price(product: Product) -> int:
    assert product.price_from is not None
    return product.price_from.amount


def _expected(products: list[Product], sort: Sort) -> list[str]:
    if sort is Sort.PRICE_ASC:
        return [p.id for p in sorted(products, key=lambda p: (_price(p), p.id))]
    if sort is Sort.PRICE_DESC:
        return [p.id for p in sorted(products, key=lambda p: (_price(p), p.id), reverse=True)]
    return sorted((p.id for p in products), reverse=True)  # newest; rating with nothing rated


async def _ids(backend: Backend, **query: object) -> list[str]:
    page = await backend.queries.browse(ProductQuery(limit=100, **query))  # type: ignore[arg-type]
    assert page.next_cursor is None
    return [card.id for card in page.items]


async def _walk(backend: Backend, query: ProductQuery) -> list[ProductCard]:
    cards, cursor, pages = [], None, 0
    while True:
        page = await backend.queries.browse(msgspec.structs.replace(query, cursor=cursor))
        assert len(page.items) <= query.limit
        cards += page.items
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            return cards
        assert pages < 50, "the cursor never ends"


async def test_only_active_products_of_active_stores_are_public(backend: Backend, catalog: Catalog) -> None:
    assert sorted(await _ids(backend)) == sorted(p.id for p in catalog.public)


async def test_owners_see_every_status_of_their_store(backend: Backend, catalog: Catalog) -> None:
    ayu = catalog.stores["ayu"]
    every = await _ids(backend, store_id=ayu.id, statuses=ALL_STATUSES, public_only=False)
    assert sorted(every) == sorted(p.id for p in catalog.public + catalog.hidden if p.store_id == ayu.id)
    drafts = await _ids(backend, store_id=ayu.id, statuses=("draft",), public_only=False)
    assert drafts == [catalog.by_name["draft"].id]
    closed = await _ids(backend, store_id=catalog.stores["closed"].id, public_only=False)
    assert closed == [catalog.by_name["suspended"].id]


async def test_store_and_category_filters_narrow_the_list(backend: Backend, catalog: Catalog) -> None:
    budi = catalog.stores["budi"].id
    in_budi = [p for p in catalog.public if p.store_id == budi]
    assert await _ids(backend, store_id=budi) == _expected(in_budi, Sort.NEWEST)
    wanted = {catalog.categories["fashion"].id, catalog.categories["batik"].id}
    in_fashion = await _ids(backend, category_ids=tuple(sorted(wanted)))
    assert in_fashion == _expected([p for p in catalog.public if p.category_id in wanted], Sort.NEWEST)
    assert await _ids(backend, category_ids=()) == []


async def test_the_price_range_includes_both_ends(backend: Backend, catalog: Catalog) -> None:
    found = await _ids(backend, min_price=50_000, max_price=88_000, sort=Sort.PRICE_ASC)
    inside = [p for p in catalog.public if 50_000 <= _price(p) <= 88_000]
    assert found == _expected(inside, Sort.PRICE_ASC) and len(found) > 5


@pytest.mark.parametrize("sort", [Sort.NEWEST, Sort.PRICE_ASC, Sort.PRICE_DESC, Sort.RATING])
async def test_each_sort_orders_the_whole_list(backend: Backend, catalog: Catalog, sort: Sort) -> None:
    assert await _ids(backend, sort=sort) == _expected(catalog.public, sort)


@pytest.mark.parametrize(
    ("sort", "q"),
    [
        (Sort.NEWEST, None),
        (Sort.PRICE_ASC, None),
        (Sort.PRICE_DESC, None),
        (Sort.RATING, None),
        (Sort.RELEVANCE, "barang"),
        (Sort.PRICE_ASC, "barang"),
    ],
)
async def test_cursor_paging_walks_every_item_exactly_once(
    backend: Backend, catalog: Catalog, sort: Sort, q: str | None
) -> None:
    whole = await _ids(backend, sort=sort, q=q)
    walked = [card.id for card in await _walk(backend, ProductQuery(sort=sort, q=q, limit=7))]
    assert walked == whole and len(set(walked)) == len(walked) >= 21


async def test_a_cursor_only_serves_the_sort_that_made_it(backend: Backend, catalog: Catalog) -> None:
    page = await backend.queries.browse(ProductQuery(sort=Sort.PRICE_ASC, limit=3))
    with pytest.raises(InvalidValue):
        await backend.queries.browse(ProductQuery(sort=Sort.NEWEST, limit=3, cursor=page.next_cursor))


async def test_search_finds_words_in_titles_and_descriptions_title_hits_first(
    backend: Backend, catalog: Catalog
) -> None:
    found = await _ids(backend, q="Batik", sort=Sort.RELEVANCE)
    assert found == [catalog.by_name["title_hit"].id, catalog.by_name["description_hit"].id]
    assert await _ids(backend, q="kemeja BATIK") == [catalog.by_name["title_hit"].id]
    assert await _ids(backend, q="batik sepatu") == []
    barang = await _ids(backend, q="barang", sort=Sort.RELEVANCE)
    assert sorted(barang) == sorted(p.id for p in catalog.public if "barang" in p.description.lower())


async def test_search_ranks_title_hits_above_description_only_hits(backend: Backend, catalog: Catalog) -> None:
    owner = a_user()
    store = a_store(owner)
    in_description = [a_product(store, title=f"Sarung {i}", description="tenun ikat asli") for i in range(3)]
    in_title = a_product(store, title="Tenun Sumba", description="kain")
    await backend.importer.import_batch(
        users=[owner], stores=[store], categories=[], products=[*in_description, in_title]
    )
    found = await _ids(backend, q="tenun", sort=Sort.RELEVANCE)
    assert found[0] == in_title.id and sorted(found[1:]) == sorted(p.id for p in in_description)


async def test_cards_carry_the_store_name_the_lowest_price_and_no_rating(backend: Backend, catalog: Catalog) -> None:
    page = await backend.queries.browse(ProductQuery(q="kemeja"))
    card = page.items[0]
    assert (card.title, card.status, card.store.name) == ("Kemeja batik tulis", "active", "Toko Ayu")
    assert (card.price_from.amount, card.price_from.currency) == (200_000, "IDR")
    assert card.thumbnail_url is None and (card.rating.average, card.rating.count) == (None, 0)


async def test_a_product_is_found_by_id_or_slug_with_its_store_and_category(backend: Backend, catalog: Catalog) -> None:
    product = catalog.public[0]
    by_id, by_slug = await backend.queries.product(product.id), await backend.queries.product(product.slug)
    assert by_id is not None and by_slug is not None and by_id == by_slug
    detail = by_id.detail
    store, category = catalog.stores["budi"], catalog.categories["fashion"]
    assert (detail.store.id, detail.store.name, detail.store.slug) == (store.id, store.name, store.slug)
    assert detail.category is not None and (detail.category.id, detail.category.name) == (category.id, "Fashion")
    assert [(v.id, v.sku, v.price.amount, v.stock) for v in detail.variants] == [
        (v.id, v.sku, v.price.amount, v.stock) for v in product.variants
    ]
    assert detail.price_from.amount == PRICES[0] and detail.media == []
    assert (detail.created_at, detail.updated_at) == (product.created_at, product.updated_at)
    assert by_id.owner_id == store.owner_id and by_id.public


async def test_hidden_products_are_still_found_but_marked_not_public(backend: Backend, catalog: Catalog) -> None:
    for name in ("draft", "archived", "suspended"):
        record = await backend.queries.product(catalog.by_name[name].id)
        assert record is not None and not record.public and record.detail.status == catalog.by_name[name].status.value
    assert await backend.queries.product("no-such-product") is None
    assert await backend.queries.product("01960000-0000-7000-8000-000000000000") is None
    await backend.queries.ping()


async def test_the_rating_sort_follows_the_stored_average(sql_backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)
    items = [a_product(store, title=f"Rated {i}") for i in range(5)]
    await sql_backend.importer.import_batch(users=[owner], stores=[store], categories=[], products=items)
    ratings = {items[0].id: (450, 2), items[1].id: (500, 1), items[2].id: (450, 7)}  # items 3, 4 unrated
    assert sql_backend.engine is not None
    async with sql_backend.engine.begin() as connection:
        for product_id, (centi, count) in ratings.items():
            await connection.execute(
                update(products_table)
                .where(products_table.c.id == product_id)
                .values(rating_centi=centi, rating_count=count)
            )
    walked = await _walk(sql_backend, ProductQuery(sort=Sort.RATING, limit=2))
    top_450 = sorted([items[0].id, items[2].id], reverse=True)
    assert [c.id for c in walked] == [items[1].id, *top_450, *sorted([items[3].id, items[4].id], reverse=True)]
    assert (walked[0].rating.average, walked[0].rating.count) == (5.0, 1)
    assert (walked[-1].rating.average, walked[-1].rating.count) == (None, 0)
