"""The catalog read side over the in-memory database, with the same filters, sorts and cursors."""

from __future__ import annotations

from typing import Any

from marketplace.adapters.memory.database import MemoryDatabase
from marketplace.adapters.memory.reviews import RATINGS
from marketplace.application.catalog.paging import next_cursor, position_of, search_terms
from marketplace.application.catalog.variants import variant_view
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
)
from marketplace.application.media.links import media_view, thumbnail_url
from marketplace.application.shared.views import MoneyView, Page, RatingView
from marketplace.domain.catalog.product import Product
from marketplace.domain.catalog.visibility import product_is_public
from marketplace.domain.reviews.summary import RatingSummary
from marketplace.domain.stores.store import Store


def _score(product: Product, terms: list[str]) -> int:
    """Title hits weigh twice description hits; every term must appear somewhere."""
    title, description = product.title.lower(), product.description.lower()
    score = 0
    for term in terms:
        in_title, in_description = term in title, term in description
        if not (in_title or in_description):
            return 0
        score += 2 * in_title + in_description
    return score


class MemoryCatalogQueries:
    def __init__(self, db: MemoryDatabase, base_url: str = "") -> None:
        self._db = db
        self._base_url = base_url

    async def ping(self) -> None:
        return None

    async def variants(self, variant_ids: list[str]) -> list[VariantSnapshot]:
        wanted, stores, found = set(variant_ids), self._stores(), []
        for product in self._db.table("products").values():
            store = stores.get(product.store_id)
            for variant in product.variants:
                if variant.id in wanted and store is not None:
                    found.append(
                        VariantSnapshot(
                            variant_id=variant.id,
                            product_id=product.id,
                            title=f"{product.title} - {variant.name}",
                            price=MoneyView.of(variant.price),
                            stock=variant.stock,
                            store_id=store.id,
                            store_name=store.name,
                            purchasable=product_is_public(product.status, store.status),
                            weight_grams=variant.weight_grams,
                        )
                    )
        return found

    def _stores(self) -> dict[str, Store]:
        return self._db.table("stores")

    async def browse(self, query: ProductQuery) -> Page[ProductCard]:
        position = position_of(query)
        stores = self._stores()
        terms = search_terms(query.q)
        rows: list[tuple[Product, int]] = []
        for product in self._db.table("products").values():
            store = stores.get(product.store_id)
            if store is None or product.status.value not in query.statuses:
                continue
            if query.public_only and not product_is_public(product.status, store.status):
                continue
            if query.store_id is not None and product.store_id != query.store_id:
                continue
            if query.category_ids is not None and product.category_id not in query.category_ids:
                continue
            price = product.price_from.amount if product.price_from else 0
            if query.min_price is not None and price < query.min_price:
                continue
            if query.max_price is not None and price > query.max_price:
                continue
            score = _score(product, terms) if terms else 1
            if score:
                rows.append((product, score))
        ordered = self._ordered(rows, query.sort)
        start = 0
        if position is not None:
            if query.sort is Sort.RELEVANCE:
                start = position["o"]
            else:
                after = self._after_key(query.sort, position)
                start = next((i for i, (p, _) in enumerate(ordered) if self._key(query.sort, p) > after), len(ordered))
        chunk = ordered[start : start + query.limit]
        more = start + query.limit < len(ordered)
        cursor = None
        if more and chunk:
            last = chunk[-1][0]
            cursor = next_cursor(
                query, last_id=last.id, last_value=self._value(query.sort, last), offset=start + query.limit
            )
        return Page(items=[self._card(p, stores[p.store_id], self._base_url) for p, _ in chunk], next_cursor=cursor)

    def _value(self, sort: Sort, product: Product) -> int | None:
        if sort in (Sort.PRICE_ASC, Sort.PRICE_DESC):
            return product.price_from.amount if product.price_from else 0
        if sort is Sort.RATING:
            return self._summary("product", product.id).centi
        return None

    def _key(self, sort: Sort, product: Product) -> tuple[Any, ...]:
        """A key that grows along the list's order, so 'after the cursor' is a comparison."""
        inverted_id = tuple(-ord(ch) for ch in product.id)
        if sort is Sort.PRICE_ASC:
            return (self._value(sort, product), product.id)
        if sort in (Sort.PRICE_DESC, Sort.RATING):
            return (-(self._value(sort, product) or 0), inverted_id)
        return (inverted_id,)

    def _summary(self, kind: str, subject_id: str) -> RatingSummary:
        row = self._db.table(RATINGS).get(f"{kind}:{subject_id}")
        return row.summary if row is not None else RatingSummary()

    def _rating(self, kind: str, subject_id: str) -> RatingView:
        summary = self._summary(kind, subject_id)
        return RatingView(average=summary.average, count=summary.count)

    @staticmethod
    def _after_key(sort: Sort, position: dict[str, Any]) -> tuple[Any, ...]:
        inverted_id = tuple(-ord(ch) for ch in position["id"])
        if sort is Sort.PRICE_ASC:
            return (position["v"], position["id"])
        if sort in (Sort.PRICE_DESC, Sort.RATING):
            return (-position["v"], inverted_id)
        return (inverted_id,)

    def _ordered(self, rows: list[tuple[Product, int]], sort: Sort) -> list[tuple[Product, int]]:
        if sort is Sort.RELEVANCE:
            return sorted(rows, key=lambda r: (-r[1], tuple(-ord(ch) for ch in r[0].id)))
        return sorted(rows, key=lambda r: self._key(sort, r[0]))

    def _card(self, product: Product, store: Store, base_url: str) -> ProductCard:
        price = product.price_from
        return ProductCard(
            id=product.id,
            slug=product.slug,
            title=product.title,
            status=product.status.value,
            price_from=MoneyView(amount=price.amount if price else 0, currency=product.currency),
            store=StoreRef(id=store.id, name=store.name),
            thumbnail_url=thumbnail_url(base_url, product.media_ids[0]) if product.media_ids else None,
            rating=self._rating("product", product.id),
        )

    async def product(self, ref: str) -> ProductRecord | None:
        products = self._db.table("products")
        product = products.get(ref) or next((p for p in products.values() if p.slug == ref), None)
        if product is None:
            return None
        store = self._stores()[product.store_id]
        category = self._db.table("categories").get(product.category_id) if product.category_id else None
        price = product.price_from
        detail = ProductDetail(
            id=product.id,
            slug=product.slug,
            title=product.title,
            description=product.description,
            status=product.status.value,
            category=CategoryRef(id=category.id, name=category.name) if category else None,
            store=StoreRefWithSlug(id=store.id, name=store.name, slug=store.slug),
            variants=[variant_view(v) for v in product.variants],
            media=[media_view(self._base_url, m) for m in product.media_ids],
            rating=self._rating("product", product.id),
            price_from=MoneyView(amount=price.amount if price else 0, currency=product.currency),
            created_at=product.created_at,
            updated_at=product.updated_at,
        )
        return ProductRecord(
            detail=detail, owner_id=store.owner_id, public=product_is_public(product.status, store.status)
        )
