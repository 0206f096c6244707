"""The SQL product repository: a product row plus its variant rows, written as one aggregate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.sql import ColumnElement

from marketplace.adapters.sql.base import Duplicates, SqlRepository
from marketplace.adapters.sql.errors import clashing_sku
from marketplace.adapters.sql.mappers import product_to_domain, product_to_row, variant_to_row
from marketplace.adapters.sql.tables import products, variants
from marketplace.domain.catalog.product import Product
from marketplace.domain.shared.errors import DuplicateSku, DuplicateSlug

_VARIANT_FIELDS = ("position", "sku", "name", "price_amount", "price_currency", "stock", "weight_grams")
# One statement for every changed variant (executemany); `b_id` because `id` is a column name.
_UPDATE_VARIANT = (
    variants.update()
    .where(variants.c.id == bindparam("b_id"))
    .values({name: bindparam(name) for name in _VARIANT_FIELDS})
)


def _duplicates(product: Product, new_skus: list[str]) -> Duplicates:
    return {
        "products.slug": lambda _: DuplicateSlug(f"the product slug {product.slug!r} is taken"),
        "variants.sku": lambda error: DuplicateSku(clashing_sku(error, new_skus)),
    }


class SqlProductRepository(SqlRepository):
    async def add(self, product: Product) -> None:
        rows = [variant_to_row(v, product, i) for i, v in enumerate(product.variants)]
        duplicates = _duplicates(product, [row["sku"] for row in rows])
        await self._write(insert(products), product_to_row(product), duplicates=duplicates)
        await self._insert_variants(product, rows, duplicates)
        self._session.touch(product)

    async def get(self, product_id: str) -> Product | None:
        return await self._load(products.c.id == product_id)

    async def get_by_slug(self, slug: str) -> Product | None:
        return await self._load(products.c.slug == slug)

    async def save(self, product: Product) -> None:
        wanted = {v.id: variant_to_row(v, product, i) for i, v in enumerate(product.variants)}
        # The versioned UPDATE comes first: on PostgreSQL it also locks the row for the variant diff.
        await self._update_versioned(
            products, product, product_to_row(product), duplicates=_duplicates(product, [])
        )
        stored = {row["id"]: dict(row) for row in await self._all(
            select(variants.c.id, *(variants.c[name] for name in _VARIANT_FIELDS))
            .where(variants.c.product_id == product.id)
        )}
        removed = [variant_id for variant_id in stored if variant_id not in wanted]
        if removed:  # first, so a SKU removed and added again in one save does not clash with itself
            await self._write(variants.delete().where(variants.c.id.in_(removed)))
        changed = [
            {"b_id": variant_id, **{name: row[name] for name in _VARIANT_FIELDS}}
            for variant_id, row in wanted.items()
            if variant_id in stored and any(stored[variant_id][name] != row[name] for name in _VARIANT_FIELDS)
        ]
        if changed:
            await self._write(_UPDATE_VARIANT, changed)
        added = [row for variant_id, row in wanted.items() if variant_id not in stored]
        await self._insert_variants(product, added, _duplicates(product, [row["sku"] for row in added]))

    async def _load(self, condition: ColumnElement[bool]) -> Product | None:
        row = await self._one(select(products).where(condition))
        if row is None:
            return None
        variant_rows = await self._all(
            select(variants).where(variants.c.product_id == row["id"]).order_by(variants.c.position)
        )
        return product_to_domain(row, variant_rows)

    async def _insert_variants(self, product: Product, rows: list[dict[str, Any]], duplicates: Duplicates) -> None:
        if not rows:
            return
        # Ask first, so the error names the SKU on every database and the transaction stays usable;
        # the unique constraint still catches a concurrent insert.
        taken = await self._all(
            select(variants.c.sku).where(
                variants.c.store_id == product.store_id,
                variants.c.sku.in_([row["sku"] for row in rows]),
                variants.c.product_id != product.id,
            )
        )
        if taken:
            raise DuplicateSku(sorted(row["sku"] for row in taken)[0])
        await self._write(insert(variants), rows, duplicates=duplicates)
