"""The catalog read side in SQL: one statement per page, two per product detail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Select, case, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from marketplace.adapters.sql.catalog_search import search
from marketplace.adapters.sql.engine import is_sqlite, read_only
from marketplace.adapters.sql.errors import translated
from marketplace.adapters.sql.tables import categories, products, stores, variants
from marketplace.application.catalog.paging import next_cursor, position_of, search_terms
from marketplace.application.catalog.views import (
    CategoryRef,
    ProductCard,
    ProductDetail,
    ProductQuery,
    ProductRecord,
    Sort,
    StoreRef,
    StoreRefWithSlug,
    VariantSnapshot,
    VariantView,
)
from marketplace.application.media.links import media_view, thumbnail_url
from marketplace.application.shared.views import MoneyView, Page, RatingView
from marketplace.domain.catalog.product import ProductStatus
from marketplace.domain.catalog.visibility import product_is_public
from marketplace.domain.stores.store import StoreStatus

_p, _s = products.c, stores.c
_ACTIVE = ProductStatus.ACTIVE.value
# The value each keyset sort continues from (besides the id); None for `newest`.
_SORT_VALUE = {
    Sort.PRICE_ASC: _p.price_from_amount,
    Sort.PRICE_DESC: _p.price_from_amount,
    Sort.RATING: _p.rating_centi,
}


class SqlCatalogQueries:
    def __init__(self, engine: AsyncEngine, base_url: str = "") -> None:
        self._base_url = base_url
        self._engine = read_only(engine)
        self._postgres = not is_sqlite(engine)

    @translated
    async def variants(self, variant_ids: list[str]) -> list[VariantSnapshot]:
        if not variant_ids:
            return []
        statement = (
            select(
                variants.c.id,
                variants.c.name,
                variants.c.price_amount,
                variants.c.price_currency,
                variants.c.stock,
                variants.c.weight_grams,
                _p.id.label("product_id"),
                _p.title,
                _p.status,
                _s.id.label("store_id"),
                _s.name.label("store_name"),
                _s.status.label("store_status"),
            )
            .select_from(
                variants.join(products, products.c.id == variants.c.product_id).join(
                    stores, stores.c.id == products.c.store_id
                )
            )
            .where(variants.c.id.in_(sorted(set(variant_ids))))
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).mappings().all()
        return [
            VariantSnapshot(
                variant_id=r["id"],
                product_id=r["product_id"],
                title=f"{r['title']} - {r['name']}",
                price=MoneyView(amount=r["price_amount"], currency=r["price_currency"]),
                stock=r["stock"],
                store_id=r["store_id"],
                store_name=r["store_name"],
                purchasable=product_is_public(ProductStatus(r["status"]), StoreStatus(r["store_status"])),
                weight_grams=r["weight_grams"],
            )
            for r in rows
        ]

    @translated
    async def ping(self) -> None:
        async with self._engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @translated
    async def browse(self, query: ProductQuery) -> Page[ProductCard]:
        position = position_of(query)
        matches, rank = search(search_terms(query.q), postgres=self._postgres)
        statement = (
            select(
                _p.id,
                _p.slug,
                _p.title,
                _p.status,
                _p.store_id,
                _p.price_from_amount,
                _p.currency,
                _p.rating_centi,
                _p.rating_count,
                _p.media_ids,
                _s.name.label("store_name"),
            )
            .select_from(products.join(stores, stores.c.id == _p.store_id))
            .where(*self._filters(query), matches)
        )
        statement, offset = self._ordered(statement, query, position, rank, searching=bool(query.q))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement.limit(query.limit + 1))).mappings().all()
        chunk = rows[: query.limit]
        cursor = None
        if len(rows) > query.limit:
            last = chunk[-1]
            column = _SORT_VALUE.get(query.sort)
            cursor = next_cursor(
                query,
                last_id=last["id"],
                last_value=last[column.name] if column is not None else None,
                offset=offset + query.limit,
            )
        return Page(items=[_card(row, self._base_url) for row in chunk], next_cursor=cursor)

    @staticmethod
    def _filters(query: ProductQuery) -> list[ColumnElement[bool]]:
        filters: list[ColumnElement[bool]] = [_p.status.in_(query.statuses)]
        if query.public_only:
            filters += [_p.status == _ACTIVE, _s.status == StoreStatus.ACTIVE.value]
        if query.store_id is not None:
            filters.append(_p.store_id == query.store_id)
        if query.category_ids is not None:
            filters.append(_p.category_id.in_(query.category_ids))
        if query.min_price is not None:
            filters.append(_p.price_from_amount >= query.min_price)
        if query.max_price is not None:
            filters.append(_p.price_from_amount <= query.max_price)
        return filters

    @staticmethod
    def _ordered(
        statement: Select[Any],
        query: ProductQuery,
        position: dict[str, Any] | None,
        rank: ColumnElement[Any],
        *,
        searching: bool = False,
    ) -> tuple[Select[Any], int]:
        """The sort's ORDER BY and, from the cursor, a keyset condition (or the relevance offset).

        With a text search a price or rating sort orders by an expression no index matches:
        PostgreSQL then takes the text matches from the full-text index and sorts them, instead of
        walking the price index and testing row after row against the search (measured: 26-70 ms
        against 3-5 ms). Newest stays on the id index, which the planner walks well: a common
        word fills a page within a few hundred rows, and a rare one is fetched by the text index.
        """
        sort = query.sort
        order_id = _p.id
        if sort is Sort.RELEVANCE:
            offset = position["o"] if position else 0
            return statement.order_by(rank.desc(), _p.id.desc()).offset(offset), offset
        if sort is Sort.NEWEST:
            if position:
                statement = statement.where(_p.id < position["id"])
            return statement.order_by(order_id.desc()), 0
        value = _SORT_VALUE[sort]
        order_value: ColumnElement[Any] = value + 0 if searching else value
        ascending = sort is Sort.PRICE_ASC
        if position:
            key, after = tuple_(value, _p.id), tuple_(position["v"], position["id"])
            statement = statement.where(key > after if ascending else key < after)
        if ascending:
            return statement.order_by(order_value.asc(), order_id.asc()), 0
        return statement.order_by(order_value.desc(), order_id.desc()), 0

    @translated
    async def product(self, ref: str) -> ProductRecord | None:
        statement = (
            select(
                products,
                _s.name.label("store_name"),
                _s.slug.label("store_slug"),
                _s.owner_id,
                _s.status.label("store_status"),
                categories.c.name.label("category_name"),
            )
            .select_from(
                products.join(stores, _s.id == _p.store_id).outerjoin(categories, categories.c.id == _p.category_id)
            )
            .where((_p.id == ref) | (_p.slug == ref))
            .order_by(case((_p.id == ref, 0), else_=1))  # an id wins over a slug, as in the memory adapter
            .limit(1)
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(statement)).mappings().first()
            if row is None:
                return None
            variant_rows = (
                (
                    await connection.execute(
                        select(variants).where(variants.c.product_id == row["id"]).order_by(variants.c.position)
                    )
                )
                .mappings()
                .all()
            )
        return _record(row, variant_rows, self._base_url)


def _card(row: RowMapping, base_url: str) -> ProductCard:
    media_ids = row["media_ids"] or []
    return ProductCard(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        status=row["status"],
        price_from=MoneyView(amount=row["price_from_amount"], currency=row["currency"]),
        store=StoreRef(id=row["store_id"], name=row["store_name"]),
        thumbnail_url=thumbnail_url(base_url, media_ids[0]) if media_ids else None,
        rating=RatingView.from_centi(row["rating_centi"], row["rating_count"]),
    )


def _record(row: RowMapping, variant_rows: list[RowMapping] | Any, base_url: str) -> ProductRecord:
    category = CategoryRef(id=row["category_id"], name=row["category_name"]) if row["category_id"] else None
    detail = ProductDetail(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        description=row["description"],
        status=row["status"],
        category=category,
        store=StoreRefWithSlug(id=row["store_id"], name=row["store_name"], slug=row["store_slug"]),
        variants=[
            VariantView(
                id=v["id"],
                sku=v["sku"],
                name=v["name"],
                price=MoneyView(amount=v["price_amount"], currency=v["price_currency"]),
                stock=v["stock"],
                weight_grams=v["weight_grams"],
            )
            for v in variant_rows
        ],
        media=[media_view(base_url, m) for m in row["media_ids"] or []],
        rating=RatingView.from_centi(row["rating_centi"], row["rating_count"]),
        price_from=MoneyView(amount=row["price_from_amount"], currency=row["currency"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
    public = product_is_public(ProductStatus(row["status"]), StoreStatus(row["store_status"]))
    return ProductRecord(detail=detail, owner_id=row["owner_id"], public=public)
