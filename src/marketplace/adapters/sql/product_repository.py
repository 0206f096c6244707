"""The SQL product repository: a product row plus its variant rows, written as one aggregate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.sql import ColumnElement

from marketplace.adapters.sql.base import Duplicates, Session, SqlRepository
from marketplace.adapters.sql.errors import clashing_sku
from marketplace.adapters.sql.mappers import product_to_domain, product_to_row, variant_to_row
from marketplace.adapters.sql.tables import products, variants
from marketplace.domain.catalog.product import Product
from marketplace.domain.shared.errors import DuplicateSku, DuplicateSlug

VariantRows = dict[str, dict[str, Any]]  # variant id -> the columns a save may change

_VARIANT_FIELDS = ("position", "sku", "name", "price_amount", "price_currency", "stock", "weight_grams")


def _duplicates(product: Product, new_skus: list[str]) -> Duplicates:
    return {
        "products.slug": lambda _: DuplicateSlug(f"the product slug {product.slug!r} is taken"),
        "variants.sku": lambda error: DuplicateSku(clashing_sku(error, new_skus)),
    }


def _variant_rows(product: Product) -> VariantRows:
    return {v.id: variant_to_row(v, product, position) for position, v in enumerate(product.variants)}


def _fields(row: Any) -> dict[str, Any]:
    return {name: row[name] for name in _VARIANT_FIELDS}


def _changes(before: VariantRows, wanted: VariantRows) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """The kept variants whose columns changed, grouped by which columns changed."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for variant_id, row in wanted.items():
        if variant_id in before:
            columns = tuple(name for name in _VARIANT_FIELDS if before[variant_id][name] != row[name])
            if columns:
                groups.setdefault(columns, []).append({"b_id": variant_id, **{name: row[name] for name in columns}})
    return groups


class SqlProductRepository(SqlRepository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # Variants as this unit of work last read or wrote them. A save writes only what the use case
        # changed since, so it never puts back a value (say, stock) that someone else has changed.
        self._seen: dict[str, VariantRows] = {}

    async def add(self, product: Product) -> None:
        rows = _variant_rows(product)
        duplicates = _duplicates(product, [row["sku"] for row in rows.values()])
        await self._refuse_taken_skus(product, list(rows.values()))
        await self._write(insert(products), product_to_row(product), duplicates=duplicates)
        if rows:
            await self._write(insert(variants), list(rows.values()), duplicates=duplicates)
        self._seen[product.id] = {variant_id: _fields(row) for variant_id, row in rows.items()}
        self._session.touch(product)

    async def get(self, product_id: str) -> Product | None:
        return await self._load(products.c.id == product_id)

    async def get_by_slug(self, slug: str) -> Product | None:
        return await self._load(products.c.slug == slug)

    async def save(self, product: Product) -> None:
        wanted = _variant_rows(product)
        before = self._seen.get(product.id)
        if before is None:  # loaded by another unit of work: compare with what is stored
            before = await self._stored(product.id)
        added = [row for variant_id, row in wanted.items() if variant_id not in before]
        await self._refuse_taken_skus(product, added)
        await self._update_versioned(products, product, product_to_row(product), duplicates=_duplicates(product, []))
        removed = [variant_id for variant_id in before if variant_id not in wanted]
        if removed:  # first, so a SKU removed and added again in one save does not clash with itself
            await self._write(variants.delete().where(variants.c.id.in_(removed)))
        for columns, params in _changes(before, wanted).items():
            # `b_id` because `id` is a column name; one executemany per set of changed columns.
            statement = variants.update().where(variants.c.id == bindparam("b_id"))
            await self._write(statement.values({name: bindparam(name) for name in columns}), params)
        if added:
            await self._write(insert(variants), added, duplicates=_duplicates(product, [r["sku"] for r in added]))
        self._seen[product.id] = {variant_id: _fields(row) for variant_id, row in wanted.items()}

    async def _load(self, condition: ColumnElement[bool]) -> Product | None:
        row = await self._one(select(products).where(condition))
        if row is None:
            return None
        variant_rows = await self._all(
            select(variants).where(variants.c.product_id == row["id"]).order_by(variants.c.position)
        )
        self._seen[row["id"]] = {v["id"]: _fields(v) for v in variant_rows}
        return product_to_domain(row, variant_rows)

    async def _stored(self, product_id: str) -> VariantRows:
        rows = await self._all(
            select(variants.c.id, *(variants.c[name] for name in _VARIANT_FIELDS)).where(
                variants.c.product_id == product_id
            )
        )
        return {row["id"]: _fields(row) for row in rows}

    async def _refuse_taken_skus(self, product: Product, rows: list[dict[str, Any]]) -> None:
        """Asks before inserting, so the error names the SKU on every database and the transaction
        stays usable; the unique constraint still catches a concurrent insert."""
        if not rows:
            return
        taken = await self._all(
            select(variants.c.sku).where(
                variants.c.store_id == product.store_id,
                variants.c.sku.in_([row["sku"] for row in rows]),
                variants.c.product_id != product.id,
            )
        )
        if taken:
            raise DuplicateSku(min(row["sku"] for row in taken))
